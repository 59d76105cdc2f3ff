import Foundation
import Logging
import VigieCore

/// Delivers queued alert revisions to their channels, each channel on its own: one that
/// fails keeps its deliveries queued and never holds back another.
public struct OutboxDispatcher: Sendable {
    public struct Configuration: Sendable {
        /// How many deliveries to read from the store at a time.
        public var batchSize = 500

        public init() {}
    }

    public struct Report: Sendable, Hashable {
        public var delivered: Int
        public var failed: Int

        public init(delivered: Int = 0, failed: Int = 0) {
            self.delivered = delivered
            self.failed = failed
        }
    }

    let configuration: Configuration
    let store: any WatchStore
    let channels: [any AlertChannel]
    let clock: any WallClock
    let logger: Logger

    public init(configuration: Configuration = Configuration(), store: any WatchStore, channels: [any AlertChannel], clock: any WallClock, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.channels = channels
        self.clock = clock
        self.logger = logger
    }

    /// Delivers everything pending, channel by channel, stopping a channel at its first failure
    /// so that alerts stay in order and a dead channel is not hammered. Outcomes are recorded
    /// a batch at a time: one transaction per batch, not per alert.
    public func drain() async throws -> Report {
        var report = Report()
        try await withThrowingTaskGroup(of: Report.self) { group in
            for channel in channels {
                group.addTask { try await drain(channel) }
            }
            for try await channelReport in group {
                report.delivered += channelReport.delivered
                report.failed += channelReport.failed
            }
        }
        return report
    }

    func drain(_ channel: any AlertChannel) async throws -> Report {
        var report = Report()
        while true {
            let batch = try await store.pendingDeliveries(channel: channel.name, limit: configuration.batchSize)
            guard !batch.isEmpty else { return report }
            var outcomes: [(delivery: PendingDelivery, outcome: DeliveryOutcome)] = []
            for delivery in batch {
                do {
                    try await channel.deliver(delivery.alert)
                    outcomes.append((delivery, .delivered))
                    report.delivered += 1
                } catch {
                    outcomes.append((delivery, .failed("\(error)")))
                    try await store.recordDeliveries(outcomes, at: clock.now)
                    logger.error("delivery.failed", metadata: ["channel": "\(channel.name)", "alert.id": "\(delivery.alert.id)", "error": "\(error)"])
                    report.failed += 1
                    return report
                }
            }
            try await store.recordDeliveries(outcomes, at: clock.now)
        }
    }
}
