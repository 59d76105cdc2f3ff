import Foundation
import Logging
import ServiceLifecycle
import Testing
import VigieCore
import VigieDelivery
import VigieRuntime
import VigieTestSupport

@Suite("Configuration and the service")
struct ConfigurationTests {
    @Test("a configuration file is read with its defaults")
    func parse() throws {
        let text = """
            state_dir: /var/lib/vigie
            watchlists: [lists/a.yaml, lists/erp]
            interval: 15m
            providers:
              fixture:
                scenario: scenarios/demo
            channels:
              log:
                path: /var/log/vigie/alerts.jsonl
              terminal:
                enabled: false
            """
        let configuration = try VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/etc/vigie")).get()
        #expect(configuration.storePath == "/var/lib/vigie/vigie.sqlite")
        #expect(configuration.watchlists == ["lists/a.yaml", "lists/erp"])
        #expect(configuration.resolve("lists/a.yaml").path == "/etc/vigie/lists/a.yaml")
        #expect(configuration.poller.interval == .seconds(900))
        #expect(configuration.logPath == "/var/log/vigie/alerts.jsonl")
        #expect(configuration.terminal.enabled == false)
    }

    @Test("configuration problems name file and line", arguments: [
        ("intervall: 5m\n", "vigie.yaml:1: intervall: unknown key; did you mean \"interval\"?"),
        ("state_dir: x\ninterval: soon\n", "vigie.yaml:2: interval: \"soon\" is not a duration; write it like 900, 30s, 15m or 1h"),
        ("delivery:\n  timeout: 0s\n", "vigie.yaml:2: timeout: \"0s\" is zero; write a duration above zero"),
        // Durations past Int64 nanoseconds once trapped every command (SIGILL): now a range error.
        ("interval: 1e20\n", "vigie.yaml:1: interval: \"1e20\" is out of range; write a duration from 0 to 8784h (a year)"),
        ("interval: inf\n", "vigie.yaml:1: interval: \"inf\" is out of range"),
        ("interval: 9999999999999h\n", "vigie.yaml:1: interval: \"9999999999999h\" is out of range"),
        ("interval: -5m\n", "vigie.yaml:1: interval: \"-5m\" is out of range"),
        ("interval: nan\n", "vigie.yaml:1: interval: \"nan\" is out of range"),
        ("delivery:\n  retry:\n    max_age: 1e300s\n", "vigie.yaml:3: max_age: \"1e300s\" is out of range"),
        ("providers:\n  creditsafe:\n    username: u\n    password_env: VIGIE_TEST_PASSWORD\n    timeout: 99999999999999999999ms\n", "vigie.yaml:5: timeout: \"99999999999999999999ms\" is out of range"),
        ("channels:\n  log:\n    enabled: maybe\n", "vigie.yaml:3: enabled: expected true or false"),
        ("channels:\n  alerts:\n    url: x\n", "vigie.yaml:2: alerts: type must be one of webhook, slack, teams, mattermost, discord, pagerduty, opsgenie, email"),
        ("channels:\n  risk:\n    type: slack\n    url_env: VIGIE_TEST_UNSET_VARIABLE\n", "vigie.yaml:4: url_env: the environment variable VIGIE_TEST_UNSET_VARIABLE is not set"),
        // A secret pasted into an _env or _file key is never repeated in the message.
        ("channels:\n  risk:\n    type: slack\n    url_env: https://hooks.slack.com/services/T0/B0/PASTEDTOKEN\n", "vigie.yaml:4: url_env: must name an environment variable (letters, digits and _), and what is written there is not one"),
        ("channels:\n  risk:\n    type: slack\n    url_file: https://hooks.slack.com/services/T0/B0/PASTEDTOKEN\n", "vigie.yaml:4: url_file: cannot read the file it names"),
        ("channels:\n  signed:\n    type: webhook\n    url: http://127.0.0.1/hook\n    secret: not-base64!\n", "vigie.yaml:2: signed: the webhook secret is not a Standard Webhooks secret"),
        ("delivery:\n  retry:\n    max_atempts: 3\n", "vigie.yaml:3: max_atempts: unknown key; did you mean \"max_attempts\"?"),
        ("watchlists: [a, b\n", "vigie.yaml:2: YAML syntax"),
        ("providers:\n  ellisphere:\n    contract_id: \"1\"\n    password_env: VIGIE_TEST_PASSWORD\n", "vigie.yaml:2: ellisphere: Ellisphère needs contract_id, user_prefix, user_id and password_env or password_file"),
        ("providers:\n  pappers:\n    api_tokn_env: X\n", "vigie.yaml:3: api_tokn_env: unknown key; did you mean \"api_token_env\"?"),
        ("providers:\n  pappers:\n    base_url: htps//api.pappers.fr\n    api_token: x\n", "vigie.yaml:3: base_url: \"htps//api.pappers.fr\" is not an http:// or https:// URL"),
        ("health:\n  failure_ratio: 2\n", "vigie.yaml:2: failure_ratio: failure_ratio must be a number above 0 and at most 1"),
        ("providers:\n  creditsafe:\n    username: u\n    password_env: VIGIE_TEST_PASSWORD\n    monitoring:\n      portfolo: x\n", "vigie.yaml:6: portfolo: unknown key; did you mean \"portfolio\"?"),
        ("store:\n  type: mysql\n", "vigie.yaml:2: type: \"mysql\" is not a store Vigie knows; use sqlite (the default) or postgres"),
        ("store:\n  type: postgres\n", "vigie.yaml:1: store: a PostgreSQL store needs url_env"),
        ("store:\n  type: postgres\n  url_env: VIGIE_TEST_DATABASE_URL_UNSET\n", "vigie.yaml:3: url_env: the environment variable VIGIE_TEST_DATABASE_URL_UNSET is not set"),
        ("store:\n  type: postgres\n  url: mysql://u:PASTEDTOKEN@db/vigie\n", "vigie.yaml:3: url: the URL: not a PostgreSQL URL"),
        ("store:\n  type: postgres\n  url: postgres://u:PASTEDTOKEN@db/vigie?sslmode=sometimes\n", "vigie.yaml:3: url: the URL: sslmode must be one of disable, prefer, require, verify-full"),
        ("store:\n  type: postgres\n  url: postgres://u:PASTEDTOKEN@db\n", "vigie.yaml:3: url: the URL: the URL names no database"),
        ("store:\n  type: sqlite\n  url_env: X\n", "vigie.yaml:3: url_env: an SQLite store lives in state_dir"),
        ("store:\n  type: postgres\n  url_env: VIGIE_TEST_PASSWORD\n  replicas: 3\n", "vigie.yaml:4: replicas: unknown key; did you mean \"replica\"?"),
        ("http:\n  listen: 8080\n", "vigie.yaml:2: listen: \"8080\" is not HOST:PORT; write it as 127.0.0.1:8080"),
        ("http:\n  listen: 0.0.0.0:99999\n", "vigie.yaml:2: listen: \"0.0.0.0:99999\" is not HOST:PORT"),
        ("http:\n  port: 8080\n", "vigie.yaml:2: port: unknown key"),
    ])
    func problems(text: String, expected: String) {
        switch VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/"), environment: ["VIGIE_TEST_PASSWORD": "s3cret"]) {
        case .success: Issue.record("accepted: \(text)")
        case .failure(let error):
            #expect(error.description.hasPrefix(expected), "\(error.description)")
            #expect(!error.description.contains("PASTEDTOKEN"))
        }
    }

    @Test("every provider, its client settings, monitoring and source health are read; secrets come from the environment")
    func providers() throws {
        let text = """
            providers:
              creditsafe:
                base_url: http://127.0.0.1:8089/creditsafe
                username: demo
                password_env: VIGIE_TEST_PASSWORD
                rate: 5
                timeout: 20s
                breaker_failures: 8
                breaker_cooldown: 1m
                monitoring:
                  portfolio: Risk
                  page_size: 500
              ellisphere:
                contract_id: "12345"
                user_prefix: VIG
                user_id: vigie
                password_env: VIGIE_TEST_PASSWORD
                concurrency: 2
              pappers:
                api_token_env: VIGIE_TEST_PASSWORD
                interval: 24h
              altares:
                enabled: false
                base_url: https://example.invalid
                api_key_env: VIGIE_TEST_PASSWORD
              bodacc:
                history_batch: 10
                attempts: 5
            health:
              failing_cycles: 4
              failure_ratio: 0.25
            """
        let configuration = try VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/etc/vigie"), environment: ["VIGIE_TEST_PASSWORD": "s3cret"]).get()
        let creditsafe = try #require(configuration.creditsafe)
        #expect(creditsafe.password == "s3cret")
        #expect(creditsafe.client.rate == 5 && creditsafe.client.timeout == .seconds(20))
        #expect(creditsafe.client.breaker == CircuitBreaker.Configuration(threshold: 8, cooldown: .seconds(60)))
        #expect(creditsafe.monitoring?.portfolio == "Risk" && creditsafe.monitoring?.pageSize == 500)
        let ellisphere = try #require(configuration.ellisphere)
        #expect(ellisphere.api.contractID == "12345" && ellisphere.api.userID == "vigie" && ellisphere.api.password == "s3cret" && ellisphere.concurrency == 2)
        #expect(ellisphere.api.baseURL == "https://services.data-access-gateway.com/1/rest")
        #expect(configuration.pappers?.api.apiToken == "s3cret")
        #expect(configuration.pappers?.api.baseURL == "https://api.pappers.fr/v2")
        #expect(configuration.bodacc?.historyBatch == 10 && configuration.bodacc?.client.attempts == 5)
        #expect(configuration.health == SourceHealthTracker.Configuration(failingCycles: 4, failureRatio: 0.25))
        #expect(configuration.fixture == nil, "naming providers replaces the fixture")
        #expect(configuration.altares == nil, "enabled: false turns a provider off")
        // Billed per report: once a day unless told otherwise; Creditsafe monitors (its default) and is polled every cycle.
        #expect(configuration.sourceIntervals == ["score:pappers": .seconds(86_400), "score:ellisphere": .seconds(86_400)])
    }

    @Test("the bill: monitoring by default where Creditsafe offers it, a day between reports elsewhere, and a daily budget per provider")
    func billDefaults() throws {
        let text = """
            providers:
              creditsafe:
                username: u
                password_env: VIGIE_TEST_PASSWORD
                max_reports_per_day: 500
              pappers:
                api_token: t
                interval: 6h
            """
        let configuration = try VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/"), environment: ["VIGIE_TEST_PASSWORD": "s"]).get()
        #expect(configuration.creditsafe?.monitoring != nil)
        #expect(configuration.sourceIntervals == ["score:pappers": .seconds(6 * 3600)])
        #expect(configuration.reportBudgets == ["score:creditsafe": 500])
        let off = try VigieConfiguration.parse("providers:\n  creditsafe:\n    username: u\n    password: p\n    monitoring: false\n", file: "vigie.yaml", root: URL(fileURLWithPath: "/")).get()
        #expect(off.creditsafe?.monitoring == nil)
        #expect(off.sourceIntervals == ["score:creditsafe": .seconds(86_400)], "without monitoring, a report per company once a day")
    }

    @Test("a credential's block is read whatever the order of its keys, and its other keys need not be text")
    func secretKeyOrder() throws {
        let text = """
            providers:
              creditsafe:
                username: u
                monitoring:
                  portfolio: Vigie
                password_env: VIGIE_TEST_PASSWORD
            channels:
              relay:
                type: email
                to: [risk@example.fr, credit@example.fr]
                from: vigie@example.fr
                host: 127.0.0.1
                port: 25
                security: plain
            """
        let configuration = try VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/"), environment: ["VIGIE_TEST_PASSWORD": "s3cret"]).get()
        #expect(configuration.creditsafe?.password == "s3cret")
        #expect(configuration.channels.map(\.name) == ["relay"])
    }

    @Test("a vigie.yaml with only watchlists runs on the demo scenario wherever it is written")
    func minimalConfiguration() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-minimal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("vigie.yaml").path
        try "watchlists: [\(RepositoryData.repositoryRoot.path)/watchlists]\n".write(toFile: file, atomically: true, encoding: .utf8)
        var configuration = try VigieConfiguration.load(file: file).get()
        configuration.stateDirectory = folder.appendingPathComponent("state").path
        let scenario = try configuration.fixtureScenario(try #require(configuration.fixture))
        #expect(FileManager.default.fileExists(atPath: scenario.appendingPathComponent("steps").path))
        let application = try await VigieApplication(configuration: configuration, logger: Logger(label: "test"))
        defer { application.shutdown() }
        // The scenario's scores, and its insurer's exports and aged balance.
        #expect(application.providers.map(\.name) == ["creditsafe", "insurer:allianz-trade", "receivables"])

        // A scenario the file names, that does not exist, says which key to fix.
        try "providers:\n  fixture:\n    scenario: nowhere\n".write(toFile: file, atomically: true, encoding: .utf8)
        let named = try VigieConfiguration.load(file: file).get()
        await #expect(throws: (any Error).self) { try await VigieApplication(configuration: named, logger: Logger(label: "test")) }
    }

    @Test("on graceful shutdown the poller finishes its cycle and returns")
    func gracefulShutdown() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-service-\(UUID())")
        defer { try? FileManager.default.removeItem(at: state) }
        var configuration = VigieConfiguration(root: RepositoryData.repositoryRoot)
        configuration.stateDirectory = state.path
        configuration.terminal.enabled = false
        configuration.poller.interval = .seconds(3600)
        let application = try await VigieApplication(configuration: configuration, logger: Logger(label: "test"))
        let group = ServiceGroup(services: [application.pollerService()], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Wait for the first cycle to commit, then ask for shutdown during the hour-long wait.
            while try await application.store.cursor(for: "feed:bodacc") == nil { try await Task.sleep(for: .milliseconds(20)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(try await application.store.cursor(for: "feed:bodacc") == "1", "one cycle ran, and no other")
        #expect(try await application.store.alerts(since: nil, limit: nil).count == 3)
    }
}

@Suite("The shipped examples")
struct ExampleConfigurationTests {
    @Test("deploy/vigie.example.yaml and alerts/routes.example.yaml are valid and mean what they say")
    func examples() throws {
        let root = RepositoryData.repositoryRoot
        let secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("teams-url-\(UUID())")
        try "https://prod.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=abc".write(to: secretFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secretFile) }
        let text = try String(contentsOf: root.appendingPathComponent("deploy/vigie.example.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "/etc/vigie/teams-url", with: secretFile.path)
        let environment = ["VIGIE_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/x", "VIGIE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "VIGIE_SMTP_PASSWORD": "p"]
        let configuration = try VigieConfiguration.parse(text, file: "vigie.example.yaml", root: root, environment: environment).get()
        #expect(configuration.channels.map(\.name) == ["risk-slack", "risk-teams", "ops-signed", "credit-mail"])
        #expect(configuration.delivery.retry.maxAttempts == 12)

        let routesText = try String(contentsOf: root.appendingPathComponent("alerts/routes.example.yaml"), encoding: .utf8)
        let router = try RoutesFile.parse(routesText, file: "routes.example.yaml", always: ["log"], channels: Set(configuration.channels.map(\.name) + ["log"])).get()
        #expect(router.routes.count == 2 && router.fallback == "credit-mail")
        #expect(router.routes[0].repeatInterval == .seconds(86_400) && router.routes[0].sendResolved)
        #expect(router.routes[1].repeatInterval == nil && !router.routes[1].sendResolved)
        #expect(router.inhibit == InhibitRule.defaults.map { InhibitRule(name: "insolvency silences weakening", during: $0.during, silenced: $0.silenced) })

        var liquidation = Alert(id: "vg_1", siren: try SIREN("494523335"), companyName: "X", kind: "procedure_converted", severity: .critical, title: "t",
                                evidence: .observation(ObservationEvidence(provider: "p", observedOn: CalendarDay(year: 2026, month: 1, day: 1)!, previousOn: nil, field: "f", old: nil, new: nil)),
                                watch: [WatchContext(watchlist: "key-accounts", owner: nil, tags: [], exposure: nil, insuredLimit: nil)], createdAt: Date())
        #expect(router.channels(for: liquidation) == ["log", "credit-mail", "risk-slack"])
        liquidation.kind = "score_drop"
        liquidation.severity = .warning
        #expect(router.channels(for: liquidation) == ["log", "risk-teams"])
        liquidation.watch = []
        #expect(router.channels(for: liquidation) == ["log", "risk-slack"])
    }

    @Test("inhibit rules: a procedure or kind misspelt is reported at its line; [] silences nothing; none given keeps the defaults")
    func inhibitRules() throws {
        let text = "inhibit:\n  - during: [receivership, bankrupt]\n    silence: [score_drop, score_dorp]\n"
        switch RoutesFile.parse(text, file: "routes.yaml", always: ["log"], channels: ["log"]) {
        case .success: Issue.record("accepted")
        case .failure(let error):
            #expect(error.description.contains("routes.yaml:2: during: \"bankrupt\" is not a procedure; use safeguard, receivership or liquidation"))
            #expect(error.description.contains("routes.yaml:3: silence: \"score_dorp\" is not an alert kind"))
        }
        #expect(try RoutesFile.parse("inhibit: []\n", file: "routes.yaml", always: [], channels: []).get().inhibit.isEmpty)
        #expect(try RoutesFile.parse("default: []\n", file: "routes.yaml", always: [], channels: []).get().inhibit == InhibitRule.defaults)
    }

    @Test("a route naming an undefined channel is reported at its line")
    func undefinedChannel() {
        let text = "routes:\n  - name: x\n    to: [slack-typo]\n"
        switch RoutesFile.parse(text, file: "routes.yaml", always: ["log"], channels: ["log", "risk-slack"]) {
        case .success: Issue.record("accepted")
        case .failure(let error): #expect(error.description.hasPrefix("routes.yaml:3: to: no channel is named slack-typo; define it under channels: in vigie.yaml (defined: log, risk-slack)"))
        }
    }
}

@Suite("What the providers cost")
struct CostEstimateTests {
    @Test("reports a day from intervals, monitoring and budgets, for the watchlists as they are")
    func estimate() throws {
        let text = """
            interval: 15m
            providers:
              creditsafe:
                username: u
                password: p
              pappers:
                api_token: t
                max_reports_per_day: 5000
              ellisphere:
                contract_id: "1"
                user_prefix: A
                user_id: b
                password: c
                interval: 15m
                max_reports_per_day: 50000
            """
        let configuration = try VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/")).get()
        let rows = Dictionary(uniqueKeysWithValues: CostEstimate(configuration: configuration, companies: 10_000, changeRate: 0.02).rows.map { ($0.provider, $0) })
        #expect(rows["creditsafe"]?.dailyReports == 200 && rows["creditsafe"]?.firstDayReports == 10_200)
        #expect(rows["pappers"]?.dailyReports == 10_000 && rows["pappers"]?.overBudget == true)
        #expect(rows["ellisphere"]?.dailyReports == 960_000 && rows["ellisphere"]?.overBudget == true, "every 15 minutes: 96 reports per company a day")
    }
}

@Suite("The severity file")
struct SeverityFileTests {
    @Test("alerts/severity.example.yaml is the defaults, written out")
    func example() throws {
        let text = try String(contentsOf: RepositoryData.repositoryRoot.appendingPathComponent("alerts/severity.example.yaml"), encoding: .utf8)
        #expect(try SeverityFile.parse(text, file: "severity.example.yaml").get() == SeverityRules())
    }

    @Test("a severity, a situation or an amount misspelt is reported at its line; [] raises nothing")
    func mistakes() throws {
        let text = "rules:\n  - name: x\n    when: { situations: [procedur], min_exposure: 10k }\n    severity: urgent\n"
        switch SeverityFile.parse(text, file: "severity.yaml") {
        case .success: Issue.record("accepted")
        case .failure(let error):
            #expect(error.description.contains("severity.yaml:3: situations: \"procedur\" is not a situation; use procedure, cessation or deterioration"))
            #expect(error.description.contains("severity.yaml:3: min_exposure: \"10k\" is not an amount"))
            #expect(error.description.contains("severity.yaml:4: severity: \"urgent\" is not a severity"))
        }
        #expect(try SeverityFile.parse("rules: []\n", file: "severity.yaml").get().rules.isEmpty)
    }

    @Test("a route can ask for a minimum exposure")
    func minExposure() throws {
        let router = try RoutesFile.parse("routes:\n  - when: { min_exposure: 50000 }\n    to: [big]\n", file: "routes.yaml", always: [], channels: ["big"]).get()
        let alert = SeverityRulesTestsSupport.alert(exposure: 182_450)
        #expect(router.channels(for: alert) == ["big"])
        #expect(router.channels(for: SeverityRulesTestsSupport.alert(exposure: 12_480)) == [])
    }

    @Test("a route can ask for a minimum uncovered amount: owed beyond the insurer's limit and the guarantee")
    func minUncovered() throws {
        let router = try RoutesFile.parse("routes:\n  - when: { min_uncovered: 10000 }\n    to: [risk]\n", file: "routes.yaml", always: [], channels: ["risk"]).get()
        var alert = SeverityRulesTestsSupport.alert(exposure: 24_600)
        alert.position = Position(currency: "EUR", owed: 24_600, owedFrom: "receivables", insuredLimit: 5_000, insured: 5_000, insuredBy: "allianz-trade")
        #expect(router.channels(for: alert) == ["risk"])
        alert.position?.guaranteed = 10_000
        #expect(router.channels(for: alert) == [], "9 600 uncovered")
        // Without a position, the watchlist's figures: all of it uncovered when nothing covers it.
        #expect(router.channels(for: SeverityRulesTestsSupport.alert(exposure: 12_480)) == ["risk"])
        #expect(router.channels(for: SeverityRulesTestsSupport.alert(exposure: 9_999)) == [])
    }
}

enum SeverityRulesTestsSupport {
    static func alert(exposure: Decimal) -> Alert {
        Alert(
            id: "vg_x", siren: try! SIREN("337891287"), companyName: "X", kind: "score_drop", severity: .warning, title: "t",
            evidence: .observation(ObservationEvidence(provider: "creditsafe", observedOn: CalendarDay(year: 2026, month: 2, day: 4)!, previousOn: nil, field: "score", old: nil, new: nil)),
            watch: [WatchContext(watchlist: "erp", owner: nil, tags: [], exposure: Money(amount: exposure), insuredLimit: nil)], createdAt: Date(timeIntervalSince1970: 0)
        )
    }
}

@Suite("The actions files")
struct ActionsFileTests {
    @Test("alerts/actions.en.yaml and actions.fr.yaml are the built-in actions, written out to be edited")
    func shipped() throws {
        #expect(try ActionsFile.load(folder: RepositoryData.repositoryRoot.appendingPathComponent("alerts")) == NextActions())
    }

    @Test("an unknown topic is reported at its line; a topic left out keeps its actions; [] says nothing")
    func mistakes() throws {
        var actions = NextActions()
        #expect(throws: ConfigurationError.self) { try ActionsFile.parse("receivership:\n  - a\nreceivrship:\n  - b\n", file: "actions.en.yaml", language: "en", into: &actions) }
        do {
            try ActionsFile.parse("receivrship:\n  - b\n", file: "actions.en.yaml", language: "en", into: &actions)
        } catch {
            #expect(error.description.hasPrefix("actions.en.yaml:1: receivrship: unknown key; did you mean \"receivership\"?"), "\(error.description)")
        }
        try ActionsFile.parse("liquidation: []\ncessation:\n  - Call {officer}\n", file: "actions.en.yaml", language: "en", into: &actions)
        #expect(actions.templates["en"]?[.liquidation] == [])
        #expect(actions.templates["en"]?[.cessation] == ["Call {officer}"])
        #expect(actions.templates["en"]?[.receivership] == NextActions.defaults["en"]?[.receivership])
    }
}

@Suite("On-call channels in vigie.yaml")
struct IncidentChannelConfigurationTests {
    @Test("pagerduty and opsgenie take their key from the environment and default to the service's URL; without a key, the line says what is missing")
    func incidentChannels() throws {
        let text = "channels:\n  on-call:\n    type: pagerduty\n    secret_env: PD_KEY\n  genie:\n    type: opsgenie\n    url: https://api.eu.opsgenie.com\n    secret_env: OG_KEY\n"
        let configuration = try VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/"), environment: ["PD_KEY": "k1", "OG_KEY": "k2"]).get()
        guard case .webhook(_, .pagerduty, let url, let secret, _) = configuration.channels[0] else { Issue.record("not pagerduty"); return }
        #expect(url == PagerDutyFormat.defaultURL && secret == "k1")
        guard case .webhook(_, .opsgenie, let genieURL, _, _) = configuration.channels[1] else { Issue.record("not opsgenie"); return }
        #expect(genieURL == "https://api.eu.opsgenie.com")
        switch VigieConfiguration.parse("channels:\n  on-call:\n    type: pagerduty\n", file: "vigie.yaml", root: URL(fileURLWithPath: "/"), environment: [:]) {
        case .success: Issue.record("accepted")
        case .failure(let error): #expect(error.description.contains("vigie.yaml:2: on-call: a pagerduty channel needs secret, secret_env or secret_file (the integration's routing key)"), "\(error.description)")
        }
    }
}

@Suite("cases: in vigie.yaml")
struct CaseSettingsConfigurationTests {
    @Test("claims months, reminders and the mass-shift guard are read; a claims period the law does not give is refused at its line")
    func settings() throws {
        let text = "cases:\n  claims_months: 4\n  claims_reminders: [21, 7, 1]\n  mass_shift_percent: 30\n  mass_shift_min_companies: 50\n"
        let configuration = try VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/"), environment: [:]).get()
        #expect(configuration.cases.claimsMonths == 4)
        #expect(configuration.cases.claimsReminderDays == [21, 7, 1])
        #expect(configuration.cases.massShift == MassShiftGuard(share: 0.3, minimumCompanies: 50))
        switch VigieConfiguration.parse("cases:\n  claims_months: 3\n", file: "vigie.yaml", root: URL(fileURLWithPath: "/"), environment: [:]) {
        case .success: Issue.record("accepted")
        case .failure(let error): #expect(error.description.contains("vigie.yaml:2: claims_months: claims_months is 2 (art. R622-24), or 4 for a creditor outside metropolitan France"), "\(error.description)")
        }
    }
}

@Suite("API tokens in vigie.yaml")
struct APITokenConfigurationTests {
    @Test("tokens by reference with a role; a token written in the file, a short one, an unknown role or a missing name are refused at their line")
    func tokens() throws {
        let secret = "0123456789abcdef0123456789abcdef"
        let text = "http:\n  listen: 127.0.0.1:8080\n  tokens:\n    - name: dashboard\n      token_env: T1\n    - name: ops\n      role: operator\n      token_env: T2\n"
        let configuration = try VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/"), environment: ["T1": secret, "T2": secret + "x"]).get()
        #expect(configuration.http?.tokens.map(\.name) == ["dashboard", "ops"])
        #expect(configuration.http?.tokens.map(\.role) == [.viewer, .operator])
        let access = APIAccess(tokens: configuration.http?.tokens ?? [])
        #expect(access.token(authorization: "Bearer \(secret)x")?.name == "ops")
        #expect(access.token(authorization: "Bearer \(secret)y") == nil)
        #expect(access.token(authorization: secret) == nil, "a token without its scheme is no token")
        let bad = "http:\n  tokens:\n    - name: a\n      token: \(secret)\n    - name: b\n      token_env: SHORT\n    - name: c\n      role: root\n      token_env: T1\n    - token_env: T1\n"
        switch VigieConfiguration.parse(bad, file: "vigie.yaml", root: URL(fileURLWithPath: "/"), environment: ["T1": secret, "SHORT": "abc"]) {
        case .success: Issue.record("accepted")
        case .failure(let error):
            let text = error.description
            #expect(text.contains("vigie.yaml:3: token: a token is a secret: give it by reference, token_env or token_file, never in vigie.yaml"), "\(text)")
            #expect(text.contains("vigie.yaml:5: tokens: token b is shorter than 24 characters"), "\(text)")
            #expect(text.contains("vigie.yaml:7: role: \"root\" is not a role; use viewer, operator or admin"), "\(text)")
            #expect(text.contains("vigie.yaml:10: tokens: a token needs a name"), "\(text)")
            #expect(!text.contains(secret), "the token never shows in a message")
        }
    }
}
