import Foundation
import Logging
import Synchronization
import Testing
import VigieCore
import VigieDelivery
import VigieRuntime
import VigieStore
import VigieTestSupport

/// A provider asked company by company that answers a steady score for every company, and
/// counts, across every replica that shares it, how often each company was asked.
final class CountingScoreProvider: ScoreProvider {
    let name = "pappers"
    private let counts = Mutex<[SIREN: Int]>([:])

    func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll {
        counts.withLock { counts in for siren in companies { counts[siren, default: 0] += 1 } }
        return ScorePoll(observations: companies.map {
            ScoreObservation(siren: $0, provider: name, observedOn: CalendarDay(year: 2026, month: 11, day: 30)!, score: .value(70, minimum: 0, maximum: 100))
        }, cursor: nil)
    }

    /// Each company's count since the last call, and starts again.
    func take() -> [SIREN: Int] { counts.withLock { counts in defer { counts = [:] }; return counts } }
}

/// A feed that counts its polls.
final class CountingFeed: ProcedureFeed {
    let name = "bodacc"
    private let count = Mutex(0)

    func poll(watching: Set<SIREN>, cursor: String?) async throws -> FeedPoll {
        let polls = count.withLock { count in count += 1; return count }
        return FeedPoll(notices: [], cursor: "page-\(polls)")
    }

    func take() -> Int { count.withLock { count in defer { count = 0 }; return count } }
}

@Suite("Replicas sharing a PostgreSQL store")
struct ReplicaTests {
    /// `count` valid SIRENs: an 8-digit stem and the check digit that passes Luhn.
    static func sirens(_ count: Int) -> [SIREN] {
        SIREN.samples(count)
    }

