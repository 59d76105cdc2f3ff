import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import VigieCore
import VigieRuntime
import VigieTestSupport
import VigieTransport

/// The API over real HTTP on loopback, after the demo walk: tokens and roles, cases and their
/// actions, alerts, companies, sources, deliveries; every exchange checked against the served
/// OpenAPI document with openapi-core (which validates the document itself first).
@Suite("The HTTP API")
struct APITests {
    static let viewerToken = "viewer-0123456789abcdef0123456789abcdef"
    static let operatorToken = "operator-0123456789abcdef0123456789abcdef"

    /// One request and its answer, as `check_contract.py` reads them.
    struct Exchange: Encodable {
        var path: String
        var method: String
        var body: String
        var headers: [String: String]
        var status: Int
        var answer: String
        var content_type: String?
        /// Sent wrong on purpose: only the answer is checked against the document.
        var invalid_request: Bool
    }

    final class Client: Sendable {
        let base: String
        let transport = CurlTransport()
        let exchanges = Mutex<[Exchange]>([])

        init(base: String) {
            self.base = base
        }

        deinit { transport.shutdown() }

        /// Sends a request; records it for the contract check; returns the status and the JSON.
        @discardableResult
        func send(_ method: String, _ path: String, token: String? = APITests.viewerToken, body: [String: Any]? = nil) async throws -> (status: Int, json: [String: Any]) {
            var headers: [(name: String, value: String)] = []
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            let data = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
            if body != nil { headers.append(("Content-Type", "application/json")) }
            let response = try await transport.send(HTTPRequest(method: method, url: base + path, headers: headers, body: Array(data)))
            exchanges.withLock {
                $0.append(Exchange(
                    path: path, method: method, body: data.base64EncodedString(), headers: Dictionary(headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first }),
                    status: response.status, answer: Data(response.body).base64EncodedString(), content_type: response.headers["content-type"],
                    invalid_request: response.status == 400 || response.status == 401
                ))
            }
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
            return (response.status, json)
        }
    }

    /// Serves `application`'s HTTP on a free loopback port for `body`, given the root URL.
    static func serving(_ application: VigieApplication, _ body: @Sendable (String) async throws -> Void) async throws {
        let port = Mutex(0)
        let server = try #require(application.healthService { chosen in port.withLock { $0 = chosen } })
        let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
            try await body("http://127.0.0.1:\(port.withLock { $0 })")
        }
    }

    @Test("after the demo walk: 401 without a token, 403 for a viewer's action; cases by money at stake, paged; an operator acknowledges, the audit names the token; every answer matches the document")
    func demoWalk() async throws {
        let state = DemoWalkTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: state) }
        let clock = ManualWallClock()
        var configuration = DemoWalkTests.configuration(state: state)
        configuration.http = .init(host: "127.0.0.1", port: 0, tokens: [
            APIToken(name: "dashboard", role: .viewer, secret: Self.viewerToken), APIToken(name: "ops-console", role: .operator, secret: Self.operatorToken),
        ])
        let application = try await VigieApplication(configuration: configuration, clock: clock, logger: Logger(label: "test"))
        defer { application.shutdown() }
        _ = try await DemoWalkTests.walk(application, clock: clock, cycles: 5)
        try await Self.serving(application) { root in
            let client = Client(base: root + "/api/v1")

            #expect(try await client.send("GET", "/cases", token: nil).status == 401)
            #expect(try await client.send("GET", "/cases", token: "not-a-token-at-all-0000000000").status == 401)
            let cases = try await client.send("GET", "/cases?state=active")
            #expect(cases.status == 200)
            let list = try #require(cases.json["cases"] as? [[String: Any]])
            #expect(list.map { $0["company"] as? String } == ["GAMM VERT", "FRIZY", "PASARGAD", "ENTREPRISE EDOUIN ERIC", "SCI DES QUATRE SAISONS", "LE JULES VERNE", "LE JULES VERNE"])
            #expect(cases.json["next_cursor"] is NSNull)

            let first = try await client.send("GET", "/cases?state=active&limit=3")
            let cursor = try #require(first.json["next_cursor"] as? String)
            let second = try await client.send("GET", "/cases?state=active&limit=3&cursor=\(cursor)")
            #expect((second.json["cases"] as? [[String: Any]])?.first?["company"] as? String == "ENTREPRISE EDOUIN ERIC")
            #expect(try await client.send("GET", "/cases?severity=urgent").status == 400)
            let keyAccountCases = try #require(try await client.send("GET", "/cases?state=active&watchlist=key-accounts").json["cases"] as? [[String: Any]])
            #expect(Set(keyAccountCases.compactMap { $0["company"] as? String }) == ["GAMM VERT", "ENTREPRISE EDOUIN ERIC", "LE JULES VERNE"])
            #expect((try await client.send("GET", "/alerts?watchlist=erp-export&kind=procedure_opened").json["alerts"] as? [[String: Any]])?.count == 2)

            let pasargad = try #require(list.first { $0["company"] as? String == "PASARGAD" }?["id"] as? String)
            let shown = try await client.send("GET", "/cases/\(pasargad)")
            #expect((shown.json["facts"] as? [[String: Any]])?.map { $0["disposition"] as? String } == [
                "notified", "notified", "notified", "notified", "inhibited", "inhibited", "inhibited", "inhibited",
            ])
            #expect(((shown.json["next_actions"] as? [String: Any])?["fr"] as? [String])?.count == 4)
            #expect(try await client.send("POST", "/cases/\(pasargad)/ack", body: ["note": "x"]).status == 403, "a viewer cannot act")
            let acked = try await client.send("POST", "/cases/\(pasargad)/ack", token: Self.operatorToken, body: ["note": "calling the mandataire"])
            #expect(acked.status == 200)
            #expect((acked.json["case"] as? [String: Any])?["state"] as? String == "acknowledged")
            #expect(try await client.send("POST", "/cases/\(pasargad)/ack", token: Self.operatorToken).status == 409, "already acknowledged")
            #expect(try await client.send("POST", "/cases/\(pasargad)/assign", token: Self.operatorToken, body: [:]).status == 422)
            #expect(try await client.send("POST", "/cases/\(pasargad)/snooze", token: Self.operatorToken, body: ["until": "2099-01-01"]).status == 200)
            let audit = try #require(try await client.send("GET", "/cases/\(pasargad)").json["audit"] as? [[String: Any]])
            #expect(audit.map { $0["action"] as? String } == ["opened", "absorbed", "acknowledge", "snooze"])
            #expect(audit.map { $0["actor"] as? String } == ["vigie", "vigie", "ops-console", "ops-console"])
            #expect(audit[2]["note"] as? String == "calling the mandataire")
            #expect(try await client.send("GET", "/cases/vc_nothing").status == 404)

            let alerts = try await client.send("GET", "/alerts?severity=critical")
            #expect((alerts.json["alerts"] as? [[String: Any]])?.allSatisfy { $0["severity"] as? String == "critical" } == true)
            let alertID = try #require((alerts.json["alerts"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await client.send("GET", "/alerts/\(alertID)").status == 200)
            let company = try await client.send("GET", "/companies/881843924")
            #expect(company.json["company"] as? String == "PASARGAD")
            // Its weakening case, resolved into the receivership's, and the receivership's.
            #expect((company.json["cases"] as? [[String: Any]])?.count == 2)
            #expect(try await client.send("GET", "/companies/12345").status == 400)
            #expect((try await client.send("GET", "/sources").json["sources"] as? [[String: Any]])?.isEmpty == false)
            #expect(try await client.send("GET", "/deliveries/dead").status == 200)
            #expect((try await client.send("GET", "/deliveries/pending").json["deliveries"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["case_acknowledged"])
            let portfolio = try #require(try await client.send("GET", "/watchlists").json["watchlists"] as? [[String: Any]])
            let keyAccounts = try #require(portfolio.first { $0["name"] as? String == "key-accounts" })
            #expect((keyAccounts["largest"] as? [[String: Any]])?.first?["name"] as? String == "GAMM VERT")
            #expect((keyAccounts["largest"] as? [[String: Any]])?.first?["band"] as? String == "B", "78 → 52: band B")
            #expect((keyAccounts["by_band"] as? [String: Any])?.isEmpty == false)
            // The ERP export's list: PASARGAD owes what its aged balance says, 19 600 of it uncovered.
            let erp = try #require(portfolio.first { $0["name"] as? String == "erp-export" })
            let owing = try #require((erp["largest"] as? [[String: Any]])?.first { $0["siren"] as? String == "881843924" })
            #expect((owing["exposure"] as? String, owing["uncovered"] as? String) == ("24600", "19600"))
            #expect((erp["uncovered"] as? [String: String])?["EUR"] != nil)
            #expect(try await client.send("POST", "/deliveries/redeliver", token: Self.operatorToken, body: ["all": true]).json["queued"] as? Int == 0)
            #expect(try await client.send("POST", "/deliveries/redeliver", token: Self.operatorToken, body: [:]).status == 422)

            // The document, as served, validated; every exchange above checked against it.
            let document = try await client.transport.send(HTTPRequest(method: "GET", url: client.base + "/openapi.yaml"))
            #expect(document.status == 200)
            let spec = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-openapi-\(UUID()).yaml")
            defer { try? FileManager.default.removeItem(at: spec) }
            try Data(document.body).write(to: spec)
            let exchanges = try JSONEncoder().encode(client.exchanges.withLock { $0 }.map { exchange in
                var exchange = exchange
                exchange.path = "/api/v1" + exchange.path
                return exchange
            })
                        let report = String(decoding: try TestServer.run("check_contract.py", arguments: [spec.path, "/api/v1"], input: exchanges, allowFailure: true), as: UTF8.self)
            #expect(!report.contains("FAIL"), "\(report)")
            #expect(report.split(separator: "\n").count == client.exchanges.withLock { $0.count })

            // /metrics, parsed by the official prometheus_client: what the walk did, no company in a label.
            let scrape = try await client.transport.send(HTTPRequest(method: "GET", url: root + "/metrics"))
            #expect(scrape.status == 200)
            let parsed = try TestServer.run("parse_metrics.py", input: Data(scrape.body))
            let samples = try #require(try JSONSerialization.jsonObject(with: parsed) as? [[String: Any]])
            func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
                samples.first { sample in
                    sample["name"] as? String == name && labels.allSatisfy { label in (sample["labels"] as? [String: String])?[label.key] == label.value }
                }?["value"] as? Double
            }
            #expect(value("vigie_companies_watched") == 7)
            #expect(value("vigie_cycle_duration_seconds_count") == 5)
            #expect(value("vigie_alerts_raised_total", ["kind": "procedure_converted", "severity": "critical"]) == 1)
            #expect(value("vigie_cases_open", ["severity": "critical"]) == 3)
            #expect(value("vigie_cases_open", ["severity": "warning"]) == 0)
            #expect(value("vigie_deliveries_total", ["channel": "log", "outcome": "delivered"]) == 11)
            #expect(value("vigie_outbox_pending", ["channel": "log"]) == 1, "the acknowledgement, waiting for the dispatcher")
            #expect(value("vigie_channel_up", ["channel": "log"]) == 1)
            #expect(value("vigie_source_healthy", ["source": "score:creditsafe"]) == 1)
            #expect(value("vigie_provider_requests_total", ["source": "score:creditsafe", "outcome": "answered", "reason": "none"]) == 35, "7 companies × 5 cycles")
            #expect(value("vigie_provider_paused", ["source": "score:creditsafe"]) == 0)
            #expect((value("vigie_store_bytes") ?? 0) > 0)
            let labels = samples.flatMap { ($0["labels"] as? [String: String] ?? [:]).values }
            #expect(!labels.contains { $0.contains("PASARGAD") || $0.contains("881843924") || $0.contains(Self.viewerToken) })
        }
    }
}

