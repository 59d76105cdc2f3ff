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
///
/// Held flat: one array of every entry, company by company, and a `RowIndex` of companies by
/// SIREN. A dictionary of companies, each with its own array of entries, cost 320 bytes a
/// company beyond the entry itself (an array's header and allocation per company, and a
/// dictionary kept at most three quarters full): 32 MB of a 100 000-company cycle's 98.
public struct WatchSet: Sendable {
    /// One entry of one list.
    public typealias Member = (watchlist: String, entry: WatchEntry)

    /// A company and every entry that watches it.
    public struct Company: Sendable {
        public var siren: SIREN
        /// Its entries, in the order of the lists and of their lines: a slice of the set's array.
        public var entries: ArraySlice<Member>

        /// The strictest thresholds of the entries: whoever asked for the most sensitive alert gets it.
        public var thresholds: Thresholds {
            // Most companies are on one list: its thresholds, without the arrays of the fold.
            if entries.count == 1 { return entries[entries.startIndex].entry.thresholds.over(.standard) }
            return entries.map(\.entry.thresholds).reduce(Thresholds()) { strictest, next in
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

    /// Every entry of every list, company by company in SIREN order.
    private let members: [Member]
    /// Where each company's entries start in `members`, in SIREN order; then the end.
    private let starts: [Int32]
    /// Company numbers (places in `starts`) by SIREN.
    private let index: RowIndex

    public init(_ watchlists: [Watchlist]) {
        // Entries are put in SIREN order by sorting one integer each: the SIREN's number above
        // the entry's place in the lists, so that a company's entries keep their order. A SIREN
        // that is not nine digits (never one Vigie validated) sorts by its text instead.
        var places: [(list: Int32, entry: Int32)] = []
        places.reserveCapacity(watchlists.reduce(0) { $0 + $1.entries.count })
        for (list, watchlist) in watchlists.enumerated() {
            for entry in watchlist.entries.indices { places.append((Int32(list), Int32(entry))) }
        }
        func siren(_ place: (list: Int32, entry: Int32)) -> SIREN { watchlists[Int(place.list)].entries[Int(place.entry)].siren }
        var numbers: [UInt64] = []
        numbers.reserveCapacity(places.count)
        for (position, place) in places.enumerated() {
            guard let number = siren(place).number else { numbers = []; break }
            numbers.append(UInt64(number) << 32 | UInt64(position))
        }
        let order: [Int]
        if numbers.count == places.count {
            numbers.sort()
            order = numbers.map { Int($0 & 0xFFFF_FFFF) }
        } else {
            order = places.indices.sorted { (siren(places[$0]), $0) < (siren(places[$1]), $1) }
        }
        var members: [Member] = []
        members.reserveCapacity(order.count)
        var starts: [Int32] = []
        for position in order {
            let place = places[position]
            let entry = watchlists[Int(place.list)].entries[Int(place.entry)]
            if members.last?.entry.siren != entry.siren { starts.append(Int32(members.count)) }
            members.append((watchlists[Int(place.list)].name, entry))
        }
        starts.append(Int32(members.count))
        var index = RowIndex()
        index.reserveCapacity(starts.count - 1) { _ in 0 }
        for company in 0..<(starts.count - 1) {
            index.insert(Int32(company), hash: members[Int(starts[company])].entry.siren.hashValue) { members[Int(starts[Int($0)])].entry.siren.hashValue }
        }
        self.members = members
        self.starts = starts
        self.index = index
    }

    /// The watched companies' SIRENs, in order.
    public var sirens: [SIREN] { starts.dropLast().map { members[Int($0)].entry.siren } }
    public var count: Int { starts.count - 1 }

    public subscript(siren: SIREN) -> Company? {
        index.find(hash: siren.hashValue) { members[Int(starts[Int($0)])].entry.siren == siren }.map { company(Int($0)) }
    }

    /// Every watched company, in SIREN order.
    public var companies: some Collection<Company> { (0..<count).lazy.map(company) }

    private func company(_ number: Int) -> Company {
        let range = Int(starts[number])..<Int(starts[number + 1])
        return Company(siren: members[range.lowerBound].entry.siren, entries: members[range])
    }
}
