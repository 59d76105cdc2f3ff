import Foundation
import Logging
import ServiceLifecycle

/// `vigie run` as a long-running service: a cycle, the deliveries it queued, then a wait.
///
/// On SIGTERM or SIGINT the cycle in flight finishes and commits; only the wait is cut short.
public struct PollerService: Service {
    public struct Configuration: Sendable {
        public var interval: Duration

        public init(interval: Duration) {
            self.interval = interval
        }
    }

    let configuration: Configuration
    let cycle: WatchCycle
    let dispatcher: OutboxDispatcher
    let logger: Logger

    public init(configuration: Configuration, cycle: WatchCycle, dispatcher: OutboxDispatcher, logger: Logger) {
        self.configuration = configuration
        self.cycle = cycle
        self.dispatcher = dispatcher
        self.logger = logger
    }

    public func run() async throws {
        logger.info("poller.started", metadata: ["poller.interval": "\(configuration.interval)"])
        while !Task.isShuttingDownGracefully {
            let started = ContinuousClock.now
            do {
                _ = try await cycle.run()
                _ = try await dispatcher.drain()
            } catch {
                logger.error("cycle.failed", metadata: ["error": "\(error)"])
            }
            let wait = configuration.interval - (ContinuousClock.now - started)
            guard wait > .zero, !Task.isShuttingDownGracefully else { continue }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        }
        logger.info("poller.stopped")
    }
}