extension APITests {
    @Test("reload: a changed routes file takes effect; one with an error is refused at its line and the running routes kept; only an admin may ask")
    func reload() async throws {
        let folder = DemoWalkTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("alerts"), withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("vigie.yaml")
        try "state_dir: state\nwatchlists: []\nchannels:\n  terminal:\n    enabled: false\n".write(to: config, atomically: true, encoding: .utf8)
        let routes = folder.appendingPathComponent("alerts/routes.yaml")
        try "routes:\n  - name: first\n    to: [log]\n".write(to: routes, atomically: true, encoding: .utf8)
        var configuration = try VigieConfiguration.load(file: config.path, secrets: .deferred).get()
        configuration.http = .init(host: "127.0.0.1", port: 0, tokens: [
            APIToken(name: "ops", role: .operator, secret: Self.operatorToken), APIToken(name: "admin", role: .admin, secret: Self.viewerToken + "admin"),
        ])
        let application = try await VigieApplication(configuration: configuration, clock: ManualWallClock(), logger: Logger(label: "test"))
        defer { application.shutdown() }
        #expect(application.policy.router.routes.map(\.name) == ["first"])

        try await Self.serving(application) { root in
            let client = Client(base: root)
            try "routes:\n  - name: second\n    to: [log]\n".write(to: routes, atomically: true, encoding: .utf8)
            #expect(try await client.send("POST", "/-/reload", token: Self.operatorToken).status == 403)
            let reloaded = try await client.send("POST", "/-/reload", token: Self.viewerToken + "admin")
            #expect(reloaded.status == 200)
            #expect(application.policy.router.routes.map(\.name) == ["second"])

            try "routes:\n  - name: third\n    to: [nowhere]\n".write(to: routes, atomically: true, encoding: .utf8)
            let refused = try await client.send("POST", "/-/reload", token: Self.viewerToken + "admin")
            #expect(refused.status == 422)
            #expect((refused.json["error"] as? String)?.contains("routes.yaml:3: to: no channel is named nowhere") == true, "\(refused.json)")
            #expect(application.policy.router.routes.map(\.name) == ["second"], "the running routes are kept")
        }
    }
}

