import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VigieRuntime

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch the companies on your watchlists and raise alerts.",
        discussion: """
            Each cycle reads the watchlists, polls the providers, compares what they say with what Vigie last saw, and raises an alert for each real event: a score drop, a limit cut, a safeguard, receivership or liquidation. The first sight of a company only records its score (no alert), but an ongoing procedure is reported at once.

            Without --once, Vigie runs a cycle every `interval` (15 minutes by default), and serves health, the API and /metrics on http.listen. SIGTERM or Ctrl-C lets the cycle in flight finish, then Vigie exits. SIGHUP (or POST /-/reload with an admin token) re-reads vigie.yaml and the routes, severity and actions files: a configuration with errors is refused and the running one kept.

            Exit status with --once: 0 the cycle ran; 2 the configuration or the store is unusable; 3 the cycle ran but a watchlist has problems (lines not watched, a file not readable, or a suspect shrink: see vigie watchlist check).

            Examples:
              vigie run --once
              vigie run --config /etc/vigie/vigie.yaml
              vigie run --once --no-deliver && vigie alerts deliver --wait
            """
    )

    @Flag(name: .long, help: "Run one cycle, deliver its alerts, and exit.")
    var once = false

    @Flag(name: .long, help: "With --once: queue the alerts in the outbox but leave their delivery to `vigie alerts deliver` or a running daemon.")
    var noDeliver = false

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        options.bootstrapLogging(default: once ? .warning : .info)
        let configuration = try options.load()
        let logger = Logger(label: "vigie")
        let application: VigieApplication
        do {
            application = try await VigieApplication(configuration: configuration, logger: logger)
        } catch {
            printError("vigie: \(error)")
            throw ExitCode(2)
        }
        defer { application.shutdown() }
        if once {
            let report = try await application.cycle.run()
            for issue in report.watchlistIssues { printError(issue.description) }
            let delivered = noDeliver ? OutboxDispatcher.Report() : try await application.dispatcher.drain()
            await application.releaseWork()
            printError(CycleSummary(report: report, delivered: delivered).line)
            if !report.watchlistFilesWithProblems.isEmpty {
                printError("vigie: watchlists with problems: \(report.watchlistFilesWithProblems.joined(separator: ", ")); see vigie watchlist check")
                throw ExitCode(3)
            }
            return
        }
        // The HTTP service first: a group stops its services last to first, so readiness says
        // draining while the poller finishes its cycle, and the port closes last.
        var services: [any Service] = []
        if let health = application.healthService(onReady: { port in logger.info("http.listening", metadata: ["http.port": "\(port)"]) }) {
            services.append(health)
        }
        services += [application.pollerService(), application.dispatcherService(), application.reloadService()]
        let group = ServiceGroup(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        do {
            try await group.run()
        } catch let failure as HealthServer.ListenFailure {
            await application.releaseWork()
            printError("vigie: \(failure)")
            throw ExitCode(1)
        }
        await application.releaseWork()
    }
}

/// The one line `vigie run --once` and `vigie demo` print after a cycle.
struct CycleSummary {
    var report: WatchCycle.Report
    var delivered: OutboxDispatcher.Report

    var line: String {
        let summary = report.summary
        var text = "\(counted(report.companies, "company", "companies")), \(counted(report.observations, "observation")), "
        text += "\(counted(report.notices, "new notice")) (\(report.matchedNotices) about watched companies): "
        text += "\(counted(summary.alertsRaised, "alert")) raised, \(summary.alertsRevised) revised, \(summary.alertsRetracted) retracted"
        if report.providerFailures > 0 { text += ", \(counted(report.providerFailures, "provider failure"))" }
        if delivered.failed > 0 { text += ", \(counted(delivered.failed, "delivery", "deliveries")) failed and will be retried" }
        if delivered.dead > 0 { text += ", \(counted(delivered.dead, "delivery", "deliveries")) dead-lettered (vigie alerts dead)" }
        if !report.watchlistFilesWithProblems.isEmpty { text += ", \(counted(report.watchlistFilesWithProblems.count, "watchlist")) with problems" }
        return text
    }
}
