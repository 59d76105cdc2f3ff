import Foundation

/// An amount of money in a currency: an exposure (encours) or an insured limit.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public var amount: Decimal
    /// ISO 4217 code, `EUR` unless the list says otherwise.
    public var currency: String

    public init(amount: Decimal, currency: String = "EUR") {
        self.amount = amount
        self.currency = currency
    }

    /// `12 480,50 EUR`: French grouping and decimal comma, cents only when there are any.
    public var description: String { formatted(.french) }

    /// `12 480,50 EUR` in French, `12,480.50 EUR` in English: the number as each language
    /// writes it. Written by hand: a `NumberFormatter` per call dominated the cost of rendering
    /// a message.
    public func formatted(_ style: NumberStyle) -> String {
        var value = amount, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        let text = "\(rounded)"
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", maxSplits: 1)
        let integer = String(parts.first ?? "0")
        var grouped = ""
        for (index, character) in integer.enumerated() {
            if index > 0, (integer.count - index) % 3 == 0 { grouped.append(style.grouping) }
            grouped.append(character)
        }
        var result = (negative ? "-" : "") + grouped
        if parts.count == 2 {
            let cents = String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0)
            if cents != "00" { result += String(style.decimal) + cents }
        }
        return currency.isEmpty ? result : "\(result) \(currency)"
    }
}

/// How a language writes numbers.
public enum NumberStyle: Sendable {
    /// `12,480.50`.
    case english
    /// `12 480,50`.
    case french

    var grouping: Character { self == .english ? "," : " " }
    var decimal: Character { self == .english ? "." : "," }
}

/// One company on a watchlist, with what the risk officer knows about it.
public struct WatchEntry: Hashable, Sendable {
    /// As written in the list: a SIREN, or a SIRET that stands for its company.
    public var identifier: String
    public var siren: SIREN
    public var name: String?
    public var tags: [String]
    public var owner: String?
    public var exposure: Money?
    public var insuredLimit: Money?
    /// Where the entry is written, for messages.
    public var line: Int
    /// What entries of a list mostly share, in one box they share: a million-company list held
    /// 432 bytes per entry inline, 230 of them the same thresholds and absent figures.
    private var terms: Terms.Box

    /// The entry's thresholds and the figures few entries carry.
    public struct Terms: Hashable, Sendable {
        /// The entry's own thresholds, already filled in from the list's defaults.
        public var thresholds: Thresholds = .standard
        /// The company's postcode, when the list gives it: BODACC notices about sole traders
        /// carry no SIREN, and are matched by name and postcode, as a weaker match.
        public var postcode: String?
        /// A guarantee the client brought to cover its debt (reverse credit insurance).
        public var guarantee: Guarantee?

        /// Immutable, so that entries can share one; a change makes a new box.
        final class Box: Hashable, Sendable {
            let terms: Terms
            init(_ terms: Terms) { self.terms = terms }
            static func == (lhs: Box, rhs: Box) -> Bool { lhs === rhs || lhs.terms == rhs.terms }
            func hash(into hasher: inout Hasher) { hasher.combine(terms) }
        }
    }

    public init(
        identifier: String, siren: SIREN, name: String? = nil, tags: [String] = [], owner: String? = nil,
        exposure: Money? = nil, insuredLimit: Money? = nil, thresholds: Thresholds = .standard, line: Int = 0
    ) {
        self.identifier = identifier
        self.siren = siren
        self.name = name
        self.tags = tags
        self.owner = owner
        self.exposure = exposure
        self.insuredLimit = insuredLimit
        self.line = line
        self.terms = Terms.Box(Terms(thresholds: thresholds))
    }

    /// Sets every term at once, keeping `shared` when they are the same (a list's defaults).
    mutating func set(_ terms: Terms, sharing shared: Terms.Box) {
        self.terms = terms == shared.terms ? shared : Terms.Box(terms)
    }

    private mutating func update(_ change: (inout Terms) -> Void) {
        var changed = terms.terms
        change(&changed)
        terms = Terms.Box(changed)
    }

    public var thresholds: Thresholds {
        get { terms.terms.thresholds }
        set { update { $0.thresholds = newValue } }
    }

    public var postcode: String? {
        get { terms.terms.postcode }
        set { update { $0.postcode = newValue } }
    }

    public var guarantee: Guarantee? {
        get { terms.terms.guarantee }
        set { update { $0.guarantee = newValue } }
    }
}

/// A named list of watched companies, from one file.
public struct Watchlist: Hashable, Sendable {
    public var name: String
    /// The file it was read from, for messages.
    public var file: String
    public var entries: [WatchEntry]

    public init(name: String, file: String, entries: [WatchEntry]) {
        self.name = name
        self.file = file
        self.entries = entries
    }
}

/// Every company watched, across all lists: the input of a watch cycle.
public struct WatchSet: Sendable {
    /// A company and every entry that watches it.
    public struct Company: Sendable {
        public var siren: SIREN
        public var entries: [(watchlist: String, entry: WatchEntry)]

        /// The strictest thresholds of the entries: whoever asked for the most sensitive alert gets it.
        public var thresholds: Thresholds {
            entries.map(\.entry.thresholds).reduce(Thresholds()) { strictest, next in
                Thresholds(
                    scoreDropPoints: [strictest.scoreDropPoints, next.scoreDropPoints].compactMap { $0 }.min(),
                    scoreDropPercent: [strictest.scoreDropPercent, next.scoreDropPercent].compactMap { $0 }.min(),
                    creditLimitCutPercent: [strictest.creditLimitCutPercent, next.creditLimitCutPercent].compactMap { $0 }.min(),
                    hysteresisPoints: [strictest.hysteresisPoints, next.hysteresisPoints].compactMap { $0 }.min(),
                    hysteresisDays: [strictest.hysteresisDays, next.hysteresisDays].compactMap { $0 }.min()
                )
            }.over(.standard)
        }

        public var name: String? { entries.lazy.compactMap(\.entry.name).first }

        /// The exposure alerts use, per currency: the largest figure a list gives, never a sum.
        public var exposureInUse: [Money] {
            WatchContext.exposureInUse(contexts).sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key) }
        }

        public var contexts: [WatchContext] {
            entries.map { WatchContext(watchlist: $0.watchlist, owner: $0.entry.owner, tags: $0.entry.tags, exposure: $0.entry.exposure, insuredLimit: $0.entry.insuredLimit) }
        }
    }

    public private(set) var companies: [SIREN: Company]

    public init(_ watchlists: [Watchlist]) {
        var companies: [SIREN: Company] = [:]
        for list in watchlists {
            for entry in list.entries {
                companies[entry.siren, default: Company(siren: entry.siren, entries: [])].entries.append((list.name, entry))
            }
        }
        self.companies = companies
    }

    public var sirens: [SIREN] { companies.keys.sorted() }
    public var count: Int { companies.count }
    public subscript(siren: SIREN) -> Company? { companies[siren] }
}
