import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VigieCore
import VigieRuntime

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the API and health over an existing store, without polling.",
        discussion: """
            For a read host, or a replica that only serves: the same /api/v1 and /healthz, /readyz as vigie run, on http.listen, over the store the configuration names. Case actions and redeliveries are written beside the daemon that polls. SIGTERM or Ctrl-C stops it.

            Examples:
              vigie serve --config /etc/vigie/vigie.yaml
              vigie serve --state-dir .vigie-demo
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        options.bootstrapLogging(default: .info)
        // Serving needs the API tokens, not the channels' or providers' secrets.
        let configuration = try options.load(secrets: .deferred)
        let missing = configuration.unresolvedSecrets.filter { $0.field?.hasPrefix("token") == true }
        guard missing.isEmpty else {
            for issue in missing { printError(issue.description) }
            throw ExitCode(2)
        }
        guard let http = configuration.http else {
            printError("vigie: http is off in the configuration (http: false); set http.listen to serve")
            throw ExitCode(2)
        }
        let logger = Logger(label: "vigie.serve")
        let store: any WatchStore
        do {
            store = try await StoreFactory.open(configuration, access: .editor, logger: Logger(label: "vigie.store"))
        } catch let failure as StoreFailure {
            printError("vigie: \(failure.description)")
            throw ExitCode(2)
        }
        let router = try VigieApplication.delivery(configuration).1
        let clock = SystemWallClock()
        let server = HealthServer(
            configuration: .init(host: http.host, port: http.port, interval: configuration.poller.interval), heartbeat: nil, clock: clock,
            ready: { _ = try await store.lastPolls() },
            api: API(
                store: store, policy: DeliveryPolicy(router), access: APIAccess(tokens: http.tokens), clock: clock,
                watchlists: configuration.watchlists.map(configuration.resolve), logger: Logger(label: "vigie.api")
            ),
            // The store's gauges; the cycle's and deliveries' counters are the polling process's.
            metrics: { [metrics = VigieMetrics()] in try await metrics.scrape(store: store, channelsUp: [:], now: clock.now) },
            onReady: { port in logger.info("http.listening", metadata: ["http.port": "\(port)"]) }, logger: Logger(label: "vigie.http")
        )
        if http.tokens.isEmpty { logger.warning("api.no_tokens", metadata: ["hint": "no http.tokens: every /api/v1 call answers 401"]) }
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        do {
            try await group.run()
        } catch let failure as HealthServer.ListenFailure {
            printError("vigie: \(failure)")
            throw ExitCode(1)
        }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Say where Vigie stands: last cycle, sources, outbox, dead letters, open cases.",
        discussion: """
            Exit status: 0 healthy; 1 degraded (a failing source, dead letters, a late cycle or queue); 2 down (no cycle for four intervals, none yet, or the store unusable). For cron or a Nagios check.

            Examples:
              vigie status
              vigie status --state-dir .vigie-demo
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try options.load(secrets: .deferred)
        guard let store = try await AlertsCommand.store(options, access: .reader) else {
            print("vigie: down\n  no store yet: vigie run has not run with this configuration")
            throw ExitCode(2)
        }
        let report = StatusReport.assess(
            now: SystemWallClock().now, interval: configuration.poller.interval, lastPolls: try await store.lastPolls(),
            health: try await store.sourceHealth(), outbox: try await store.outboxSummary(), cases: try await store.activeCases()
        )
        print(report.text)
        if report.verdict != .healthy { throw ExitCode(report.verdict.rawValue) }
    }
}