/// The dashboard in a real browser: headless Chromium driven by Playwright, over the demo walk
/// with one company renamed `<img src=x onerror=alert(1)>`.
@Suite("The web dashboard")
struct DashboardTests {
    @Test("sign in with the keyboard; the inbox by money at stake; acknowledge a case and it leaves the inbox; a company's chart; every page in English and French; no script runs from a name; no form without CSRF")
    func browse() async throws {
        let state = DemoWalkTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: state) }
        let lists = state.appendingPathComponent("watchlists")
        try FileManager.default.createDirectory(at: lists, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: RepositoryData.repositoryRoot.appendingPathComponent("watchlists").path) {
            let text = try String(contentsOf: RepositoryData.repositoryRoot.appendingPathComponent("watchlists/\(file)"), encoding: .utf8)
                .replacingOccurrences(of: ";FRIZY;", with: ";<img src=x onerror=alert(1)>;")
            try text.write(to: lists.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let clock = ManualWallClock()
        var configuration = DemoWalkTests.configuration(state: state)
        configuration.watchlists = [lists.path]
        configuration.http = .init(host: "127.0.0.1", port: 0, tokens: [APIToken(name: "ops-console", role: .operator, secret: APITests.operatorToken)])
        let application = try await VigieApplication(configuration: configuration, clock: clock, logger: Logger(label: "test"))
        defer { application.shutdown() }
        _ = try await DemoWalkTests.walk(application, clock: clock, cycles: 5)
        try await APITests.serving(application) { root in
            let shots = ProcessInfo.processInfo.environment["VIGIE_SCREENSHOTS"].map { [$0] } ?? []
            let output = try TestServer.run("browse_dashboard.py", arguments: [root, APITests.operatorToken, "PASARGAD", "337891287"] + shots)
            let report = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
            #expect(report["redirected_to_login"] as? Bool == true)
            #expect(report["wrong_token_refused"] as? Bool == true)
            let cookie = try #require((report["cookie"] as? [[String: Any]])?.first)
            #expect(cookie["httpOnly"] as? Bool == true && cookie["sameSite"] as? String == "Strict" && cookie["path"] as? String == "/ui")
            let inbox = try #require(report["inbox"] as? [String])
            #expect(inbox.first == "GAMM VERT", "the most money at stake first: \(inbox)")
            #expect(inbox.contains("<img src=x onerror=alert(1)>"), "the name shows as text: \(inbox)")
            #expect(inbox.contains("PASARGAD"))
            let text = try #require(report["inbox_text"] as? String)
            #expect(!text.contains("nil") && !text.contains("Optional"), "no missing value shows as nil: \(text)")
            #expect(text.contains("Declare the claim by 2026-04-05"))
            #expect(report["case_has_deadline"] as? Bool == true)
            #expect((report["case_has_actions"] as? Int ?? 0) >= 4)
            // PASARGAD's money at stake: owed by the aged balance, covered by the insurer's cut limit.
            let money = try #require(report["case_money"] as? String)
            #expect(money.contains("24,600 EUR") && money.contains("5,000 EUR") && money.contains("Allianz Trade") && money.contains("19,600 EUR"), "\(money)")
            #expect((report["case_claim"] as? String)?.contains("21,900 EUR (aged balance of 2025-12-31)") == true, "\(report["case_claim"] ?? "")")
            #expect(report["after_ack"] as? String == "Acknowledged.")
            #expect(!((report["inbox_after_ack"] as? [String]) ?? ["PASARGAD"]).contains("PASARGAD"), "acknowledged, it leaves the inbox")
            #expect((report["chart_lines"] as? Int ?? 0) >= 1 && (report["chart_points"] as? Int ?? 0) >= 2)
            #expect((report["pages"] as? [String: String]) == ["portfolio": "Portfolio", "sources": "Sources", "deliveries": "Deliveries", "fr_inbox": "À traiter"])
            #expect((report["dialogs"] as? [String]) == [], "no script ran")
            // A refused sign-in (401) and the absent favicon (404) are answers, not script errors.
            #expect((report["console_errors"] as? [String])?.filter { !$0.hasPrefix("Failed to load resource") } == [])
            #expect(report["csrf_missing_status"] as? Int == 403)
        }
        let audit = try await application.store.caseEntries(caseID: Case.id(siren: try SIREN("881843924"), situation: .procedure))
        #expect(audit.last?.actor == "ops-console" && audit.last?.note == "calling the mandataire")
    }
}

