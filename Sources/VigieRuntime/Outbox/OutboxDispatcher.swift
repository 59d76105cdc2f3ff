import Foundation
import Logging
import Synchronization
import VigieCore

/// Delivers queued alert revisions to their channels, each channel on its own, with the retry
/// policy deciding what a failure leads to.
///
/// A dead endpoint only slows its own channel: every channel drains in its own task. Within a
/// channel, transfers run a batch at a time with bounded concurrency; outcomes are recorded one
/// transaction per batch. A delivery the policy gives up on is dead-lettered and, when a
/// fallback channel is configured, queued there.
///
/// A channel that keeps failing (its breaker opens) is not sent its whole queue again and
/// again: one delivery at a time probes it, on a growing cooldown, while the others wait
/// without spending attempts. A channel failing longer than `channelFailingAfter` raises a
/// `channel_failing` alert to every other channel, and `channel_recovered` when it delivers again.
public struct OutboxDispatcher: Sendable {
    public struct Configuration: Sendable {
        /// How many due deliveries to read from the store at a time.
        public var batchSize = 200
        /// Transfers in flight at once, per channel.
        public var concurrency = 16
        public var retry = RetryPolicy.Configuration()
        /// Where a delivery goes when its channel gave up on it.
        public var fallback: String?
        /// Transient failures in a row that take a channel down, then how often it is probed.
        public var breaker = CircuitBreaker.Configuration(threshold: 3, cooldown: .seconds(30), maxCooldown: .seconds(10 * 60))
        /// How long a channel fails before the other channels are told.
        public var channelFailingAfter: Duration = .seconds(10 * 60)

        public init() {}
    }

    public struct Report: Sendable, Hashable {
        public var delivered: Int
        /// Failed attempts that will be retried.
        public var failed: Int
        /// Deliveries given up on.
        public var dead: Int

        public init(delivered: Int = 0, failed: Int = 0, dead: Int = 0) {
            self.delivered = delivered
            self.failed = failed
            self.dead = dead
        }

        public static func + (lhs: Report, rhs: Report) -> Report {
            Report(delivered: lhs.delivered + rhs.delivered, failed: lhs.failed + rhs.failed, dead: lhs.dead + rhs.dead)
        }
    }

    let configuration: Configuration
    let store: any OutboxStore & CycleStore
    /// The channels, swapped whole by a reload (new templates), between two passes.
    private let channelBox: ChannelSet
    var channels: [any AlertChannel] { channelBox.current }

    /// Replaces the channels (same names: their queues and breakers go on) with new ones.
    public func replaceChannels(_ channels: [any AlertChannel]) {
        channelBox.replace(channels)
    }
    let clock: any WallClock
    let logger: Logger
    let policy: RetryPolicy
    let random: @Sendable () -> Double
    let breakers: ChannelBreakers
    let metrics: VigieMetrics?

    /// Whether each channel takes deliveries (its breaker closed), for the metrics.
    public var channelsUp: [String: Bool] {
        Dictionary(channels.map { ($0.name, breakers.isClosed($0.name)) }, uniquingKeysWith: { first, _ in first })
    }

    public init(
        configuration: Configuration = Configuration(), store: any OutboxStore & CycleStore, channels: [any AlertChannel], clock: any WallClock,
        logger: Logger, metrics: VigieMetrics? = nil, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.metrics = metrics
        self.configuration = configuration
        self.store = store
        self.channelBox = ChannelSet(channels)
        self.clock = clock
        self.logger = logger
        self.policy = RetryPolicy(configuration: configuration.retry)
        self.random = random
        self.breakers = ChannelBreakers(configuration: configuration.breaker)
    }

    /// Attempts every delivery due now, on every channel at once; returns when none is due.
    public func drain() async throws -> Report {
        try await withThrowingTaskGroup(of: Report.self) { group in
            for channel in channels {
                group.addTask { try await drain(channel) }
            }
            return try await group.reduce(Report(), +)
        }
    }

