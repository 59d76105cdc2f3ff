import Foundation
import VigieCore
import VigieDelivery
import VigieProviders
import VigieStore
import VigieTransport

/// Everything Vigie needs to run, with defaults that make the repository itself a working
/// setup: SQLite under `.vigie/`, the watchlists in `watchlists/`, the demo scenario as the
/// data source, alerts to `.vigie/alerts.jsonl` and the terminal.
public struct VigieConfiguration: Sendable {
    /// Relative paths in the configuration are read from here: the configuration file's
    /// folder, or the working directory when there is no file.
    public var root: URL
    /// The configuration file, for messages; nil on the embedded default.
    public var file: String?
    /// Where the store and the alert log live.
    public var stateDirectory: String = ".vigie"
    /// Which store: SQLite in the state folder (the embedded default), or PostgreSQL.
    public var store: Store = .sqlite
    /// Where `vigie run` answers `/healthz` and `/readyz`; nil with `http: false`.
    public var http: HTTP? = HTTP()
    /// Watchlist files, or folders whose `.yaml`, `.yml` and `.csv` files are all read.
    public var watchlists: [String] = ["watchlists"]
    /// How long history is kept before it is pruned.
    public var retention = Retention()
    /// How cases are kept: claims deadlines and their reminders, the mass-shift guard.
    public var cases = CaseSettings()
    /// When a watchlist that shrinks at once is held as suspect (its last good version kept).
    public var watchlistGuard = WatchlistRegistry.ShrinkGuard()
    /// The language of messages to people (chat, email).
    public var language: Language = .en
    public var poller = Poller()
    public var fixture: Fixture? = Fixture()
    /// Creditsafe Connect, when configured: it replaces the fixture's scores (the fixture's
    /// BODACC notices stay).
    public var creditsafe: CreditsafeProvider.Configuration?
    /// Ellisphère and Pappers, when configured: sources beside the others.
    public var ellisphere: EllisphereProvider.Configuration?
    public var pappers: PappersProvider.Configuration?
    /// Altares, when configured; its adapter is unverified against the live service.
    public var altares: AltaresProvider.Configuration?
    /// The BODACC open-data feed, when configured: it replaces the fixture's notices.
    public var bodacc: BodaccFeed.Configuration?
    /// Credit insurers whose limit decisions are read from their exports, each a source.
    public var insurers: [InsurerExportSource.Configuration] = []
    /// Credit insurers read through their APIs instead (UNVERIFIED adapters).
    public var insurerAPIs: [InsurerAPI] = []
    /// The ERP's aged balance: a file, or a folder whose newest export is read.
    public var receivables: String?
    /// The thresholds of the money-at-risk alerts.
    public var coverage = CoverageSettings()
    /// When a failing source raises an alert.
    public var health = SourceHealthTracker.Configuration()
    /// Sources polled less often than every cycle, by key (`score:creditsafe`, `feed:bodacc`).
    public var sourceIntervals: [String: Duration] = [:]
    /// Billed reports a provider may be asked for in a day (`max_reports_per_day`), by key.
    public var reportBudgets: [String: Int] = [:]
    public var log = Log()
    public var terminal = Terminal()
    /// Webhook and email channels, by name.
    public var channels: [ChannelSpec] = []
    public var delivery = Delivery()

    /// An insurer's API, by insurer.
    public enum InsurerAPI: Sendable {
        case allianzTrade(AllianzTradeProvider.Configuration)
        case coface(CofaceProvider.Configuration)
    }

    /// The store a configuration names (`store:` in `vigie.yaml`).
    public enum Store: Sendable {
        /// `vigie.sqlite` in the state folder: one writing process.
        case sqlite
        /// A PostgreSQL database shared by any number of replicas.
        case postgres(Postgres)
    }

    public struct Postgres: Sendable {
        /// Nil when the URL's secret could not be read (read-only commands defer secrets).
        public var location: PostgresLocation?
        /// This process among the replicas; the host name and process id when not set.
        public var replica: String?
        /// How long a replica keeps a delivery it claimed before others may take it over.
        public var claimTimeout: Duration = .seconds(300)
        public var maxConnections = 8

        public init(location: PostgresLocation?, replica: String? = nil) {
            self.location = location
            self.replica = replica
        }
    }

    public struct HTTP: Sendable, Hashable {
        /// Loopback by default: exposing it is a choice (`0.0.0.0:8080` in a container).
        public var host = "127.0.0.1"
        public var port = 8080
        /// API tokens, each with a role; none leaves the API closed (every call answers 401).
        public var tokens: [APIToken] = []

        public init(host: String = "127.0.0.1", port: Int = 8080, tokens: [APIToken] = []) {
            self.host = host
            self.port = port
            self.tokens = tokens
        }
    }

    public struct Poller: Sendable {
        /// Time between the starts of two cycles in `vigie run`.
        public var interval: Duration = .seconds(15 * 60)
    }

    public struct Fixture: Sendable {
        /// The scenario folder the fixture provider replays; nil for the demo scenario that
        /// ships with Vigie (`scenarios/demo`).
        public var scenario: String?

        public init(scenario: String? = nil) {
            self.scenario = scenario
        }
    }

    public struct Log: Sendable {
        /// The JSON-lines alert log; nil puts it in the state directory.
        public var path: String?
        public var enabled = true
    }

    public struct Terminal: Sendable {
        public var enabled = true
    }

    public struct Delivery: Sendable {
        /// The routes file; used when it exists.
        public var routes = "alerts/routes.yaml"
        /// Message templates overriding the built-in ones; used when the folder exists.
        public var templates = "alerts/templates"
        /// How money at stake raises severity; `SeverityRules.defaults` when the file does not exist.
        public var severity = "alerts/severity.yaml"
        public var transport = CurlTransport.Configuration()
        public var retry = RetryPolicy.Configuration()
        /// Transfers in flight at once, per channel.
        public var concurrency = 16
        /// When a channel counts as down (transient failures in a row) and how often it is probed then.
        public var breaker = OutboxDispatcher.Configuration().breaker
        /// How long a channel fails before the other channels are told.
        public var channelFailingAfter = OutboxDispatcher.Configuration().channelFailingAfter
    }

