import Foundation
import Logging
import ServiceLifecycle
import VigieCore

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
    /// Where each cycle's start and end are recorded, for `/healthz`.
    let heartbeat: PollerHeartbeat?
    let clock: any WallClock
    let logger: Logger

    public init(configuration: Configuration, cycle: WatchCycle, heartbeat: PollerHeartbeat? = nil, clock: any WallClock = SystemWallClock(), logger: Logger) {
        self.configuration = configuration
        self.cycle = cycle
        self.heartbeat = heartbeat
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        logger.info("poller.started", metadata: ["poller.interval": "\(configuration.interval)"])
        // From the stop signal on, readiness says draining: the cycle in flight commits while
        // the platform sends no new work here.
        try await withGracefulShutdownHandler {
            try await loop()
        } onGracefulShutdown: { [heartbeat] in
            heartbeat?.drain()
        }
        logger.info("poller.stopped")
    }

    func loop() async throws {
        // Cancelled too when another service of the group fails (the HTTP port is taken): the
        // loop ends instead of spinning on CancellationError.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let started = ContinuousClock.now
            heartbeat?.cycleStarted(at: clock.now)
            do {
                _ = try await cycle.run()
                heartbeat?.cycleEnded(at: clock.now, failed: false)
            } catch {
                heartbeat?.cycleEnded(at: clock.now, failed: true)
                logger.error("cycle.failed", metadata: ["error": "\(error)"])
            }
            let wait = configuration.interval - (ContinuousClock.now - started)
            guard wait > .zero, !Task.isShuttingDownGracefully else { continue }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        }
    }
}
