/// One BODACC announcement, whichever format it came in (API v2.1, v1, an export, DILA XML).
///
/// Only what Vigie needs to classify and alert is kept; decoders map every format onto it.
public struct BodaccNotice: Hashable, Sendable, Codable {
    /// Whether the notice stands on its own, corrects an earlier one, or cancels it.
    public enum Kind: String, Hashable, Sendable, Codable {
        case initial
        case rectificatif
        case annulation
    }

    /// The BODACC id, `A202601721671` = publication + issue number + notice number. Records
    /// that lost it (some third-party exports) get a derived id, see `isOfficialID`.
    public var id: String
    public var kind: Kind
    /// The notice family code: `collective`, `radiation`, `dpc`, `creation`, `immatriculation`,
    /// `modification`, `vente`… (`familleavis`).
    public var family: String?
    public var published: CalendarDay?
    /// Every SIREN the notice names (several for an extension to related companies). Empty for
    /// unregistered sole traders.
    public var sirens: [SIREN]
    public var companyName: String?
    public var tribunal: String?
    public var city: String?
    public var postalCode: String?
    public var judgment: Judgment?
    /// The id of the notice a rectificatif or an annulation replaces, when the record says.
    public var supersedes: String?
    /// For a radiation: the registry's comment (`radiationaurcs.commentaire`). "Rapport de
    /// radiation d'office" cancels a strike-off instead of pronouncing one.
    public var registryComment: String?

    public init(
        id: String, kind: Kind, family: String? = "collective", published: CalendarDay?, sirens: [SIREN], companyName: String?,
        tribunal: String? = nil, city: String? = nil, postalCode: String? = nil,
        judgment: Judgment?, supersedes: String? = nil, registryComment: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.family = family
        self.published = published
        self.sirens = sirens
        self.companyName = companyName
        self.tribunal = tribunal
        self.city = city
        self.postalCode = postalCode
        self.judgment = judgment
        self.supersedes = supersedes
        self.registryComment = registryComment
    }

    /// True when `id` has the official shape, so that the public page exists.
    public var isOfficialID: Bool { Self.isOfficial(id) }

    /// The notice's public page on bodacc.fr, for official ids.
    public var pageURL: String? {
        isOfficialID ? "https://www.bodacc.fr/pages/annonces-commerciales-detail/?q.id=id:\(id)" : nil
    }

    static func isOfficial(_ id: String) -> Bool {
        let utf8 = Array(id.utf8)
        guard utf8.count >= 10, let first = utf8.first, first == UInt8(ascii: "A") || first == UInt8(ascii: "B") || first == UInt8(ascii: "C") else {
            return false
        }
        return utf8.dropFirst().allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// The id BODACC gives a notice: publication letter, the issue number (`YYYYNNNN`) and the
    /// notice number. Old DILA files write the issue as `00000234` next to its date: the year is
    /// then taken from the date.
    public static func officialID(publication: String, issue: String, number: String, issueYear: Int?) -> String? {
        // Bytes, not characters: every notice of a DILA file makes an id, and Unicode case
        // mapping and digit properties were a thirtieth of classifying one.
        let last = publication.utf8.last ?? UInt8(ascii: "A")
        let letter = last >= UInt8(ascii: "a") && last <= UInt8(ascii: "z") ? last - 32 : last
        guard letter >= UInt8(ascii: "A"), letter <= UInt8(ascii: "C") else { return nil }
        func digits(_ text: String) -> String {
            String(decoding: text.utf8.filter { $0 &- 0x30 < 10 }, as: UTF8.self)
        }
        let issueDigits = digits(issue)
        let numberDigits = digits(number)
        guard !issueDigits.isEmpty, let noticeNumber = Int(numberDigits) else { return nil }
        var normalizedIssue = issueDigits
        if let year = issueYear, !issueDigits.hasPrefix(String(year)), let sequence = Int(issueDigits), sequence < 10_000 {
            let padded = String(sequence)
            normalizedIssue = String(year) + String(repeating: "0", count: 4 - padded.count) + padded
        }
        return String(UnicodeScalar(letter)) + normalizedIssue + String(noticeNumber)
    }
}

/// The court decision a notice publishes: the `jugement` document.
public struct Judgment: Hashable, Sendable, Codable {
    /// `annule` when the notice cancels an earlier one.
    public var type: String?
    public var famille: String?
    public var nature: String?
    public var date: CalendarDay?
    /// The date as written, when it could not be read (kept as evidence).
    public var rawDate: String?
    public var complement: String?

    public init(type: String? = nil, famille: String?, nature: String?, date: CalendarDay?, rawDate: String? = nil, complement: String?) {
        self.type = type
        self.famille = famille.map(TextRepair.repairMojibake)
        self.nature = nature.map(TextRepair.repairMojibake)
        self.date = date
        self.rawDate = rawDate
        self.complement = complement.map(TextRepair.repairMojibake)
    }
}
