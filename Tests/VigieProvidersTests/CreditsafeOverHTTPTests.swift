import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import VigieCore
import VigieMock
@testable import VigieProviders
import VigieTestSupport
import VigieTransport

/// Runs `vigie mock-provider`'s server in-process on a free loopback port, serving the demo
/// scenario, for the duration of `body`, with a transport to steer it.
func withMockProvider<T: Sendable>(_ configure: (inout MockProviderServer.Configuration) -> Void = { _ in }, _ body: @Sendable (_ baseURL: String, _ control: CurlTransport) async throws -> T) async throws -> T {
    var configuration = MockProviderServer.Configuration(scenario: RepositoryData.repositoryRoot.appendingPathComponent("scenarios/demo"))
    configure(&configuration)
    return try await MockProviderServer.serving(configuration) { baseURL in
        let control = CurlTransport()
        defer { control.shutdown() }
        return try await body(baseURL, control)
    }
}

@Suite("Creditsafe over HTTP against vigie mock-provider")
struct CreditsafeOverHTTPTests {
    static let sirens = ["337891287", "300254471", "494814452", "880878145", "843703869", "881843924", "494523335"].map { try! SIREN($0) }

    static func provider(_ baseURL: String, password: String = "demo", configure: (inout CreditsafeProvider.Configuration) -> Void = { _ in }) -> (CreditsafeProvider, CurlTransport) {
        var configuration = CreditsafeProvider.Configuration(baseURL: baseURL + "/creditsafe", username: "demo", password: password)
        configuration.client.backoff = .milliseconds(20)
        configure(&configuration)
        let transport = CurlTransport()
        return (CreditsafeProvider(configuration: configuration, transport: transport), transport)
    }

    static func advance(_ baseURL: String, _ control: CurlTransport) async throws {
        _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/advance"))
    }

