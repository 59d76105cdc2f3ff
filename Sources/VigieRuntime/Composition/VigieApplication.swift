import Foundation
import Logging
import ServiceLifecycle
import VigieCore
import VigieDelivery
import VigieProviders
import VigieStore
import VigieTransport

/// Builds Vigie's parts from a configuration: the one place that knows which adapter sits
/// behind each seam.
public struct VigieApplication: Sendable {
    public let configuration: VigieConfiguration
    public let store: any WatchStore
    public let cycle: WatchCycle
    public let dispatcher: OutboxDispatcher
    public let registry: WatchlistRegistry
    public let channels: [any AlertChannel]
    public let router: Router
    /// The score providers and feeds the cycle polls, for `vigie providers test`.
    public let providers: [any ScoreProvider]
    let logger: Logger
    public let feeds: [any ProcedureFeed]
    let clock: any WallClock
    let transport: CurlTransport
    /// Providers' answers (a day of BODACC notices) are far larger than a webhook's.
    let providerTransport: CurlTransport

    public init(configuration: VigieConfiguration, clock: any WallClock = SystemWallClock(), logger: Logger) async throws {
        guard configuration.unresolvedSecrets.isEmpty else {
            throw ConfigurationError(issues: configuration.unresolvedSecrets.map { issue in
                var problem = issue
                problem.isWarning = false
                return problem
            })
        }
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        heartbeat = PollerHeartbeat(startedAt: clock.now)
        metrics = VigieMetrics()
        store = try await StoreFactory.open(configuration, access: .writer, logger: logger)

        transport = CurlTransport(configuration: configuration.delivery.transport)
        var providerTransportConfiguration = configuration.delivery.transport
        providerTransportConfiguration.maxResponseBytes = BodaccFeed.maxResponseBytes
        providerTransport = CurlTransport(configuration: providerTransportConfiguration)
        var providers: [any ScoreProvider] = []
        var feeds: [any ProcedureFeed] = []
        if let creditsafe = configuration.creditsafe {
            providers.append(CreditsafeProvider(configuration: creditsafe, transport: providerTransport, clock: clock))
        }
        if let ellisphere = configuration.ellisphere {
            providers.append(EllisphereProvider(configuration: ellisphere, transport: providerTransport, clock: clock))
        }
        if let pappers = configuration.pappers {
            providers.append(PappersProvider(configuration: pappers, transport: providerTransport, clock: clock))
        }
        if let altares = configuration.altares {
            providers.append(AltaresProvider(configuration: altares, transport: providerTransport, clock: clock))
        }
        if let bodacc = configuration.bodacc {
            feeds.append(BodaccFeed(configuration: bodacc, transport: providerTransport, clock: clock))
        }
        for insurer in configuration.insurers {
            providers.append(InsurerExportSource(configuration: insurer, clock: clock))
        }
        for api in configuration.insurerAPIs {
            switch api {
            case .allianzTrade(let settings): providers.append(CompanyProvider(configuration: settings, transport: providerTransport, clock: clock))
            case .coface(let settings): providers.append(CofaceProvider(configuration: settings, transport: providerTransport, clock: clock))
            }
        }
        if let receivables = configuration.receivables {
            providers.append(ReceivablesSource(path: configuration.resolve(receivables), clock: clock))
        }
        if let fixture = configuration.fixture {
            let scenario = try FixtureScenario(folder: configuration.fixtureScenario(fixture))
            if configuration.creditsafe == nil { providers.append(FixtureScoreProvider(scenario: scenario)) }
            if configuration.bodacc == nil { feeds.append(FixtureProcedureFeed(scenario: scenario)) }
            // The scenario's insurer exports and aged balance, unless real ones are configured.
            let configured = Set(providers.map(\.name))
            providers += FixtureCoverageSource.sources(in: scenario).filter { !configured.contains($0.name) }
        }

        self.providers = providers
        self.feeds = feeds

        let (templates, router) = try Self.delivery(configuration)
        let channels = try Self.channels(configuration, transport: transport, templates: templates, clock: clock)
        self.channels = channels
        self.router = router
        policy = DeliveryPolicy(router)

        registry = WatchlistRegistry(
            configuration: .init(paths: configuration.watchlists.map(configuration.resolve), shrinkGuard: configuration.watchlistGuard),
            store: store, clock: clock, logger: logger
        )
        cycle = WatchCycle(
            registry: registry, providers: providers, feeds: feeds, store: store, router: router, clock: clock,
            health: configuration.health, intervals: configuration.sourceIntervals, budgets: configuration.reportBudgets, retention: configuration.retention,
            // Renewed every cycle: two intervals leave room for a slow cycle, and a replica gone
            // for good hands its share over within two intervals.
            leaseDuration: configuration.poller.interval * 2, cycleInterval: configuration.poller.interval, cases: configuration.cases, metrics: metrics,
            policy: policy, coverage: configuration.coverage, logger: logger
        )
        var dispatch = OutboxDispatcher.Configuration()
        dispatch.retry = configuration.delivery.retry
        dispatch.concurrency = configuration.delivery.concurrency
        dispatch.fallback = router.fallback
        dispatch.breaker = configuration.delivery.breaker
        dispatch.channelFailingAfter = configuration.delivery.channelFailingAfter
        dispatcher = OutboxDispatcher(configuration: dispatch, store: store, channels: channels, clock: clock, logger: logger, metrics: metrics)
    }