extension APITests {
    @Test("reload rebuilds the channels with the new templates: the next delivery uses them")
    func reloadTemplates() async throws {
        let folder = DemoWalkTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let templates = folder.appendingPathComponent("alerts/templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        let receiver = try WebhookReceiver()
        let config = folder.appendingPathComponent("vigie.yaml")
        try "state_dir: state\nwatchlists: []\nchannels:\n  terminal:\n    enabled: false\n  chat:\n    type: slack\n    url: \(receiver.url)\n".write(to: config, atomically: true, encoding: .utf8)
        try "FIRST {{title}}".write(to: templates.appendingPathComponent("slack.text.mustache"), atomically: true, encoding: .utf8)
        let application = try await VigieApplication(configuration: try VigieConfiguration.load(file: config.path).get(), clock: ManualWallClock(), logger: Logger(label: "test"))
        defer { application.shutdown() }
        func deliver(_ notice: String) async throws {
            let alert = SQLiteStoreTestsSupport.alert(notice)
            var commit = CycleCommit(snapshots: [], observations: [], alertChanges: [.raised(alert)], notices: [], cursors: [:], router: VigieCore.Router(always: []), at: Date(timeIntervalSince1970: 0))
            commit.destinations[alert.id] = [VigieCore.Router.Destination(channel: "chat")]
            _ = try await application.store.commit(commit)
            _ = try await application.dispatcher.drain()
        }
        try await deliver("N1")
        try "SECOND {{title}}".write(to: templates.appendingPathComponent("slack.text.mustache"), atomically: true, encoding: .utf8)
        let report = try application.reload()
        #expect(report.needRestart.isEmpty)
        try await deliver("N2")
        let bodies = try await receiver.requests().map(\.body)
        #expect(bodies.count == 2)
        #expect(bodies.first?.contains("FIRST") == true && bodies.last?.contains("SECOND") == true, "\(bodies)")
    }
}

/// An alert for the tests that write the store directly.
enum SQLiteStoreTestsSupport {
    static func alert(_ notice: String) -> Alert {
        let siren = try! SIREN("881843924")
        let evidence = NoticeEvidence(
            notice: BodaccNotice(id: notice, kind: .initial, published: CalendarDay(year: 2026, month: 2, day: 5), sirens: [siren], companyName: "PASARGAD", judgment: nil),
            classification: NoticeClassification(event: .opened, procedure: .receivership, statusAfter: .receivership, severity: .critical)
        )
        return Alert(
            id: AlertIdentity.id(siren: siren, kind: "procedure_opened", evidenceKey: "notice:\(notice)"), siren: siren, companyName: "PASARGAD",
            kind: "procedure_opened", severity: .critical, title: "Receivership opened \(notice)", evidence: .notice(evidence), watch: [], createdAt: Date(timeIntervalSince1970: 0)
        )
    }
}