    /// When the next delivery on any channel is due, if any is pending: for a channel that is
    /// down, not before its next probe.
    public func nextDue() async throws -> Date? {
        var earliest: Date?
        for channel in channels {
            guard var due = try await store.nextDue(channel: channel.name) else { continue }
            if let probe = breakers.reopensAt(channel.name), probe > due { due = probe }
            if due < (earliest ?? .distantFuture) { earliest = due }
        }
        return earliest
    }

    func drain(_ channel: any AlertChannel) async throws -> Report {
        var report = Report()
        // Only what is due when the pass starts: a failed delivery is rescheduled after that
        // moment, so the pass ends instead of retrying it at once.
        let passStart = clock.now
        var next: DueDeliveries?
        var after: Int64?
        // A batch all delivered is recorded while the next one is on the wire (the pass records
        // it before it ends): a batch's writes were a tenth of a pass, the transfers waiting.
        var unrecorded: [DeliveryAttempt] = []
        while true {
            // A channel that is down is sent one delivery, its probe, once its cooldown is over.
            let probing = !breakers.isClosed(channel.name)
            let read = if let next, !probing { next } else {
                try await store.dueDeliveries(channel: channel.name, due: passStart, after: after, limit: probing ? 1 : configuration.batchSize)
            }
            // A delivery whose alert cannot be read is dead-lettered with why, and the queue
            // goes on: it used to stop the channel's every pass at the same document.
            if !read.unreadable.isEmpty {
                try await deadLetter(read.unreadable, report: &report)
                if read.ready.isEmpty, let last = read.last {
                    after = last
                    next = nil
                    continue
                }
            }
            let batch = read.ready
            guard let last = read.last, breakers.admit(channel.name, now: clock.now) else {
                try await store.recordAttempts(unrecorded)
                try await checkHealth(of: channel)
                return report
            }
            // The next batch is read, and its alerts decoded, while this one is on the wire:
            // reading is a fifth of a delivery's work, and the transfers wait on the receiver.
            // A batch read and then not sent (the channel went down) has changed nothing.
            async let following = probing ? nil : store.dueDeliveries(channel: channel.name, due: passStart, after: last, limit: configuration.batchSize)
            let previous = unrecorded
            async let recorded: Void = store.recordAttempts(previous)
            let attempts = try await attempt(batch, on: channel)
            try await recorded
            next = try await following
            after = last
            let wentDown = attempts.count < batch.count || probing && !breakers.isClosed(channel.name)
            // A failure is recorded at once: the fallback channel is queued after it, and the
            // pass ends on it when the channel is down.
            if wentDown || attempts.contains(where: { if case .delivered = $0.next { false } else { true } }) {
                try await store.recordAttempts(attempts)
                unrecorded = []
            } else {
                unrecorded = attempts
            }
            var dead: [(alertID: String, revision: Int)] = []
            // Counted once per batch and outcome: a counter looked up per attempt was a lock
            // and a name check each.
            var outcomes: [String: Int] = [:]
            for attempt in attempts {
                outcomes[{ switch attempt.next { case .delivered: "delivered"; case .pending: "failed"; case .dead: "dead" } }(), default: 0] += 1
                switch attempt.next {
                case .delivered: report.delivered += 1
                case .pending:
                    report.failed += 1
                    logger.warning("delivery.retry_scheduled", metadata: metadata(attempt))
                case .dead:
                    report.dead += 1
                    dead.append((attempt.delivery.alert.id, attempt.delivery.alert.revision))
                    logger.error("delivery.dead_lettered", metadata: metadata(attempt))
                }
            }
            for (outcome, count) in outcomes { metrics?.attempted(channel: channel.name, outcome: outcome, count: count) }
            if let fallback = configuration.fallback, fallback != channel.name, !dead.isEmpty {
                try await store.enqueue(dead, channel: fallback, at: clock.now)
            }
            if wentDown {
                // The channel went down during the batch, or its probe failed: what is left waits.
                try await checkHealth(of: channel)
                return report
            }
        }
    }

