import Foundation
import Logging
import ServiceLifecycle

/// `vigie run` as a long-running service: a cycle, then a wait. The alerts a cycle commits are
/// delivered by the `DispatcherService`, which runs beside it.
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
    let logger: Logger

    public init(configuration: Configuration, cycle: WatchCycle, logger: Logger) {
        self.configuration = configuration
        self.cycle = cycle
        self.logger = logger
    }

    public func run() async throws {
        logger.info("poller.started", metadata: ["poller.interval": "\(configuration.interval)"])
        while !Task.isShuttingDownGracefully {
            let started = ContinuousClock.now
            do {
                _ = try await cycle.run()
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