    /// Secrets named by `_env` or `_file` keys that were not available when the configuration
    /// was read with `.deferred` secrets; a configuration with any cannot build channels or providers.
    public var unresolvedSecrets: [FileIssue] = []

    /// Whether every secret must be readable when the configuration is read.
    public enum Secrets: Sendable {
        /// Commands that poll or deliver: a missing secret is a problem at its line.
        case required
        /// Read-only commands (`alerts list`, `watchlist show`, `config check` on a machine
        /// without the secrets): a missing secret is noted, not a problem.
        case deferred
    }

    public init(root: URL) {
        self.root = root
    }

    /// An absolute path for a path written in the configuration.
    public func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
    }

    /// The fixture's scenario folder. A scenario the configuration names is read from the
    /// configuration's folder; the demo that ships with Vigie is looked for there, then in the
    /// working directory, then in the checkout the executable was built in, so that a
    /// `vigie.yaml` written anywhere still runs on the embedded default.
    public func fixtureScenario(_ fixture: Fixture) throws(ConfigurationError) -> URL {
        if let named = fixture.scenario { return resolve(named) }
        let demo = "scenarios/demo"
        var candidates = [root.appendingPathComponent(demo), URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(demo)]
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            var folder = executable.deletingLastPathComponent()
            while folder.path != "/" {
                candidates.append(folder.appendingPathComponent(demo))
                folder = folder.deletingLastPathComponent()
            }
        }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("steps").path) }) {
            return found
        }
        throw ConfigurationError(issues: [FileIssue(
            file: file ?? "(embedded default)", line: 1, field: "providers",
            message: "no data source: the demo scenario (\(demo)) is not next to the configuration (\(root.path)) nor in the working directory; name a provider under providers: (creditsafe, bodacc…) or set providers.fixture.scenario to a scenario folder"
        )])
    }

    public var storePath: String { resolve(stateDirectory).appendingPathComponent("vigie.sqlite").path }
    public var logPath: String { log.path.map { resolve($0).path } ?? resolve(stateDirectory).appendingPathComponent("alerts.jsonl").path }
}

/// A named webhook or email channel from the configuration.
public enum ChannelSpec: Sendable {
    public enum WebhookKind: String, Sendable, CaseIterable {
        case webhook, slack, teams, mattermost, discord
        /// On-call incidents that follow cases: `secret` is the routing key (PagerDuty) or the
        /// API key (Opsgenie); `url` defaults to the service's own.
        case pagerduty, opsgenie

        public var isIncident: Bool { self == .pagerduty || self == .opsgenie }
    }

    case webhook(name: String, kind: WebhookKind, url: String, secret: String?, language: Language)
    case email(EmailChannel.Configuration)

    public var name: String {
        switch self {
        case .webhook(let name, _, _, _, _): name
        case .email(let configuration): configuration.name
        }
    }

    /// `slack`, `email`…: which templates and escaping the channel uses.
    public var type: String {
        switch self {
        case .webhook(_, let kind, _, _, _): kind.rawValue
        case .email: "email"
        }
    }
}

extension VigieConfiguration {
    static let topKeys = ["state_dir", "store", "http", "watchlists", "watchlist_guard", "interval", "language", "providers", "health", "channels", "delivery", "retention", "cases", "insurers", "receivables", "coverage"]
    static let casesKeys = ["claims_months", "claims_reminders", "mass_shift_percent", "mass_shift_min_companies"]