    /// Dead-letters deliveries whose stored alert cannot be read. Not sent to the fallback
    /// channel: it would be given the same unreadable revision.
    func deadLetter(_ unreadable: [UnreadableDelivery], report: inout Report) async throws {
        try await store.deadLetter(unreadable, at: clock.now)
        report.dead += unreadable.count
        metrics?.attempted(channel: unreadable[0].channel, outcome: "dead", count: unreadable.count)
        for delivery in unreadable {
            logger.error("delivery.dead_lettered", metadata: [
                "channel": "\(delivery.channel)", "alert.id": "\(delivery.alertID)", "alert.revision": "\(delivery.revision)",
                "delivery.attempts": "\(delivery.attempts + 1)", "error": "\(delivery.reason)",
            ])
        }
    }

    /// Raises `channel_failing` once the channel has been down long enough, and
    /// `channel_recovered` once it delivers again after that; both go to every other channel.
    /// The stored state is read once and then kept in memory: only this process writes it.
    func checkHealth(of channel: any AlertChannel) async throws {
        let key = ChannelHealthTracker.key(channel: channel.name)
        let now = clock.now
        let stored: SourceHealth
        if let known = breakers.storedHealth(channel.name) {
            stored = known
        } else {
            stored = try await store.sourceHealth()[key] ?? SourceHealth(source: key)
            breakers.setStoredHealth(channel.name, stored)
        }
        let change = if let failing = breakers.failure(channel.name) {
            ChannelHealthTracker.failing(stored, since: failing.since, lastError: failing.error, after: configuration.channelFailingAfter, now: now)
        } else {
            ChannelHealthTracker.recovered(stored, now: now)
        }
        guard let (after, alert) = change else { return }
        let others = channels.map(\.name).filter { $0 != channel.name }
        _ = try await store.commit(CycleCommit(
            snapshots: [], observations: [], alertChanges: [.raised(alert)], notices: [], cursors: [:],
            sourceHealth: [after], router: Router(always: others), at: now
        ))
        breakers.setStoredHealth(channel.name, after)
        logger.warning("channel.health_changed", metadata: ["channel": "\(channel.name)", "alert.kind": "\(alert.kind)", "alert.id": "\(alert.id)"])
    }

    /// Delivers a batch with at most `concurrency` transfers in flight. Deliveries that share
    /// a digest key go out as one message, and share its outcome.
    func attempt(_ batch: [PendingDelivery], on channel: any AlertChannel) async throws -> [DeliveryAttempt] {
        var units: [[PendingDelivery]] = []
        var digests: [String: Int] = [:]
        for delivery in batch {
            if let key = delivery.digestKey, let index = digests[key] {
                units[index].append(delivery)
            } else {
                if let key = delivery.digestKey { digests[key] = units.count }
                units.append([delivery])
            }
        }
        return try await withThrowingTaskGroup(of: [DeliveryAttempt].self) { group in
            var results: [DeliveryAttempt] = []
            var next = units.makeIterator()
            func start(_ unit: [PendingDelivery]) {
                group.addTask {
                    var failure: DeliveryError?
                    do {
                        if unit.count == 1 { try await channel.deliver(unit[0].alert) } else { try await channel.deliver(digest: unit.map(\.alert)) }
                    } catch let error as DeliveryError {
                        failure = error
                    } catch {
                        failure = DeliveryError(kind: .transient, message: "\(error)")
                    }
                    let now = clock.now
                    // Only a retry is spread out: a draw per delivery was a system call each.
                    let jitter = failure == nil ? 0 : random()
                    // Transient failures are the channel's business; a refusal (4xx) is this
                    // delivery's and says nothing about whether the channel is up.
                    switch failure?.kind {
                    case nil: breakers.recordSuccess(channel.name)
                    case .transient?: breakers.recordFailure(channel.name, error: failure?.description ?? "", now: now)
                    case .permanent?: break
                    }
                    let downUntil = failure?.kind == .transient ? breakers.reopensAt(channel.name) : nil
                    return unit.map { delivery in
                        let state = policy.next(afterAttempt: delivery.attempts, queuedAt: delivery.queuedAt, now: now,
                                                outcome: failure.map { .failed($0) } ?? .delivered, random: jitter, channelDownUntil: downUntil)
                        return DeliveryAttempt(delivery: delivery, at: now, httpStatus: failure?.status, error: failure?.description, next: state)
                    }
                }
            }
            for _ in 0..<(channel.deliversInOrder ? 1 : max(1, configuration.concurrency)) {
                guard let unit = next.next() else { break }
                start(unit)
            }
            while let result = try await group.next() {
                results.append(contentsOf: result)
                // Once the channel is down, the rest of the batch is not sent: it waits, untouched.
                if breakers.isClosed(channel.name), let unit = next.next() { start(unit) }
            }
            return results
        }
    }

