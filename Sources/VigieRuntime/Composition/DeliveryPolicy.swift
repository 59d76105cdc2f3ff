import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals
import VigieCore

/// The delivery policy in force: routes, inhibit rules, severity rules and next actions, read
/// from `alerts/`. A reload swaps it whole, between two uses: a cycle reads it once when it
/// starts, the API once per request.
public final class DeliveryPolicy: Sendable {
    private let state: Mutex<Router>

    public init(_ router: Router) {
        state = Mutex(router)
    }

    public var router: Router { state.withLock { $0 } }

    func replace(_ router: Router) {
        state.withLock { $0 = router }
    }
}

/// What a reload did: the files read again, and what needs a restart to change.
public struct ReloadReport: Sendable {
    public var reloaded: [String]
    /// Settings that changed in vigie.yaml but are only read at start (channels, providers, store, http).
    public var needRestart: [String]
}

/// Reloads on SIGHUP, as daemons do; `POST /-/reload` calls the same.
struct ReloadService: Service {
    let reload: @Sendable () throws -> ReloadReport
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                let report = try reload()
                logger.notice("config.reloaded", metadata: ["reloaded": "\(report.reloaded.joined(separator: ","))", "restart_needed_for": "\(report.needRestart.joined(separator: ","))"])
            } catch {
                logger.error("config.reload_refused", metadata: ["error": "\(error)"])
            }
        }
    }
}
