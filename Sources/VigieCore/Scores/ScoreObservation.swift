import Foundation

/// A provider's score on its own scale, or its explicit refusal to score.
public enum ScoreValue: Hashable, Sendable, Codable {
    /// A number on `[minimum, maximum]` (Creditsafe 0–100, Ellisphère 0–10, Altares 0–20).
    case value(Double, minimum: Double, maximum: Double)
    /// "Not Rated", "Not Scored": the provider said nothing about risk. Never a drop.
    case notRated

    /// The score as a share of its scale, 0 to 100, so that thresholds read the same for every provider.
    public var normalized: Double? {
        guard case .value(let value, let minimum, let maximum) = self, maximum > minimum else { return nil }
        return (value - minimum) / (maximum - minimum) * 100
    }

    public var number: Double? {
        if case .value(let value, _, _) = self { return value }
        return nil
    }

    /// As people read it: `52/100`, `5/10`, `Not Rated`.
    public var text: String {
        switch self {
        case .notRated: "Not Rated"
        case .value(let value, _, let maximum): "\(Self.text(value))/\(Self.text(maximum))"
        }
    }

    public static func text(_ number: Double) -> String {
        if number == number.rounded(), let whole = Int(exactly: number) { return String(whole) }
        return String(number)
    }
}

/// A credit limit a provider or an insurer recommends or grants.
public enum CreditLimit: Hashable, Sendable, Codable {
    case amount(Double, currency: String?)
    /// "Credit Limit not applicable": no statement, so no cut.
    case notApplicable

    public var amount: Double? {
        if case .amount(let value, _) = self { return value }
        return nil
    }

    /// As evidence records it: `150 000 EUR`, `not applicable`. Part of an alert's identity:
    /// never change this form.
    public var text: String {
        switch self {
        case .amount(let value, let currency): Money(amount: Decimal(value), currency: currency ?? "").formatted(.french)
        case .notApplicable: "not applicable"
        }
    }

    /// As an English sentence writes it: `150,000 EUR`.
    public var englishText: String {
        switch self {
        case .amount(let value, let currency): Money(amount: Decimal(value), currency: currency ?? "").formatted(.english)
        case .notApplicable: "not applicable"
        }
    }
}

/// The legal state of a company as a provider reports it.
public enum CompanyStatus: String, Hashable, Sendable, Codable {
    case active
    /// Ceased trading (Creditsafe `NonActive`, Pappers `entreprise_cessee`).
    case ceased
    /// Struck off the register (radiée).
    case struckOff = "struck_off"
}

/// What one provider said about one company at one time. Every field is optional: a
/// provider that omits a value has not said it changed.
public struct ScoreObservation: Hashable, Sendable {
    public var siren: SIREN
    /// The provider's name, `creditsafe`, `ellisphere`, `altares`, `pappers`.
    public var provider: String
    /// When the provider's data is dated (its observation), not when Vigie fetched it.
    public var observedOn: CalendarDay
    public var score: ScoreValue?
    /// The provider's rating letter: Creditsafe's common value A–E, Ellisphère's risk class.
    public var rating: String?
    public var creditLimit: CreditLimit?
    public var status: CompanyStatus?
    public var companyName: String?
    /// The rating before the last change, and when it changed, as the provider states them.
    public var previousRating: String?
    public var ratingChangedOn: CalendarDay?
    /// Court judgements and registry events the provider lists (Creditsafe's
    /// `negativeInformation.judgements`, Ellisphère's `event`s), newest first: context for a
    /// person reading an alert, not events of their own — the BODACC feed is where procedures
    /// are alerted, once.
    public var legalEvents: [LegalEvent] = []
    /// The provider says the company is failing: Creditsafe's "company in situation of
    /// failure", Pappers' `procedure_collective_en_cours`. Nil when it does not say.
    public var inFailure: Bool?
    /// Facts the provider lists that are events when new: judgements, collective procedures,
    /// active tax and social privileges. Nil when the provider lists none of these kinds.
    public var facts: [ProviderFact]?
    /// From a credit insurer's export: its decision on the buyer.
    public var cover: InsurerCover? {
        get { extra?.cover }
        set { setExtra(cover: newValue, balance: balance) }
    }

    /// From the ERP's aged balance: what the client owes.
    public var balance: AgedBalance? {
        get { extra?.balance }
        set { setExtra(cover: cover, balance: newValue) }
    }

    /// The cover and the balance, boxed: 400 bytes inline that every observation of every
    /// provider carried (632 bytes each) while a cycle holds one per company; nil when neither.
    private var extra: SnapshotDetail?

    private mutating func setExtra(cover: InsurerCover?, balance: AgedBalance?) {
        extra = cover == nil && balance == nil ? nil : SnapshotDetail(cover: cover, balance: balance)
    }

    public init(
        siren: SIREN, provider: String, observedOn: CalendarDay, score: ScoreValue? = nil, rating: String? = nil,
        creditLimit: CreditLimit? = nil, status: CompanyStatus? = nil, companyName: String? = nil
    ) {
        self.siren = siren
        self.provider = provider
        self.observedOn = observedOn
        self.score = score
        self.rating = rating
        self.creditLimit = creditLimit
        self.status = status
        self.companyName = companyName
    }
}

/// A court judgement or registry event as a provider lists it.
public struct LegalEvent: Hashable, Sendable, Codable {
    public var on: CalendarDay?
    /// The provider's code (Creditsafe: `RJ`, `LJ`, `CI`, `CRE`…; Ellisphère: `153`, `194`…).
    public var code: String?
    public var label: String
    /// Who published it: a court (`Orléans`), or a register (`BODACC`, `RNCS`).
    public var authority: String?

    public init(on: CalendarDay?, code: String?, label: String, authority: String?) {
        self.on = on
        self.code = code
        self.label = label
        self.authority = authority
    }

    /// "Closure for Insufficient Assets (CI), 2014-09-26, Orléans".
    public var summary: String {
        ([label + (code.map { " (\($0))" } ?? "")] + [on?.iso, authority].compactMap { $0 }).joined(separator: ", ")
    }
}

/// A fact a provider lists about a company that is news when it appears: a judgement, a
/// collective procedure, the count of active tax and social privileges (registered debts to
/// the tax office or the URSSAF: a classic warning sign in France).
public struct ProviderFact: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case judgement
        case procedure
        case privileges
    }

    public var kind: Kind
    public var on: CalendarDay?
    public var code: String?
    public var label: String
    /// For `privileges`: how many are active.
    public var count: Int?

    public init(kind: Kind, on: CalendarDay?, code: String? = nil, label: String, count: Int? = nil) {
        self.kind = kind
        self.on = on
        self.code = code
        self.label = label
        self.count = count
    }

    /// What tells this fact from another of the provider's: the same judgement seen again is
    /// not new. Privileges are a count, compared, not keyed.
    public var key: String {
        "\(kind.rawValue)|\(on?.iso ?? "-")|\(code ?? TextRepair.fold(label))"
    }

    /// "Receivership, 2011-11-17".
    public var summary: String {
        on.map { "\(label), \($0.iso)" } ?? label
    }
}