    private func metadata(_ attempt: DeliveryAttempt) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "channel": "\(attempt.delivery.channel)", "alert.id": "\(attempt.delivery.alert.id)",
            "alert.revision": "\(attempt.delivery.alert.revision)", "delivery.attempts": "\(attempt.delivery.attempts + 1)",
        ]
        if let error = attempt.error { metadata["error"] = "\(error)" }
        if case .pending(_, let due) = attempt.next { metadata["delivery.next_attempt"] = "\(due.iso8601)" }
        return metadata
    }
}

/// Each channel's breaker, and since when it has been failing.
final class ChannelBreakers: Sendable {
    struct Failure {
        var since: Date
        var error: String
    }

    private struct Entry {
        var breaker: CircuitBreaker
        var failure: Failure?
        /// The channel's stored health, once read.
        var stored: SourceHealth?
    }

    private let configuration: CircuitBreaker.Configuration
    private let entries = Mutex<[String: Entry]>([:])

    init(configuration: CircuitBreaker.Configuration) {
        self.configuration = configuration
    }

    private func withEntry<T>(_ channel: String, _ body: (inout Entry) -> T) -> T {
        entries.withLock { entries in
            body(&entries[channel, default: Entry(breaker: CircuitBreaker(configuration: configuration))])
        }
    }

    func isClosed(_ channel: String) -> Bool { withEntry(channel) { $0.breaker.isClosed } }
    func admit(_ channel: String, now: Date) -> Bool { withEntry(channel) { $0.breaker.admit(now: now) } }
    func reopensAt(_ channel: String) -> Date? { withEntry(channel) { $0.breaker.reopensAt } }

    /// Since when the channel has been down, and its last error; nil while it is up.
    func failure(_ channel: String) -> Failure? { withEntry(channel) { $0.breaker.isClosed ? nil : $0.failure } }

    func storedHealth(_ channel: String) -> SourceHealth? { withEntry(channel) { $0.stored } }
    func setStoredHealth(_ channel: String, _ health: SourceHealth) { withEntry(channel) { $0.stored = health } }

    func recordSuccess(_ channel: String) {
        withEntry(channel) { entry in
            entry.breaker.recordSuccess()
            entry.failure = nil
        }
    }

    func recordFailure(_ channel: String, error: String, now: Date) {
        withEntry(channel) { entry in
            entry.breaker.recordFailure(now: now)
            entry.failure = Failure(since: entry.failure?.since ?? now, error: error)
        }
    }
}

/// The channels a dispatcher delivers to, shared by its copies and swapped whole on reload.
final class ChannelSet: Sendable {
    private let channels: Mutex<[any AlertChannel]>

    init(_ channels: [any AlertChannel]) {
        self.channels = Mutex(channels)
    }

    var current: [any AlertChannel] { channels.withLock { $0 } }

    func replace(_ channels: [any AlertChannel]) {
        self.channels.withLock { $0 = channels }
    }
}