    /// Every channel alerts go out on: the log, the terminal, and the configured ones.
    static func channels(_ configuration: VigieConfiguration, transport: CurlTransport, templates: MessageTemplates, clock: any WallClock) throws -> [any AlertChannel] {
        var channels: [any AlertChannel] = []
        if configuration.log.enabled { channels.append(LogChannel(configuration: .init(path: configuration.logPath))) }
        if configuration.terminal.enabled { channels.append(TerminalChannel(language: configuration.language)) }
        for spec in configuration.channels {
            channels.append(try Self.channel(spec, transport: transport, templates: templates, clock: clock))
        }
        return channels
    }

    /// The message templates and the routes the configuration names, read and checked: what
    /// `vigie config check` verifies without opening the store or any channel.
    public static func delivery(_ configuration: VigieConfiguration) throws -> (MessageTemplates, Router) {
        let always = (configuration.log.enabled ? ["log"] : []) + (configuration.terminal.enabled ? ["terminal"] : [])
        let names = always + configuration.channels.map(\.name)
        let templates = try MessageTemplates(
            folder: configuration.resolve(configuration.delivery.templates),
            channelTypes: Dictionary(configuration.channels.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        )
        let routesPath = configuration.resolve(configuration.delivery.routes).path
        var router = Router(always: always, defaultChannels: configuration.channels.map(\.name))
        if let text = try? String(contentsOfFile: routesPath, encoding: .utf8) {
            router = try RoutesFile.parse(text, file: routesPath, always: always, channels: Set(names)).get()
        }
        let severityPath = configuration.resolve(configuration.delivery.severity).path
        if let text = try? String(contentsOfFile: severityPath, encoding: .utf8) {
            router.severity = try SeverityFile.parse(text, file: severityPath).get()
        }
        // What to do, next to the routes: alerts/actions.en.yaml and actions.fr.yaml.
        router.actions = try ActionsFile.load(folder: URL(fileURLWithPath: routesPath).deletingLastPathComponent())
        return (templates, router)
    }

    public static func channel(_ spec: ChannelSpec, transport: CurlTransport, templates: MessageTemplates, clock: any WallClock) throws -> any AlertChannel {
        switch spec {
        case .webhook(let name, let kind, let url, let secret, let language):
            let format: any WebhookFormat = switch kind {
            case .webhook: try StandardWebhookFormat(secret: secret ?? "")
            case .slack: SlackFormat()
            case .teams: TeamsFormat()
            case .mattermost: MattermostFormat()
            case .discord: DiscordFormat()
            case .pagerduty: PagerDutyFormat(routingKey: secret ?? "")
            case .opsgenie: OpsgenieFormat(apiKey: secret ?? "")
            }
            return WebhookChannel(configuration: .init(name: name, url: url, language: language), format: format, transport: transport, templates: templates, clock: clock, secrets: [secret].compactMap { $0 })
        case .email(let configuration):
            return EmailChannel(configuration: configuration, transport: transport, templates: templates, clock: clock)
        }
    }

    /// The routes, severity rules and actions in force, swapped by `reload()`.
    public let policy: DeliveryPolicy

    /// Re-reads vigie.yaml and the routes, severity, actions and templates beside it. A new
    /// configuration with errors is refused with `file:line`, and the running one kept. Routes,
    /// inhibit and severity rules and actions take effect at the next cycle and request; the
    /// channels are rebuilt with the new templates and settings when their names are the same
    /// (their queues and breakers go on); a channel added or removed, providers, the store and
    /// http are read at start only: the report says when they changed and a restart is needed.
    public func reload() throws -> ReloadReport {
        var fresh = configuration
        if let file = configuration.file {
            // The channels are rebuilt: their secrets must be there, as at start.
            fresh = try VigieConfiguration.load(file: file, secrets: .required).get()
        }
        let (templates, router) = try Self.delivery(fresh)
        var needRestart: [String] = []
        var reloaded = [configuration.file, fresh.resolve(fresh.delivery.routes).path, fresh.resolve(fresh.delivery.severity).path, "actions"].compactMap { $0 }
        let sameChannels = fresh.channels.map(\.name) == configuration.channels.map(\.name) && fresh.log.enabled == configuration.log.enabled
            && fresh.terminal.enabled == configuration.terminal.enabled
        let channels = sameChannels ? try Self.channels(fresh, transport: transport, templates: templates, clock: clock) : nil
        if fresh.http != configuration.http { needRestart.append("http") }
        if fresh.poller.interval != configuration.poller.interval { needRestart.append("interval") }
        // Everything is read and built before anything is swapped: a failure changes nothing.
        policy.replace(router)
        if let channels {
            dispatcher.replaceChannels(channels)
            reloaded.append(fresh.resolve(fresh.delivery.templates).path)
        } else {
            needRestart.append("channels")
        }
        return ReloadReport(reloaded: reloaded, needRestart: needRestart)
    }

    /// SIGHUP reloads, as `reload()`.
    public func reloadService() -> some Service {
        ReloadService(reload: { [self] in try self.reload() }, logger: Logger(label: "vigie.reload"))
    }

    /// The poller's liveness, recorded by `pollerService()` and reported by `healthService()`.
    public let heartbeat: PollerHeartbeat
    /// What the cycle and the dispatcher count, served at `/metrics`.
    public let metrics: VigieMetrics

    public func pollerService() -> PollerService {
        PollerService(configuration: .init(interval: configuration.poller.interval), cycle: cycle, heartbeat: heartbeat, clock: clock, logger: Logger(label: "vigie.poller"))
    }

    /// `/healthz` and `/readyz` where `http.listen` says; nil with `http: false`.
    public func healthService(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) -> HealthServer? {
        guard let http = configuration.http else { return nil }
        let store = self.store
        let storeFile: String? = if case .sqlite = configuration.store { configuration.storePath } else { nil }
        return HealthServer(
            configuration: .init(host: http.host, port: http.port, interval: configuration.poller.interval), heartbeat: heartbeat, clock: clock,
            ready: { _ = try await store.lastPolls() },
            api: API(
                store: store, policy: policy, access: APIAccess(tokens: http.tokens), clock: clock,
                reload: { [self] in try self.reload() }, watchlists: configuration.watchlists.map(configuration.resolve), logger: Logger(label: "vigie.api")
            ),
            metrics: { [metrics, dispatcher, clock, storeFile] in try await metrics.scrape(store: store, channelsUp: dispatcher.channelsUp, storeFile: storeFile, now: clock.now) },
            onReady: onReady, logger: Logger(label: "vigie.http")
        )
    }

    public func importer() -> NoticeImporter {
        NoticeImporter(registry: registry, store: store, router: router, clock: clock, cases: configuration.cases)
    }

    public func dispatcherService() -> DispatcherService {
        DispatcherService(dispatcher: dispatcher, logger: Logger(label: "vigie.dispatcher"))
    }

    /// Hands this replica's share of the work back, so that other replicas take it over at
    /// their next cycle; a failure only delays that until the leases run out.
    public func releaseWork() async {
        do {
            try await store.releaseLeases()
        } catch {
            logger.warning("store.release_failed", metadata: ["error": "\(error)"])
        }
    }

    /// Lets in-flight transfers finish; call before the process exits.
    public func shutdown() {
        transport.shutdown()
        providerTransport.shutdown()
    }
}
