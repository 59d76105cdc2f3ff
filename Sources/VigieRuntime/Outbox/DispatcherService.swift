import Foundation
import Logging
import ServiceLifecycle

/// The outbox dispatcher as a long-running service: delivers what is due, then sleeps until
/// the next delivery is due or `idle` has passed, whichever comes first (new alerts from the
/// poller are picked up within `idle`). On shutdown the batch in flight finishes and is recorded.
public struct DispatcherService: Service {
    public struct Configuration: Sendable {
        public var idle: Duration = .seconds(1)

        public init() {}
    }

    let configuration: Configuration
    let dispatcher: OutboxDispatcher
    let logger: Logger

    public init(configuration: Configuration = Configuration(), dispatcher: OutboxDispatcher, logger: Logger) {
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.logger = logger
    }

    public func run() async throws {
        logger.info("dispatcher.started")
        // Cancelled too when another service of the group fails (the HTTP port is taken): the
        // loop ends instead of spinning on CancellationError.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = configuration.idle
            do {
                _ = try await dispatcher.drain()
                if let due = try await dispatcher.nextDue() {
                    let untilDue = Duration.milliseconds(Int64(max(0, due.timeIntervalSince(dispatcher.clock.now)) * 1000))
                    wait = min(wait, max(untilDue, .milliseconds(10)))
                }
            } catch {
                logger.error("dispatcher.failed", metadata: ["error": "\(error)"])
            }
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { break }
            let pause = wait
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
        logger.info("dispatcher.stopped")
    }
}
