import Foundation

/// Where and until when a creditor declares its claim after a procedure opens: to the
/// mandataire judiciaire (or the liquidator) within two months of the BODACC publication,
/// four for a creditor outside metropolitan France (art. R622-24 of the Code de commerce).
public struct ClaimsDeadline: Hashable, Sendable, Codable {
    public var published: CalendarDay
    public var deadline: CalendarDay
    public var months: Int
    /// The officer the claim goes to, as the court's text names them, with their address:
    /// "SELARL MJ DE L'ALLIER, représentée par Maître RAYNAUD Pascal 2, rue de la Presle - 03100 Montluçon".
    public var mandataire: String?
    /// `mandataire judiciaire` or `liquidateur`.
    public var role: String?

    public init(published: CalendarDay, months: Int, mandataire: String?, role: String?) {
        self.published = published
        self.months = months
        deadline = Self.adding(months: months, to: published)
        self.mandataire = mandataire
        self.role = role
    }

    /// The same claim with the deadline `months` after publication.
    public func with(months: Int) -> ClaimsDeadline {
        ClaimsDeadline(published: published, months: months, mandataire: mandataire, role: role)
    }

    /// Judgments that open a claims period: an opening, an extension, a plan's resolution that
    /// opens the next procedure, a resumed liquidation.
    public static let opening: Set<NoticeEvent> = [.opened, .extended, .planResolved, .resumed]

    /// The deadline of a notice, when it opens a claims period and says when it was published.
    public static func of(_ notice: BodaccNotice, event: NoticeEvent, outsideMetropolitanFrance: Bool = false) -> ClaimsDeadline? {
        guard opening.contains(event), let published = notice.published else { return nil }
        let officer = notice.judgment?.complement.flatMap(Self.officer(in:))
        return ClaimsDeadline(published: published, months: outsideMetropolitanFrance ? 4 : 2, mandataire: officer?.name, role: officer?.role)
    }

    /// The same day `months` later; the last day of the month when that day does not exist
    /// (a 31 December publication runs to 28 or 29 February).
    static func adding(months: Int, to day: CalendarDay) -> CalendarDay {
        let total = day.year * 12 + (day.month - 1) + months
        let (year, month) = (total / 12, total % 12 + 1)
        return CalendarDay(year: year, month: month, day: min(day.day, CalendarDay.daysIn(month: month, year: year)))!
    }

    /// Words that introduce the officer claims go to, most specific first.
    static let roles: [(words: String, role: String)] = [
        ("mandataire judiciaire", "mandataire judiciaire"), ("liquidateur", "liquidateur"), ("mandataire", "mandataire judiciaire"),
    ]
    /// Words before a role that make it the claims sentence ("auprès du liquidateur"), not the designation.
    static let notDesignation = ["au ", "auprès du ", "aupres du ", "du ", "le ", "la "]

    /// The officer the court's text designates, with their address: the text after a role
    /// word, up to the city after the first postcode. A role word with no postcode in the
    /// next 240 characters is the claims sentence, not a designation, and is skipped.
    public static func officer(in text: String) -> (name: String, role: String)? {
        let characters = Array(text)
        let folded = Array(text.lowercased())
        var best: (at: Int, name: String, role: String)?
        for (words, role) in roles {
            let pattern = Array(words)
            var index = 0
            while index + pattern.count <= folded.count {
                defer { index += 1 }
                guard Array(folded[index..<index + pattern.count]) == pattern else { continue }
                let before = String(folded[max(0, index - 10)..<index])
                if notDesignation.contains(where: { before.hasSuffix($0) }) { continue }
                guard let name = designation(characters, from: index + pattern.count) else { continue }
                if best == nil || index < best!.at { best = (index, name, role) }
                break
            }
        }
        return best.map { ($0.name, $0.role) }
    }

    /// From just after a role word: skip `:`, `,` and spaces, then read up to the city that
    /// follows the first five-digit postcode.
    static func designation(_ text: [Character], from start: Int) -> String? {
        var begin = start
        while begin < text.count, [" ", ":", ",", "\u{a0}"].contains(text[begin]) { begin += 1 }
        let limit = min(text.count, begin + 240)
        var index = begin
        var postcodeEnd: Int?
        while index + 5 <= limit {
            let run = text[index..<index + 5]
            let boundedBefore = index == 0 || !text[index - 1].isNumber
            let boundedAfter = index + 5 == text.count || !text[index + 5].isNumber
            if run.allSatisfy(\.isNumber), boundedBefore, boundedAfter {
                postcodeEnd = index + 5
                break
            }
            index += 1
        }
        guard let postcodeEnd else { return nil }
        var end = postcodeEnd
        while end < text.count, text[end] == " " { end += 1 }
        // The city: words up to a full stop, a comma, a semicolon, " - ", a parenthesis or the
        // next sentence ("Les déclarations…").
        while end < text.count {
            let character = text[end]
            if [".", ",", ";", "(", ")"].contains(character) { break }
            if character == " ", end + 2 < text.count, text[end + 1] == "-", text[end + 2] == " " { break }
            if character == " ", end + 4 < text.count, String(text[end + 1..<end + 5]) == "Les " { break }
            end += 1
        }
        let name = String(text[begin..<end]).trimmingCharacters(in: .whitespaces)
        return name.count > 8 ? name : nil
    }
}
