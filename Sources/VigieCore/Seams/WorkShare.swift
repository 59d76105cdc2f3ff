/// What one replica does this cycle, when several share a store: the companies of the shards
/// it holds, and the sources it leads — a feed, or a provider whose cursor spans the whole
/// portfolio — which one replica at a time reads for every company.
///
/// Companies are split into a fixed number of shards by a hash of their SIREN, so that a
/// company stays in its shard whatever joins or leaves the watchlists; replicas hold shards,
/// not companies, and rebalancing moves whole shards.
public struct WorkShare: Sendable, Hashable {
    /// Enough shards to spread evenly over a few dozen replicas, few enough to lease in one statement.
    public static let shardCount = 64

    /// The shards held; nil holds them all (a store with one writer).
    public var shards: Set<Int>?
    /// The sources led, by key (`feed:bodacc`, `score:creditsafe`); nil leads them all.
    public var leads: Set<String>?

    public init(shards: Set<Int>?, leads: Set<String>?) {
        self.shards = shards
        self.leads = leads
    }

    /// Everything: the one writer of an SQLite store.
    public static let everything = WorkShare(shards: nil, leads: nil)

    public var isEverything: Bool { shards == nil && leads == nil }

    public func covers(_ siren: SIREN) -> Bool {
        shards?.contains(Self.shard(of: siren)) ?? true
    }

    public func leads(_ key: String) -> Bool {
        leads?.contains(key) ?? true
    }

    /// A company's shard: FNV-1a over its digits, stable across processes and versions (Swift's
    /// own hashing is seeded per process, so it cannot be used).
    public static func shard(of siren: SIREN) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in siren.digits.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(shardCount))
    }
}

/// How a provider's polls divide among replicas.
public enum PollSharding: Sendable {
    /// Asked company by company: each replica asks for the companies of its shards.
    case byCompany
    /// One cursor over the whole portfolio (Creditsafe's monitoring events, the fixture's
    /// steps): one replica at a time polls it, for every company.
    case wholePortfolio
}