    @Test("the score series served by the mock becomes the expected alerts")
    func scoreSeries() async throws {
        let kinds = try await withMockProvider { baseURL, control in
            let (provider, transport) = Self.provider(baseURL)
            defer { transport.shutdown() }
            let watch = WatchSet([Watchlist(name: "all", file: "-", entries: Self.sirens.map { WatchEntry(identifier: $0.digits, siren: $0) })])
            var snapshots: SnapshotTable = [:]
            var perStep: [[String]] = []
            for step in 0..<5 {
                if step > 0 { try await Self.advance(baseURL, control) }
                let poll = try await provider.poll(Self.sirens, cursor: nil)
                #expect(poll.failures.isEmpty, "\(poll.failures)")
                #expect(poll.observations.count == 7)
                let outcome = WatchEngine.evaluate(.init(watch: watch, observations: poll.observations, notices: [], snapshots: snapshots, priorAlerts: [:], now: Date()))
                for snapshot in outcome.snapshots { snapshots[snapshot.key] = snapshot }
                perStep.append(outcome.alertChanges.map { "\($0.alert.subjectKey) \($0.alert.kind)" }.sorted())
            }
            return perStep
        }
        #expect(kinds == [
            ["494814452 company_in_failure", "494814452 company_struck_off"],
            ["337891287 credit_limit_cut", "337891287 score_drop"],
            [],
            ["881843924 credit_limit_cut", "881843924 score_drop"],
            ["300254471 credit_limit_cancelled"],
        ])
    }

    static func stats(_ baseURL: String, _ control: CurlTransport) async throws -> [String: Int] {
        let body = try await control.send(HTTPRequest(method: "GET", url: baseURL + "/_mock/stats")).body
        return (try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]).compactMapValues { $0 as? Int }
    }

    @Test("monitoring: the portfolio follows the watchlist, and only companies with events are fetched; the same alerts come out")
    func monitoring() async throws {
        let (kinds, reports, stats) = try await withMockProvider { baseURL, control in
            let (provider, transport) = Self.provider(baseURL) { configuration in
                var monitoring = CreditsafeProvider.Configuration.Monitoring()
                monitoring.overlap = .zero
                monitoring.pageSize = 2
                configuration.monitoring = monitoring
            }
            defer { transport.shutdown() }
            let watch = WatchSet([Watchlist(name: "all", file: "-", entries: Self.sirens.map { WatchEntry(identifier: $0.digits, siren: $0) })])
            var snapshots: SnapshotTable = [:]
            var perStep: [[String]] = []
            var reports: [Int] = []
            var cursor: String?
            for step in 0..<5 {
                if step > 0 {
                    try await Self.advance(baseURL, control)
                    // Event dates and startDate are whole seconds: an event in the same second as the
                    // poll after it would be read again by the next one (harmless, not what this counts).
                    try await Task.sleep(for: .milliseconds(1050))
                }
                let before = try await Self.stats(baseURL, control)["reports"] ?? 0
                let poll = try await provider.poll(Self.sirens, cursor: cursor)
                #expect(poll.failures.isEmpty, "\(poll.failures)")
                cursor = poll.cursor
                reports.append((try await Self.stats(baseURL, control)["reports"] ?? 0) - before)
                let outcome = WatchEngine.evaluate(.init(watch: watch, observations: poll.observations, notices: [], snapshots: snapshots, priorAlerts: [:], now: Date()))
                for snapshot in outcome.snapshots { snapshots[snapshot.key] = snapshot }
                perStep.append(outcome.alertChanges.map { "\($0.alert.subjectKey) \($0.alert.kind)" }.sorted())
            }
            // A company leaves the watchlist: it leaves the portfolio.
            _ = try await provider.poll(Array(Self.sirens.dropLast()), cursor: cursor)
            return (perStep, reports, try await Self.stats(baseURL, control))
        }
        #expect(kinds == [
            ["494814452 company_in_failure", "494814452 company_struck_off"],
            ["337891287 credit_limit_cut", "337891287 score_drop"],
            [],
            ["881843924 credit_limit_cut", "881843924 score_drop"],
            ["300254471 credit_limit_cancelled"],
        ])
        // Baseline: all 7; then only the companies whose report changed (GAMM VERT; GAMM VERT and
        // PASARGAD; EDOUIN and Ganymède), against 7 per step without monitoring.
        #expect(reports == [7, 1, 0, 2, 2])
        #expect(stats["portfolio_added"] == 7)
        #expect(stats["portfolio_removed"] == 1)
        #expect((stats["events_pages"] ?? 0) >= 4, "events are read page by page")
    }

    @Test("a token expiring mid-cycle is renewed and the cycle completes")
    func tokenExpiry() async throws {
        let (observations, tokens) = try await withMockProvider({ $0.tokenRequests = 3 }) { baseURL, control in
            let (provider, transport) = Self.provider(baseURL) { $0.concurrency = 1 }
            defer { transport.shutdown() }
            let poll = try await provider.poll(Self.sirens, cursor: nil)
            #expect(poll.failures.isEmpty, "\(poll.failures)")
            let stats = try JSONSerialization.jsonObject(with: Data(try await control.send(HTTPRequest(method: "GET", url: baseURL + "/_mock/stats")).body)) as! [String: Any]
            return (poll.observations.count, stats["tokens"] as? Int ?? 0)
        }
        #expect(observations == 7)
        #expect(tokens >= 4, "14 requests with tokens good for 3 each need at least 4 tokens, got \(tokens)")
    }

    @Test("faults: 500s and 429s are retried, a cut JSON is a counted failure, never a value")
    func faults() async throws {
        let poll = try await withMockProvider({ $0.faults.failEvery = 4; $0.faults.throttleEvery = 7; $0.faults.malformedEvery = 3 }) { baseURL, _ in
            let (provider, transport) = Self.provider(baseURL) { configuration in
                configuration.concurrency = 1
                configuration.client.attempts = 4
            }
            defer { transport.shutdown() }
            return try await provider.poll(Self.sirens, cursor: nil)
        }
        #expect(poll.observations.count + poll.failures.count == 7)
        #expect(poll.failures.count == 2, "every third report is cut: \(poll.failures.map(\.message))")
        #expect(poll.failures.allSatisfy { $0.message.contains("not a Creditsafe company report") })
        #expect(poll.observations.allSatisfy { $0.provider == "creditsafe" })
    }

    @Test("an empty 200 and a 10 MB body are counted failures, never values")
    func emptyAndHuge() async throws {
        let poll = try await withMockProvider({ $0.faults.emptyEvery = 3; $0.faults.hugeEvery = 5 }) { baseURL, _ in
            let (provider, transport) = Self.provider(baseURL) { $0.concurrency = 1 }
            defer { transport.shutdown() }
            return try await provider.poll(Self.sirens, cursor: nil)
        }
        // Reports 3 and 6 are empty, report 5 is 10 MB: the transport's 1 MiB default cap refuses it.
        #expect(poll.failures.count == 3, "\(poll.failures.map(\.message))")
        #expect(poll.failures.contains { $0.message.contains("response_too_large") })
        #expect(poll.observations.count == 4)
    }

    @Test("wrong credentials stop the poll with a clear error, without the password")
    func credentials() async throws {
        let message = try await withMockProvider { baseURL, _ in
            let (provider, transport) = Self.provider(baseURL, password: "not-the-password-77")
            defer { transport.shutdown() }
            do {
                _ = try await provider.poll(Self.sirens, cursor: nil)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(message.contains("Creditsafe refused the username and password (HTTP 401)"))
        #expect(!message.contains("not-the-password-77"))
    }
}

@Suite("Creditsafe monitoring as the contract says")
struct CreditsafeMonitoringContractTests {
    /// Signs in and calls the mock as any client would, outside Vigie.
    static func call(_ control: CurlTransport, _ baseURL: String, _ method: String, _ path: String, body: Any? = nil) async throws -> Any? {
        let token = try await control.send(HTTPRequest(url: baseURL + "/creditsafe/authenticate", headers: [("Content-Type", "application/json")], body: Array(#"{"username": "demo", "password": "demo"}"#.utf8)))
        let bearer = try #require((try JSONSerialization.jsonObject(with: Data(token.body)) as? [String: Any])?["token"] as? String)
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let response = try await control.send(HTTPRequest(
            method: method, url: baseURL + "/creditsafe" + path, headers: [("Authorization", "Bearer \(bearer)"), ("Content-Type", "application/json")], body: data.map(Array.init) ?? []
        ))
        return try? JSONSerialization.jsonObject(with: Data(response.body))
    }

    static func events(_ control: CurlTransport, _ baseURL: String, since: String, byCreatedDate: Bool) async throws -> Int {
        let query = "startDate=\(since)\(byCreatedDate ? "&filterByCreatedDate=true" : "")&pageSize=100"
        return ((try await call(control, baseURL, "GET", "/monitoring/notificationEvents?\(query)") as? [String: Any])?["totalCount"] as? Int) ?? -1
    }

    @Test("a portfolio's events flow only once its rules are on; Vigie turns them on, reads by creation date, and finds its portfolio again")
    func eventRules() async throws {
        try await withMockProvider { baseURL, control in
            // Someone else's client made the portfolio: rules off, as Creditsafe creates them.
            let created = try #require(try await Self.call(control, baseURL, "POST", "/monitoring/portfolios", body: ["name": "Vigie"]) as? [String: Any])
            let portfolio = try #require(created["portfolioId"] as? Int)
            for siren in CreditsafeOverHTTPTests.sirens {
                _ = try await Self.call(control, baseURL, "POST", "/monitoring/portfolios/\(portfolio)/companies", body: ["id": "FR-X-\(MockSIRET.headOffice(siren))"])
            }
            try await CreditsafeOverHTTPTests.advance(baseURL, control)
            #expect(try await Self.events(control, baseURL, since: "2000-01-01T00:00:00Z", byCreatedDate: true) == 0, "no rule on: no event")

            let (provider, transport) = CreditsafeOverHTTPTests.provider(baseURL) { $0.monitoring = CreditsafeProvider.Configuration.Monitoring() }
            defer { transport.shutdown() }
            let first = try await provider.poll(CreditsafeOverHTTPTests.sirens, cursor: nil)
            #expect(first.failures.isEmpty, "\(first.failures)")
            let portfolios = try #require(((try await Self.call(control, baseURL, "GET", "/monitoring/portfolios") as? [String: Any])?["data"] as? [String: Any])?["portfolios"] as? [[String: Any]])
            #expect(portfolios.count == 1, "the portfolio is found by name in data.portfolios, not created again")
            let rules = try #require(try await Self.call(control, baseURL, "GET", "/monitoring/portfolios/\(portfolio)/eventRules/FR") as? [[String: Any]])
            #expect(!rules.isEmpty && rules.allSatisfy { $0["isActive"] as? Bool == true })

            try await Task.sleep(for: .milliseconds(1050))
            // Step 3 changes no Creditsafe report; step 4 changes GAMM VERT's and PASARGAD's.
            try await CreditsafeOverHTTPTests.advance(baseURL, control)
            try await CreditsafeOverHTTPTests.advance(baseURL, control)
            // Events are dated on the scenario's day, long before the poll: only a read by creation date sees them.
            let hourAgo = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600))
            #expect(try await Self.events(control, baseURL, since: hourAgo, byCreatedDate: false) == 0)
            #expect(try await Self.events(control, baseURL, since: hourAgo, byCreatedDate: true) > 0)
            let second = try await provider.poll(CreditsafeOverHTTPTests.sirens, cursor: first.cursor)
            #expect(second.observations.map(\.siren.digits).sorted() == ["337891287", "881843924"], "only the companies whose reports changed at step 4, read through their events")
        }
    }

    @Test("rules Vigie needs that the portfolio does not list: the poll fails and says so, feeding source health")
    func rulesMissing() async throws {
        try await withMockProvider { baseURL, _ in
            let (provider, transport) = CreditsafeOverHTTPTests.provider(baseURL) { configuration in
                var monitoring = CreditsafeProvider.Configuration.Monitoring()
                monitoring.eventRules = [4242]
                configuration.monitoring = monitoring
            }
            defer { transport.shutdown() }
            await #expect {
                _ = try await provider.poll(CreditsafeOverHTTPTests.sirens, cursor: nil)
            } throws: { error in
                "\(error)".contains("lists none of the event rules Vigie needs for FR")
            }
        }
    }

    @Test("a search by SIREN lists establishments: the head office is chosen, never the closed branch listed first; no hit is an unknown company")
    func headOffice() async throws {
        try await withMockProvider { baseURL, _ in
            let (provider, transport) = CreditsafeOverHTTPTests.provider(baseURL)
            defer { transport.shutdown() }
            let poll = try await provider.poll([CreditsafeOverHTTPTests.sirens[0], try SIREN("552081317")], cursor: nil)
            #expect(poll.failures.isEmpty, "\(poll.failures)")
            #expect(poll.observations.map(\.siren.digits) == ["337891287"], "DANONE is unknown to the mock: neither a value nor a failure")
            #expect(try await provider.connectID(for: CreditsafeOverHTTPTests.sirens[0]) == "FR-X-\(MockSIRET.headOffice(CreditsafeOverHTTPTests.sirens[0]))")
        }
    }
}

/// The mock's head-office SIRET of a company (establishment 1, with its check digit).
enum MockSIRET {
    static func headOffice(_ siren: SIREN) -> String {
        let stem = siren.digits + "0001"
        return (0...9).map { stem + String($0) }.first { (try? SIRET($0)) != nil } ?? stem + "0"
    }
}