    /// Reads `vigie.yaml`. Every problem is reported with its line; a file with problems is
    /// not used, so a typo never silently turns a channel off.
    public static func load(file: String, secrets: Secrets = .required) -> Result<VigieConfiguration, ConfigurationError> {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            return .failure(ConfigurationError(issues: [FileIssue(file: file, line: 1, message: "cannot be read; check the path given to --config")]))
        }
        return parse(text, file: file, root: URL(fileURLWithPath: file).deletingLastPathComponent(), secrets: secrets)
    }

    public static func parse(
        _ text: String, file: String, root: URL, environment: [String: String] = ProcessInfo.processInfo.environment, secrets: Secrets = .required
    ) -> Result<VigieConfiguration, ConfigurationError> {
        var configuration = VigieConfiguration(root: root)
        configuration.file = file
        let reader = ConfigReader(file: file, environment: environment, secrets: secrets)
        let node: YAMLNode?
        switch YAMLReading.compose(text, file: file) {
        case .failure(let issue): return .failure(ConfigurationError(issues: [issue]))
        case .success(let parsed): node = parsed
        }
        guard let node else { return .success(configuration) }
        for (key, line, value) in reader.entries(node, "vigie.yaml", expected: "keys such as \(topKeys.joined(separator: ", "))") {
            switch key {
            case "state_dir": configuration.stateDirectory = reader.string(value, key) ?? configuration.stateDirectory
            case "store": configuration.store = readStore(value, line: line, reader, root: root) ?? configuration.store
            case "http": readHTTP(value, into: &configuration, reader)
            case "watchlists": configuration.watchlists = reader.strings(value, key)
            case "interval": configuration.poller.interval = reader.duration(value, key) ?? configuration.poller.interval
            case "language": configuration.language = language(value, key, reader) ?? configuration.language
            case "providers": readProviders(value, into: &configuration, reader)
            case "health": readHealth(value, into: &configuration, reader)
            case "cases":
                for (setting, settingLine, settingValue) in reader.entries(value, key, expected: "claims_months, claims_reminders, mass_shift_percent, mass_shift_min_companies") {
                    switch setting {
                    case "claims_months":
                        guard let months = reader.integer(settingValue, setting, range: 1...12) else { continue }
                        if months != 2 && months != 4 { reader.issue(settingValue, setting, "claims_months is 2 (art. R622-24), or 4 for a creditor outside metropolitan France") }
                        configuration.cases.claimsMonths = months
                    case "claims_reminders":
                        guard let list = settingValue.sequence else {
                            reader.issue(settingValue, setting, "expected a list of days before the deadline, like [14, 3]")
                            continue
                        }
                        configuration.cases.claimsReminderDays = list.compactMap { reader.integer($0, setting, range: 0...120) }
                    case "mass_shift_percent":
                        configuration.cases.massShift.share = Double(reader.integer(settingValue, setting, range: 1...100) ?? 20) / 100
                    case "mass_shift_min_companies":
                        configuration.cases.massShift.minimumCompanies = reader.integer(settingValue, setting, range: 1...1_000_000) ?? 10
                    default: reader.unknown(setting, line: settingLine, known: casesKeys)
                    }
                }
            case "retention":
                for (setting, settingLine, settingValue) in reader.entries(value, key, expected: "observations_days and delivery_attempts_days") {
                    switch setting {
                    case "observations_days": configuration.retention.observationsDays = reader.integer(settingValue, setting, range: 1...36_500)
                    case "delivery_attempts_days": configuration.retention.attemptsDays = reader.integer(settingValue, setting, range: 1...36_500)
                    default: reader.unknown(setting, line: settingLine, known: ["observations_days", "delivery_attempts_days"])
                    }
                }
            case "watchlist_guard":
                for (setting, settingLine, settingValue) in reader.entries(value, key, expected: "max_loss_percent and min_companies") {
                    switch setting {
                    case "max_loss_percent":
                        configuration.watchlistGuard.maxLossPercent = Double(reader.integer(settingValue, setting, range: 1...100) ?? 50)
                    case "min_companies":
                        configuration.watchlistGuard.minCompanies = reader.integer(settingValue, setting, range: 1...1_000_000) ?? 4
                    default: reader.unknown(setting, line: settingLine, known: ["max_loss_percent", "min_companies"])
                    }
                }
            case "channels": readChannels(value, into: &configuration, reader)
            case "delivery": readDelivery(value, into: &configuration, reader)
            case "insurers": readInsurers(value, into: &configuration, reader)
            case "receivables":
                for (setting, settingLine, settingValue) in reader.entries(value, key, expected: "file (an aged-balance CSV, or a folder of them) and interval") {
                    switch setting {
                    case "file": configuration.receivables = reader.string(settingValue, setting)
                    case "interval": configuration.sourceIntervals[SourceKey.score(CoverageSource.receivables)] = reader.duration(settingValue, setting)
                    default: reader.unknown(setting, line: settingLine, known: ["file", "interval"])
                    }
                }
                if configuration.receivables == nil { reader.issue(line: line, key, "receivables needs file: the aged-balance CSV the ERP exports (or the folder it exports into)") }
            case "coverage": readCoverage(value, into: &configuration.coverage, reader)
            default: reader.unknown(key, line: line, known: topKeys)
            }
        }
        configuration.unresolvedSecrets = reader.unresolved
        return reader.issues.isEmpty ? .success(configuration) : .failure(ConfigurationError(issues: reader.issues))
    }

    static let insurerKeys = ["name", "folder", "preset", "columns", "interval"]
    static let insurerAPIKeys = ["name", "api", "base_url", "policy", "client_id", "client_secret", "client_secret_env", "client_secret_file", "api_key", "api_key_env", "api_key_file"] + clientKeys
    static let coverageKeys = [
        "uncovered_threshold", "overdue_threshold", "overdue_days", "stopped_paying_days", "delay_worsening_days", "delay_window_months",
        "guarantee_expiry_days", "insurer_expiry_days",
    ]

    /// `insurers: [{name: allianz-trade, folder: insurer/allianz-trade, preset: allianz-trade, columns: {granted: "Montant agréé"}}]`.
    static func readInsurers(_ node: YAMLNode, into configuration: inout VigieConfiguration, _ reader: ConfigReader) {
        guard let items = node.sequence else {
            reader.issue(node, "insurers", "expected a list of insurers, each with name and folder")
            return
        }
        let columnKeys = InsurerExport.columnKeys
        for item in items {
            let fields = reader.entries(item, "insurers", expected: "name and folder, or name and api")
            if let apiNode = fields.first(where: { $0.key == "api" }) {
                readInsurerAPI(fields, api: apiNode, into: &configuration, reader)
                continue
            }
            var name: String?, folder: String?, preset = InsurerExport.Preset.generic, columns: [String: String] = [:], refused = false
            for (key, line, value) in fields {
                switch key {
                case "name":
                    name = reader.string(value, key)
                    if let written = name, written.isEmpty || !written.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                        reader.issue(value, key, "\"\(written)\" is not a source name; use letters, digits and dashes, like allianz-trade")
                        name = nil
                        refused = true
                    }
                case "folder": folder = reader.string(value, key)
                case "preset":
                    let written = reader.string(value, key) ?? ""
                    if let known = InsurerExport.Preset(rawValue: written) { preset = known } else {
                        reader.issue(value, key, "\"\(written)\" is not a preset; use \(InsurerExport.Preset.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                case "columns":
                    for (column, columnLine, header) in reader.entries(value, key, expected: "keys \(columnKeys.joined(separator: ", ")) naming the export's headers") {
                        guard columnKeys.contains(column) else {
                            reader.unknown(column, line: columnLine, known: columnKeys)
                            continue
                        }
                        columns[column] = reader.string(header, column)
                    }
                case "interval":
                    if let name, let interval = reader.duration(value, key) { configuration.sourceIntervals[SourceKey.score(CoverageSource.insurer(name))] = interval }
                default: reader.unknown(key, line: line, known: insurerKeys)
                }
            }
            guard let name, let folder else {
                if !refused { reader.issue(item, "insurers", "an insurer needs name (allianz-trade) and folder (where its portal's exports are saved)") }
                continue
            }
            if configuration.insurers.contains(where: { $0.insurer == name }) {
                reader.issue(item, "insurers", "a second insurer named \(name); give each its own name")
                continue
            }
            configuration.insurers.append(.init(insurer: name, folder: configuration.resolve(folder), preset: preset, columns: columns))
        }
    }

    /// `{name: allianz-trade, api: allianz-trade, policy: "5012345", client_id: …, client_secret_env: …}`;
    /// Coface also needs `api_key_env`.
    static func readInsurerAPI(_ fields: [(key: String, line: Int, value: YAMLNode)], api node: (key: String, line: Int, value: YAMLNode), into configuration: inout VigieConfiguration, _ reader: ConfigReader) {
        for field in fields where !insurerAPIKeys.contains(field.key) { reader.unknown(field.key, line: field.line, known: insurerAPIKeys) }
        let value = { (key: String) in fields.first { $0.key == key }.flatMap { reader.string($0.value, key) } }
        guard let api = reader.string(node.value, "api"), ["allianz-trade", "coface"].contains(api) else {
            reader.issue(node.value, "api", "\"\(reader.string(node.value, "api") ?? "")\" is not an insurer API Vigie reads; use allianz-trade or coface (or folder: for exports)")
            return
        }
        if let name = value("name"), name != api { reader.issue(line: node.line, "name", "an insurer read through its API is named after it: name: \(api)") }
        guard let policy = value("policy"), let clientID = value("client_id"), let secret = reader.secret("client_secret", in: fields, root: configuration.root) else {
            reader.issue(line: node.line, "insurers", "\(api)'s API needs policy, client_id and client_secret_env (or client_secret_file)")
            return
        }
        let key = SourceKey.score(CoverageSource.insurer(api))
        if let interval = fields.first(where: { $0.key == "interval" }), let duration = reader.duration(interval.value, "interval") { configuration.sourceIntervals[key] = duration }
        switch api {
        case "coface":
            guard let apiKey = reader.secret("api_key", in: fields, root: configuration.root) else {
                reader.issue(line: node.line, "insurers", "Coface's API needs api_key_env (or api_key_file) besides the client credentials")
                return
            }
            var settings = CofaceProvider.Configuration(api: CofaceAPI(
                baseURL: value("base_url") ?? "https://api.coface.com", policy: policy, clientID: clientID, clientSecret: secret, apiKey: apiKey
            ))
            readClient(fields, into: &settings.client, concurrency: &settings.concurrency, reader)
            configuration.insurerAPIs.append(.coface(settings))
        default:
            var settings = AllianzTradeProvider.Configuration(api: AllianzTradeAPI(
                baseURL: value("base_url") ?? "https://api.allianz-trade.com", policy: policy, clientID: clientID, clientSecret: secret
            ))
            readClient(fields, into: &settings.client, concurrency: &settings.concurrency, reader)
            configuration.insurerAPIs.append(.allianzTrade(settings))
        }
    }

    static func readCoverage(_ node: YAMLNode, into settings: inout CoverageSettings, _ reader: ConfigReader) {
        func days(_ value: YAMLNode, _ key: String) -> [Int]? {
            guard let list = value.sequence else {
                reader.issue(value, key, "expected a list of days before the expiry, like [30, 7]")
                return nil
            }
            return list.compactMap { reader.integer($0, key, range: 0...366) }.sorted(by: >)
        }
        for (key, line, value) in reader.entries(node, "coverage", expected: coverageKeys.joined(separator: ", ")) {
            switch key {
            case "uncovered_threshold": settings.uncoveredThreshold = Decimal(reader.integer(value, key, range: 0...1_000_000_000) ?? 10_000)
            case "overdue_threshold": settings.overdueThreshold = Decimal(reader.integer(value, key, range: 0...1_000_000_000) ?? 5_000)
            case "overdue_days":
                let value = reader.integer(value, key, range: 0...90) ?? 60
                settings.overdueDays = value
            case "stopped_paying_days": settings.stoppedPayingDays = reader.integer(value, key, range: 1...3650) ?? 45
            case "delay_worsening_days": settings.delayWorseningDays = Double(reader.integer(value, key, range: 1...365) ?? 15)
            case "delay_window_months": settings.delayWindowMonths = reader.integer(value, key, range: 1...12) ?? 3
            case "guarantee_expiry_days": settings.guaranteeExpiryDays = days(value, key) ?? settings.guaranteeExpiryDays
            case "insurer_expiry_days": settings.insurerExpiryDays = days(value, key) ?? settings.insurerExpiryDays
            default: reader.unknown(key, line: line, known: coverageKeys)
            }
        }
    }

    /// `http: false`, or `http: {listen: HOST:PORT}`.
    static func readHTTP(_ node: YAMLNode, into configuration: inout VigieConfiguration, _ reader: ConfigReader) {
        if node.mapping == nil, let text = YAMLReading.scalar(node)?.lowercased(), ["false", "no", "off"].contains(text) {
            configuration.http = nil
            return
        }
        var http = HTTP()
        for (key, line, value) in reader.entries(node, "http", expected: "listen (HOST:PORT), or http: false") {
            switch key {
            case "listen":
                guard let text = reader.string(value, key) else { continue }
                let parts = text.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (0...65_535).contains(port) else {
                    reader.issue(value, key, "\"\(text)\" is not HOST:PORT; write it as 127.0.0.1:8080 (0.0.0.0:8080 to listen on every interface)")
                    continue
                }
                http.host = String(parts[0])
                http.port = port
            case "tokens":
                guard let items = value.sequence else {
                    reader.issue(value, key, "expected a list of tokens, each with name, role and token_env or token_file")
                    continue
                }
                for item in items {
                    let fields = reader.entries(item, "token", expected: "a token with name, role and token_env or token_file")
                    for field in fields where !["name", "role", "token", "token_env", "token_file"].contains(field.key) {
                        reader.unknown(field.key, line: field.line, known: ["name", "role", "token_env", "token_file"])
                    }
                    guard let name = fields.first(where: { $0.key == "name" }).flatMap({ reader.string($0.value, "name") }) else {
                        reader.issue(item, "tokens", "a token needs a name: who acts with it, as the audit trail will say")
                        continue
                    }
                    let rawRole = fields.first { $0.key == "role" }.flatMap { reader.string($0.value, "role") } ?? "viewer"
                    guard let role = APIRole(rawValue: rawRole) else {
                        reader.issue(item, "role", "\"\(rawRole)\" is not a role; use viewer, operator or admin")
                        continue
                    }
                    if fields.contains(where: { $0.key == "token" }) {
                        reader.issue(item, "token", "a token is a secret: give it by reference, token_env or token_file, never in vigie.yaml")
                        continue
                    }
                    guard let secret = reader.secret("token", in: fields, root: configuration.root) else {
                        reader.issue(item, "tokens", "token \(name) needs token_env or token_file")
                        continue
                    }
                    guard secret == ConfigReader.unresolvedSecret || secret.count >= 24 else {
                        reader.issue(item, "tokens", "token \(name) is shorter than 24 characters; generate one with: openssl rand -hex 32")
                        continue
                    }
                    if http.tokens.contains(where: { $0.name == name }) { reader.issue(item, "name", "a token named \(name) is already defined; names must differ for the audit trail") }
                    http.tokens.append(APIToken(name: name, role: role, secret: secret))
                }
            default:
                reader.unknown(key, line: line, known: ["listen", "tokens"])
            }
        }
        configuration.http = http
    }

    static let storeKeys = ["type", "url", "url_env", "url_file", "replica", "claim_timeout", "max_connections"]

    /// `store: {type: postgres, url_env: VIGIE_DATABASE_URL}`; `type: sqlite` is the default.
    static func readStore(_ node: YAMLNode, line: Int, _ reader: ConfigReader, root: URL) -> Store? {
        let fields = reader.entries(node, "store", expected: "type (sqlite or postgres), and for postgres url_env or url_file")
        let type = fields.first { $0.key == "type" }.flatMap { reader.string($0.value, "type") } ?? "sqlite"
        switch type {
        case "sqlite":
            for field in fields where field.key != "type" {
                reader.issue(line: field.line, field.key, "an SQLite store lives in state_dir and takes no other setting; remove this line, or set type: postgres")
            }
            return .sqlite
        case "postgres", "postgresql":
            var settings = Postgres(location: nil)
            for (key, keyLine, value) in fields {
                switch key {
                case "type", "url", "url_env", "url_file": continue
                case "replica": settings.replica = reader.string(value, key)
                case "claim_timeout": settings.claimTimeout = reader.duration(value, key) ?? settings.claimTimeout
                case "max_connections": settings.maxConnections = reader.integer(value, key, range: 1...200) ?? settings.maxConnections
                default: reader.unknown(key, line: keyLine, known: storeKeys)
                }
            }
            guard let (urlKey, urlLine, _) = fields.first(where: { ["url", "url_env", "url_file"].contains($0.key) }) else {
                reader.issue(line: line, "store", "a PostgreSQL store needs url_env (an environment variable holding postgres://USER:PASSWORD@HOST/DATABASE) or url_file")
                return nil
            }
            guard let url = reader.secret("url", in: fields, root: root) else { return nil }
            if url != ConfigReader.unresolvedSecret {
                do {
                    settings.location = try PostgresLocation(url: url, origin: "the URL")
                } catch {
                    reader.issue(line: urlLine, urlKey, (error as? StoreFailure)?.description ?? "\(error)")
                    return nil
                }
            }
            return .postgres(settings)
        default:
            reader.issue(line: fields.first { $0.key == "type" }?.line ?? line, "type", "\"\(type)\" is not a store Vigie knows; use sqlite (the default) or postgres")
            return nil
        }
    }

    static func language(_ node: YAMLNode, _ key: String, _ reader: ConfigReader) -> Language? {
        guard let raw = reader.string(node, key) else { return nil }
        guard let language = Language(rawValue: raw.lowercased()) else {
            reader.issue(node, key, "\"\(raw)\" is not a language Vigie writes; use en or fr")
            return nil
        }
        return language
    }

    /// Settings every HTTP provider takes: how fast, how many at once, how patient.
    static let clientKeys = ["enabled", "interval", "max_reports_per_day", "concurrency", "rate", "burst", "attempts", "timeout", "breaker_failures", "breaker_cooldown"]

    /// A provider that bills each report is polled once a day unless told otherwise: a
    /// 15-minute cycle ordering a report per company would cost 96 times what a finance team
    /// expects. Creditsafe with monitoring (its default) orders reports only on events, so it
    /// is polled every cycle.
    static func billedDefaultInterval(_ provider: String, fields: [(key: String, line: Int, value: YAMLNode)], _ reader: ConfigReader) -> Duration? {
        switch provider {
        case "ellisphere", "pappers", "altares": return .seconds(24 * 3600)
        case "creditsafe":
            let monitoring = fields.first { $0.key == "monitoring" }?.value
            let off = monitoring.map { $0.mapping == nil && YAMLReading.scalar($0).map { ["false", "no", "off"].contains($0.lowercased()) } == true } ?? false
            return off ? .seconds(24 * 3600) : nil
        default: return nil
        }
    }
    static let providerKeys = [
        "creditsafe": ["base_url", "username", "username_env", "username_file", "password", "password_env", "password_file", "monitoring"],
        "ellisphere": ["base_url", "contract_id", "user_prefix", "user_id", "password", "password_env", "password_file", "product"],
        "pappers": ["base_url", "api_token", "api_token_env", "api_token_file"],
        "altares": ["base_url", "api_key", "api_key_env", "api_key_file"],
    ]

    /// Reads the client settings among a provider's fields, with its concurrency.
    static func readClient(_ fields: [(key: String, line: Int, value: YAMLNode)], into client: inout ProviderClient.Configuration, concurrency: inout Int, _ reader: ConfigReader) {
        for (key, _, value) in fields {
            switch key {
            case "concurrency": concurrency = reader.integer(value, key, range: 1...64) ?? concurrency
            case "rate": client.rate = Double(reader.integer(value, key, range: 1...1_000_000) ?? Int(client.rate))
            case "burst": client.burst = Double(reader.integer(value, key, range: 1...1000) ?? Int(client.burst))
            case "attempts": client.attempts = reader.integer(value, key, range: 1...10) ?? client.attempts
            case "timeout": client.timeout = reader.duration(value, key) ?? client.timeout
            case "breaker_failures": client.breaker.threshold = reader.integer(value, key, range: 1...10_000) ?? client.breaker.threshold
            case "breaker_cooldown": client.breaker.cooldown = reader.duration(value, key) ?? client.breaker.cooldown
            default: break
            }
        }
    }

    static func readProviders(_ node: YAMLNode, into configuration: inout VigieConfiguration, _ reader: ConfigReader) {
        configuration.fixture = nil
        for (provider, line, settings) in reader.entries(node, "providers", expected: "providers by name") {
            let fields = reader.entries(settings, provider, expected: "the provider's settings")
            if let keys = providerKeys[provider] {
                for field in fields where !(keys + clientKeys).contains(field.key) { reader.unknown(field.key, line: field.line, known: keys + clientKeys) }
            }
            let value = { (key: String) in fields.first { $0.key == key }.flatMap { reader.string($0.value, key) } }
            if let node = fields.first(where: { $0.key == "base_url" })?.value, let url = reader.string(node, "base_url"),
               URLComponents(string: url).map({ ["http", "https"].contains($0.scheme ?? "") && !($0.host ?? "").isEmpty }) != true {
                reader.issue(node, "base_url", "\"\(url)\" is not an http:// or https:// URL")
            }
            // `enabled: false` keeps a provider's settings while it is off.
            if let node = fields.first(where: { $0.key == "enabled" })?.value, reader.bool(node, "enabled") == false { continue }
            let sourceKey = provider == "bodacc" ? SourceKey.feed(provider) : SourceKey.score(provider)
            if provider != "fixture", let node = fields.first(where: { $0.key == "interval" })?.value, let interval = reader.duration(node, "interval") {
                configuration.sourceIntervals[sourceKey] = interval
            } else if let billed = Self.billedDefaultInterval(provider, fields: fields, reader) {
                configuration.sourceIntervals[sourceKey] = billed
            }
            if let node = fields.first(where: { $0.key == "max_reports_per_day" })?.value,
               let budget = reader.integer(node, "max_reports_per_day", range: 1...100_000_000) {
                configuration.reportBudgets[sourceKey] = budget
            }
            switch provider {
            case "fixture":
                var fixture = Fixture()
                for (setting, settingLine, value) in fields where setting != "enabled" {
                    if setting == "scenario" { fixture.scenario = reader.string(value, setting) } else { reader.unknown(setting, line: settingLine, known: ["scenario", "enabled"]) }
                }
                configuration.fixture = fixture
            case "creditsafe":
                guard let username = reader.secret("username", in: fields, root: configuration.root),
                      let password = reader.secret("password", in: fields, root: configuration.root) else {
                    reader.issue(line: line, provider, "Creditsafe needs username (or username_env) and password_env or password_file")
                    continue
                }
                var creditsafe = CreditsafeProvider.Configuration(baseURL: value("base_url") ?? "https://connect.creditsafe.com/v1", username: username, password: password)
                readClient(fields, into: &creditsafe.client, concurrency: &creditsafe.concurrency, reader)
                // Monitoring is the default: where Creditsafe offers it, a report is ordered only
                // for a company with an event. `monitoring: false` polls every company.
                creditsafe.monitoring = fields.first(where: { $0.key == "monitoring" }).map { readMonitoring($0.value, reader) } ?? CreditsafeProvider.Configuration.Monitoring()
                configuration.creditsafe = creditsafe
            case "ellisphere":
                guard let contract = value("contract_id"), let prefix = value("user_prefix"), let user = value("user_id"),
                      let password = reader.secret("password", in: fields, root: configuration.root) else {
                    reader.issue(line: line, provider, "Ellisphère needs contract_id, user_prefix, user_id and password_env or password_file")
                    continue
                }
                var api = EllisphereAPI(
                    baseURL: value("base_url") ?? "https://services.data-access-gateway.com/1/rest", contractID: contract,
                    userPrefix: prefix, userID: user, password: password
                )
                api.product = value("product") ?? api.product
                var ellisphere = EllisphereProvider.Configuration(api: api)
                readClient(fields, into: &ellisphere.client, concurrency: &ellisphere.concurrency, reader)
                configuration.ellisphere = ellisphere
            case "pappers":
                guard let token = reader.secret("api_token", in: fields, root: configuration.root) else {
                    reader.issue(line: line, provider, "Pappers needs api_token_env or api_token_file")
                    continue
                }
                var pappers = PappersProvider.Configuration(api: PappersAPI(baseURL: value("base_url") ?? "https://api.pappers.fr/v2", apiToken: token))
                readClient(fields, into: &pappers.client, concurrency: &pappers.concurrency, reader)
                configuration.pappers = pappers
            case "altares":
                guard let url = value("base_url"), let key = reader.secret("api_key", in: fields, root: configuration.root) else {
                    reader.issue(line: line, provider, "Altares needs base_url (from your contract) and api_key_env or api_key_file")
                    continue
                }
                var altares = AltaresProvider.Configuration(api: AltaresAPI(baseURL: url, apiKey: key))
                readClient(fields, into: &altares.client, concurrency: &altares.concurrency, reader)
                configuration.altares = altares
            case "bodacc":
                let keys = ["base_url", "lookback_days", "overlap_days", "history_batch"] + clientKeys.filter { $0 != "concurrency" }
                for field in fields where !keys.contains(field.key) { reader.unknown(field.key, line: field.line, known: keys) }
                var bodacc = BodaccFeed.Configuration(baseURL: value("base_url") ?? "https://bodacc-datadila.opendatasoft.com/api/explore/v2.1/catalog/datasets/annonces-commerciales")
                for (key, _, value) in fields {
                    if key == "lookback_days" { bodacc.lookbackDays = reader.integer(value, key, range: 0...3650) ?? bodacc.lookbackDays }
                    if key == "overlap_days" { bodacc.overlapDays = reader.integer(value, key, range: 0...60) ?? bodacc.overlapDays }
                    if key == "history_batch" { bodacc.historyBatch = reader.integer(value, key, range: 1...100) ?? bodacc.historyBatch }
                }
                var unused = 1
                readClient(fields, into: &bodacc.client, concurrency: &unused, reader)
                configuration.bodacc = bodacc
            default:
                reader.unknown(provider, line: line, known: ["fixture", "creditsafe", "ellisphere", "pappers", "altares", "bodacc"])
            }
        }
    }

    /// `monitoring: true`, or its settings: `portfolio`, `page_size`, `overlap`, `event_rules`.
    static func readMonitoring(_ node: YAMLNode, _ reader: ConfigReader) -> CreditsafeProvider.Configuration.Monitoring? {
        var monitoring = CreditsafeProvider.Configuration.Monitoring()
        if node.mapping == nil { return reader.bool(node, "monitoring") == true ? monitoring : nil }
        for (key, line, value) in reader.entries(node, "monitoring", expected: "monitoring settings") {
            switch key {
            case "portfolio": monitoring.portfolio = reader.string(value, key) ?? monitoring.portfolio
            case "page_size": monitoring.pageSize = reader.integer(value, key, range: 1...1000) ?? monitoring.pageSize
            case "overlap": monitoring.overlap = reader.duration(value, key, allowZero: true) ?? monitoring.overlap
            case "event_rules":
                let codes = reader.strings(value, key)
                let parsed = codes.compactMap(Int.init)
                if parsed.count != codes.count || parsed.isEmpty {
                    reader.issue(value, key, "expected a list of Creditsafe ruleCode numbers, e.g. [101, 1802]; leave it out to turn on every rule")
                } else {
                    monitoring.eventRules = Set(parsed)
                }
            default: reader.unknown(key, line: line, known: ["portfolio", "page_size", "overlap", "event_rules"])
            }
        }
        return monitoring
    }

    static func readHealth(_ node: YAMLNode, into configuration: inout VigieConfiguration, _ reader: ConfigReader) {
        for (key, line, value) in reader.entries(node, "health", expected: "source-health settings") {
            switch key {
            case "failing_cycles": configuration.health.failingCycles = reader.integer(value, key, range: 1...1000) ?? configuration.health.failingCycles
            case "failure_ratio":
                guard let ratio = reader.string(value, key).flatMap(Double.init), ratio > 0, ratio <= 1 else {
                    reader.issue(value, key, "failure_ratio must be a number above 0 and at most 1 (0.5: half the companies failed)")
                    continue
                }
                configuration.health.failureRatio = ratio
            default: reader.unknown(key, line: line, known: ["failing_cycles", "failure_ratio"])
            }
        }
    }

    static let webhookKeys = ["type", "url", "url_env", "url_file", "secret", "secret_env", "secret_file", "language"]
    static let emailKeys = ["type", "host", "port", "security", "username", "password", "password_env", "password_file", "from", "to", "language"]

    static func readChannels(_ node: YAMLNode, into configuration: inout VigieConfiguration, _ reader: ConfigReader) {
        for (name, line, settings) in reader.entries(node, "channels", expected: "channels by name") {
            let fields = reader.entries(settings, name, expected: "the channel's settings")
            switch name {
            case "log":
                for (key, keyLine, value) in fields {
                    switch key {
                    case "path": configuration.log.path = reader.string(value, key)
                    case "enabled": configuration.log.enabled = reader.bool(value, key) ?? true
                    default: reader.unknown(key, line: keyLine, known: ["path", "enabled"])
                    }
                }
                continue
            case "terminal":
                for (key, keyLine, value) in fields {
                    if key == "enabled" { configuration.terminal.enabled = reader.bool(value, key) ?? true } else { reader.unknown(key, line: keyLine, known: ["enabled"]) }
                }
                continue
            default:
                break
            }
            let type = fields.first { $0.key == "type" }.flatMap { reader.string($0.value, "type") }
            var language = configuration.language
            if let node = fields.first(where: { $0.key == "language" })?.value { language = self.language(node, "language", reader) ?? language }
            if type == "email" {
                for field in fields where !emailKeys.contains(field.key) { reader.unknown(field.key, line: field.line, known: emailKeys) }
                let value = { (key: String) in fields.first { $0.key == key }.flatMap { reader.string($0.value, key) } }
                guard let host = value("host"), let from = value("from") else {
                    reader.issue(line: line, name, "an email channel needs host and from (and to)")
                    continue
                }
                let to = fields.first { $0.key == "to" }.map { reader.strings($0.value, "to") } ?? []
                if to.isEmpty { reader.issue(line: line, name, "an email channel needs at least one address in to") }
                let security = value("security").map { SMTPRelay.Security(rawValue: $0) } ?? .starttls
                guard let security else {
                    reader.issue(line: line, name, "security must be starttls, tls or plain")
                    continue
                }
                let port = fields.first { $0.key == "port" }.flatMap { reader.integer($0.value, "port", range: 1...65535) } ?? (security == .implicitTLS ? 465 : 587)
                let relay = SMTPRelay(host: host, port: port, security: security, username: value("username"), password: reader.secret("password", in: fields, root: configuration.root))
                configuration.channels.append(.email(EmailChannel.Configuration(name: name, relay: relay, from: from, to: to, language: language)))
            } else if let kind = type.flatMap(ChannelSpec.WebhookKind.init(rawValue:)) {
                for field in fields where !webhookKeys.contains(field.key) { reader.unknown(field.key, line: field.line, known: webhookKeys) }
                let defaultURL = kind == .pagerduty ? PagerDutyFormat.defaultURL : kind == .opsgenie ? OpsgenieFormat.defaultURL : nil
                guard let url = reader.secret("url", in: fields, root: configuration.root) ?? defaultURL else {
                    reader.issue(line: line, name, "a \(kind.rawValue) channel needs url, url_env or url_file")
                    continue
                }
                let secret = reader.secret("secret", in: fields, root: configuration.root)
                if kind.isIncident, secret == nil {
                    let what = kind == .pagerduty ? "the integration's routing key" : "the API integration's key"
                    reader.issue(line: line, name, "a \(kind.rawValue) channel needs secret, secret_env or secret_file (\(what))")
                    continue
                }
                if kind == .webhook, secret == nil {
                    reader.issue(line: line, name, "a signed webhook needs secret, secret_env or secret_file (a whsec_… Standard Webhooks secret)")
                    continue
                }
                if kind == .webhook, let secret, secret != ConfigReader.unresolvedSecret, (try? StandardWebhookSigner(secret: secret)) == nil {
                    reader.issue(line: line, name, StandardWebhookSigner.InvalidSecret().description)
                    continue
                }
                configuration.channels.append(.webhook(name: name, kind: kind, url: url, secret: secret, language: language))
            } else {
                reader.issue(line: line, name, "type must be one of \((ChannelSpec.WebhookKind.allCases.map(\.rawValue) + ["email"]).joined(separator: ", "))")
            }
        }
    }

    static let deliveryKeys = ["routes", "templates", "severity", "workers", "concurrency", "connect_timeout", "timeout", "verify_tls", "ca_bundle", "proxy", "max_response_bytes", "retry", "breaker_failures", "probe_interval", "max_probe_interval", "channel_failing_after"]
    static let retryKeys = ["base_delay", "max_delay", "max_attempts", "max_age"]

    static func readDelivery(_ node: YAMLNode, into configuration: inout VigieConfiguration, _ reader: ConfigReader) {
        for (key, line, value) in reader.entries(node, "delivery", expected: "delivery settings") {
            switch key {
            case "routes": configuration.delivery.routes = reader.string(value, key) ?? configuration.delivery.routes
            case "templates": configuration.delivery.templates = reader.string(value, key) ?? configuration.delivery.templates
            case "severity": configuration.delivery.severity = reader.string(value, key) ?? configuration.delivery.severity
            case "workers": configuration.delivery.transport.workers = reader.integer(value, key, range: 1...256) ?? 16
            case "concurrency": configuration.delivery.concurrency = reader.integer(value, key, range: 1...256) ?? 16
            case "connect_timeout": configuration.delivery.transport.connectTimeout = reader.duration(value, key) ?? .seconds(10)
            case "timeout": configuration.delivery.transport.totalTimeout = reader.duration(value, key) ?? .seconds(30)
            case "verify_tls": configuration.delivery.transport.verifyTLS = reader.bool(value, key) ?? true
            case "ca_bundle": configuration.delivery.transport.caBundle = reader.string(value, key).map { configuration.resolve($0).path }
            case "proxy": configuration.delivery.transport.proxy = reader.string(value, key)
            case "max_response_bytes": configuration.delivery.transport.maxResponseBytes = reader.integer(value, key, range: 1024...(1 << 30)) ?? (1 << 20)
            case "breaker_failures": configuration.delivery.breaker.threshold = reader.integer(value, key, range: 1...1000) ?? configuration.delivery.breaker.threshold
            case "probe_interval":
                let probe = reader.duration(value, key) ?? configuration.delivery.breaker.cooldown
                configuration.delivery.breaker.cooldown = probe
            case "max_probe_interval":
                configuration.delivery.breaker.maxCooldown = reader.duration(value, key) ?? configuration.delivery.breaker.maxCooldown
            case "channel_failing_after": configuration.delivery.channelFailingAfter = reader.duration(value, key) ?? configuration.delivery.channelFailingAfter
            case "retry":
                for (setting, settingLine, settingValue) in reader.entries(value, key, expected: "retry settings") {
                    switch setting {
                    case "base_delay": configuration.delivery.retry.baseDelay = reader.duration(settingValue, setting) ?? configuration.delivery.retry.baseDelay
                    case "max_delay": configuration.delivery.retry.maxDelay = reader.duration(settingValue, setting) ?? configuration.delivery.retry.maxDelay
                    case "max_attempts": configuration.delivery.retry.maxAttempts = reader.integer(settingValue, setting, range: 1...1000) ?? configuration.delivery.retry.maxAttempts
                    case "max_age": configuration.delivery.retry.maxAge = reader.duration(settingValue, setting) ?? configuration.delivery.retry.maxAge
                    default: reader.unknown(setting, line: settingLine, known: retryKeys)
                    }
                }
            default: reader.unknown(key, line: line, known: deliveryKeys)
            }
        }
    }
}

/// A configuration file with problems: each one at its line.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var issues: [FileIssue]

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
