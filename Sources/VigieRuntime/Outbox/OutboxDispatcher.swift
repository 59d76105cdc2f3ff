import Foundation
import Logging
import VigieCore

/// Delivers queued alert revisions to their channels, each channel on its own, with the retry
/// policy deciding what a failure leads to.
///
/// A dead endpoint only slows its own channel: every channel drains in its own task. Within a
/// channel, transfers run a batch at a time with bounded concurrency; outcomes are recorded one
/// transaction per batch. A delivery the policy gives up on is dead-lettered and, when a
/// fallback channel is configured, queued there.
public struct OutboxDispatcher: Sendable {
    public struct Configuration: Sendable {
        /// How many due deliveries to read from the store at a time.
        public var batchSize = 200
        /// Transfers in flight at once, per channel.
        public var concurrency = 16
        public var retry = RetryPolicy.Configuration()
        /// Where a delivery goes when its channel gave up on it.
        public var fallback: String?

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
    let store: any WatchStore
    let channels: [any AlertChannel]
    let clock: any WallClock
    let logger: Logger
    let policy: RetryPolicy
    let random: @Sendable () -> Double

    public init(
        configuration: Configuration = Configuration(), store: any WatchStore, channels: [any AlertChannel], clock: any WallClock,
        logger: Logger, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.configuration = configuration
        self.store = store
        self.channels = channels
        self.clock = clock
        self.logger = logger
        self.policy = RetryPolicy(configuration: configuration.retry)
        self.random = random
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

    /// When the next delivery on any channel is due, if any is pending.
    public func nextDue() async throws -> Date? {
        var earliest: Date?
        for channel in channels {
            if let due = try await store.nextDue(channel: channel.name), due < (earliest ?? .distantFuture) { earliest = due }
        }
        return earliest
    }

    func drain(_ channel: any AlertChannel) async throws -> Report {
        var report = Report()
        // Only what is due when the pass starts: a failed delivery is rescheduled after that
        // moment, so the pass ends instead of retrying it at once.
        let passStart = clock.now
        while true {
            let batch = try await store.dueDeliveries(channel: channel.name, due: passStart, limit: configuration.batchSize)
            guard !batch.isEmpty else { return report }
            let attempts = try await attempt(batch, on: channel)
            try await store.recordAttempts(attempts)
            var dead: [(alertID: String, revision: Int)] = []
            for attempt in attempts {
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
            if let fallback = configuration.fallback, fallback != channel.name, !dead.isEmpty {
                try await store.enqueue(dead, channel: fallback, at: clock.now)
            }
        }
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
                    let jitter = random()
                    return unit.map { delivery in
                        let state = policy.next(afterAttempt: delivery.attempts, queuedAt: delivery.queuedAt, now: now,
                                                outcome: failure.map { .failed($0) } ?? .delivered, random: jitter)
                        return DeliveryAttempt(delivery: delivery, at: now, httpStatus: failure?.status, error: failure?.description, next: state)
                    }
                }
            }
            for _ in 0..<max(1, configuration.concurrency) {
                guard let unit = next.next() else { break }
                start(unit)
            }
            while let result = try await group.next() {
                results.append(contentsOf: result)
                if let unit = next.next() { start(unit) }
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