    static func watchlist(_ sirens: [SIREN]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-replicas-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let rows = sirens.enumerated().map { "\($0.element.digits);CLIENT \($0.offset);1000" }
        try (["siren;name;exposure"] + rows).joined(separator: "\n").write(to: folder.appendingPathComponent("clients.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    struct Replica {
        var store: PostgresWatchStore
        var cycle: WatchCycle
    }

    static func replicas(
        _ names: [String], location: PostgresLocation, folder: URL, provider: CountingScoreProvider, feed: CountingFeed, clock: ManualWallClock,
        intervals: [String: Duration] = [:]
    ) async throws -> [Replica] {
        var replicas: [Replica] = []
        for name in names {
            let store = try await PostgresWatchStore(configuration: .init(location: location, replica: name), access: .writer, logger: Logger(label: "test"))
            let registry = WatchlistRegistry(configuration: .init(paths: [folder]), store: store, clock: clock, logger: Logger(label: "test"))
            let cycle = WatchCycle(
                registry: registry, providers: [provider], feeds: [feed], store: store, router: Router(always: ["log"]), clock: clock,
                intervals: intervals, leaseDuration: .seconds(1800), cycleInterval: .seconds(900), logger: Logger(label: "test")
            )
            replicas.append(Replica(store: store, cycle: cycle))
        }
        return replicas
    }

    /// One round: every replica runs a cycle, all at once.
    static func round(_ replicas: [Replica]) async throws -> [WatchCycle.Report] {
        try await withThrowingTaskGroup(of: WatchCycle.Report.self) { group in
            for replica in replicas { group.addTask { try await replica.cycle.run() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("three replicas poll each company once per round, share the shards evenly within four rounds, and one reads the feed; a replica gone hands its share over when its lease runs out")
    func shareAndFailover() async throws {
        let sirens = Self.sirens(600)
        let folder = try Self.watchlist(sirens)
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = try await TestPostgres.makeDatabase()
        let (provider, feed, clock) = (CountingScoreProvider(), CountingFeed(), ManualWallClock())
        let replicas = try await Self.replicas(["r1", "r2", "r3"], location: location, folder: folder, provider: provider, feed: feed, clock: clock)

        var shares: [WorkShare] = []
        for round in 1...4 {
            _ = try await Self.round(replicas)
            let asked = provider.take()
            // While shards move (a replica holding more than its share hands the excess over
            // after polling it), no company is skipped and none is polled twice.
            #expect(asked.count == sirens.count, "round \(round): every company is polled")
            #expect(asked.values.allSatisfy { $0 == 1 }, "round \(round): no company is polled twice")
            #expect(feed.take() == 1, "round \(round): one replica reads the feed")
            clock.advance(by: 900)
        }
        // Balanced: each replica holds its share of the 64 shards, and they never overlap.
        for replica in replicas {
            shares.append(try await replica.store.lease(leadable: ["feed:bodacc"], now: clock.now, duration: .seconds(1800)))
        }
        let held = shares.map { $0.shards ?? [] }
        #expect(held.map(\.count).allSatisfy { (20...22).contains($0) }, "shards per replica: \(held.map(\.count))")
        #expect(held.reduce(0) { $0 + $1.count } == WorkShare.shardCount)
        #expect(Set(held.flatMap { $0 }).count == WorkShare.shardCount)
        #expect(shares.filter { $0.leads("feed:bodacc") }.count == 1)

        // r3 stops. Until its lease runs out its companies wait; then r1 and r2 take them over.
        let survivors = Array(replicas.prefix(2))
        clock.advance(by: 900)
        _ = try await Self.round(survivors)
        #expect(provider.take().count < sirens.count, "r3's shards are still leased to it")
        clock.advance(by: 1900)
        _ = try await Self.round(survivors)
        let asked = provider.take()
        #expect(asked.count == sirens.count && asked.values.allSatisfy { $0 == 1 }, "after the lease: every company once, by the two left")
        let alerts = try await replicas[0].store.alerts(since: nil, limit: nil)
        #expect(Set(alerts.map(\.id)).count == alerts.count)
    }

    @Test("a replica stopping gracefully hands its share over at once; restarted under its name, it takes a share back within three cycles, nothing skipped meanwhile")
    func gracefulHandover() async throws {
        let sirens = Self.sirens(200)
        let folder = try Self.watchlist(sirens)
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = try await TestPostgres.makeDatabase()
        let (provider, feed, clock) = (CountingScoreProvider(), CountingFeed(), ManualWallClock())
        let replicas = try await Self.replicas(["r1", "r2"], location: location, folder: folder, provider: provider, feed: feed, clock: clock)
        for _ in 1...3 {
            _ = try await Self.round(replicas)
            clock.advance(by: 900)
        }
        _ = provider.take()
        try await replicas[1].store.releaseLeases()
        _ = try await Self.round([replicas[0]])
        let asked = provider.take()
        #expect(asked.count == sirens.count && asked.values.allSatisfy { $0 == 1 }, "r1 polls every company right after r2 stopped")

        let restarted = try await Self.replicas(["r2"], location: location, folder: folder, provider: provider, feed: feed, clock: clock)
        for _ in 1...3 {
            clock.advance(by: 900)
            _ = try await Self.round([replicas[0]] + restarted)
            let asked = provider.take()
            #expect(asked.count == sirens.count && asked.values.allSatisfy { $0 == 1 }, "while r2 takes its share back: every company once")
        }
        let share = try await restarted[0].store.lease(leadable: [], now: clock.now, duration: .seconds(1800))
        #expect((share.shards?.count ?? 0) >= 30, "r2 is back with its share: \(share.shards?.count ?? 0) shards")
    }

    @Test("a provider polled once a day is polled once a day per company, whichever replica holds its shard as shards move")
    func dailyProviderAcrossMovingShards() async throws {
        let sirens = Self.sirens(300)
        let folder = try Self.watchlist(sirens)
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = try await TestPostgres.makeDatabase()
        let (provider, feed, clock) = (CountingScoreProvider(), CountingFeed(), ManualWallClock())
        let daily = ["score:pappers": Duration.seconds(86_400)]
        let first = try await Self.replicas(["r1"], location: location, folder: folder, provider: provider, feed: feed, clock: clock, intervals: daily)
        _ = try await Self.round(first)
        // Two more replicas join within the day: shards move to them, already polled today.
        let all = first + (try await Self.replicas(["r2", "r3"], location: location, folder: folder, provider: provider, feed: feed, clock: clock, intervals: daily))
        for _ in 1...4 {
            clock.advance(by: 900)
            _ = try await Self.round(all)
        }
        var asked = provider.take()
        #expect(asked.count == sirens.count && asked.values.allSatisfy { $0 == 1 }, "day one: each company once, though its shard moved")
        clock.advance(by: 86_400)
        for _ in 1...2 {
            _ = try await Self.round(all)
            clock.advance(by: 900)
        }
        asked = provider.take()
        #expect(asked.count == sirens.count && asked.values.allSatisfy { $0 == 1 }, "day two: each company once more, by the replicas holding the shards now")
    }

    @Test("a replica renewing its leases mid-cycle keeps its shards and feeds past the lease's first end")
    func renewal() async throws {
        let location = try await TestPostgres.makeDatabase()
        let start = Date(timeIntervalSince1970: 1_770_000_000)
        let first = try await PostgresWatchStore(configuration: .init(location: location, replica: "r1"), access: .writer, logger: Logger(label: "test"))
        let second = try await PostgresWatchStore(configuration: .init(location: location, replica: "r2"), access: .writer, logger: Logger(label: "test"))
        let held = try await first.lease(leadable: ["feed:bodacc"], now: start, duration: .seconds(60))
        #expect(held.shards?.count == WorkShare.shardCount && held.leads == ["feed:bodacc"])
        try await first.renewLeases(now: start.addingTimeInterval(50), duration: .seconds(60))
        let during = try await second.lease(leadable: ["feed:bodacc"], now: start.addingTimeInterval(70), duration: .seconds(60))
        #expect(during.shards == [] && during.leads == [], "renewed until 110 s: nothing to take at 70 s")
        let after = try await second.lease(leadable: ["feed:bodacc"], now: start.addingTimeInterval(111), duration: .seconds(60))
        #expect(after.shards?.count == WorkShare.shardCount && after.leads == ["feed:bodacc"], "no renewal since: everything at 111 s")
    }

    /// Two replicas (`r1`, `r2`) on one new database, with `count` score-drop alerts queued on
    /// the `recording` channel by the first.
    static func twoReplicasWithQueue(_ count: Int, clock: ManualWallClock) async throws -> (PostgresWatchStore, PostgresWatchStore, [Alert]) {
        let location = try await TestPostgres.makeDatabase()
        let first = try await PostgresWatchStore(configuration: .init(location: location, replica: "r1", claimDuration: .seconds(300)), access: .writer, logger: Logger(label: "test"))
        let second = try await PostgresWatchStore(configuration: .init(location: location, replica: "r2", claimDuration: .seconds(300)), access: .writer, logger: Logger(label: "test"))
        let alerts = (1...count).map { index in
            Alert(
                id: "alert-\(index)", siren: try! SIREN("881843924"), companyName: "PASARGAD", kind: "score_drop", severity: .warning, title: "drop \(index)",
                evidence: .observation(ObservationEvidence(provider: "creditsafe", observedOn: CalendarDay(clock.now), previousOn: nil, field: "score", old: "78", new: "52")),
                watch: [], createdAt: clock.now
            )
        }
        _ = try await first.commit(CycleCommit(snapshots: [], observations: [], alertChanges: alerts.map { .raised($0) }, notices: [], cursors: [:], router: Router(always: ["recording"]), at: clock.now))
        return (first, second, alerts)
    }

    @Test("listing the pending deliveries (the API's /deliveries/pending) claims none: another replica still sends them all")
    func listingClaimsNothing() async throws {
        let clock = ManualWallClock()
        let (first, second, alerts) = try await Self.twoReplicasWithQueue(30, clock: clock)
        #expect(try await first.pendingDeliveries(channel: "recording", limit: 100).ready.map(\.alert.id) == alerts.map(\.id))
        #expect(try await second.nextDue(channel: "recording") == clock.now, "nothing was claimed")
        let channel = RecordingChannel(name: "recording")
        let report = try await OutboxDispatcher(store: second, channels: [channel], clock: clock, logger: Logger(label: "test")).drain()
        #expect(report.delivered == 30)
        #expect(try await first.pendingDeliveries(channel: "recording", limit: 100).isEmpty)
    }

    @Test("two replicas draining one outbox send each delivery once; a crashed replica's claims are taken over after they expire")
    func outboxClaims() async throws {
        let clock = ManualWallClock()
        let (first, second, alerts) = try await Self.twoReplicasWithQueue(200, clock: clock)

        let (channelOne, channelTwo) = (RecordingChannel(name: "recording"), RecordingChannel(name: "recording"))
        var settings = OutboxDispatcher.Configuration()
        settings.batchSize = 10
        let dispatchers = [
            OutboxDispatcher(configuration: settings, store: first, channels: [channelOne], clock: clock, logger: Logger(label: "test")),
            OutboxDispatcher(configuration: settings, store: second, channels: [channelTwo], clock: clock, logger: Logger(label: "test")),
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for dispatcher in dispatchers { group.addTask { _ = try await dispatcher.drain() } }
            try await group.waitForAll()
        }
        let sent = channelOne.alerts.map(\.id) + channelTwo.alerts.map(\.id)
        #expect(sent.count == 200 && Set(sent).count == 200, "each delivery sent once: \(channelOne.alerts.count) + \(channelTwo.alerts.count)")
        #expect(try await first.nextDue(channel: "recording") == nil)

        // A replica claims deliveries and dies before sending them.
        let more = alerts.map { alert in
            var next = alert
            next.id = alert.id + "-b"
            return next
        }.prefix(20)
        _ = try await first.commit(CycleCommit(snapshots: [], observations: [], alertChanges: more.map { .raised($0) }, notices: [], cursors: [:], router: Router(always: ["recording"]), at: clock.now))
        let claimed = try await first.dueDeliveries(channel: "recording", due: clock.now, limit: 5).ready
        #expect(claimed.count == 5)
        let before = channelTwo.alerts.count
        _ = try await dispatchers[1].drain()
        #expect(channelTwo.alerts.count - before == 15, "the other replica sends what is not claimed")
        #expect(try await second.nextDue(channel: "recording") == clock.now.addingTimeInterval(300), "the rest is due when the claims run out")
        clock.advance(by: 301)
        _ = try await dispatchers[1].drain()
        #expect(channelTwo.alerts.count - before == 20, "the dead replica's claims are taken over")
    }
}
