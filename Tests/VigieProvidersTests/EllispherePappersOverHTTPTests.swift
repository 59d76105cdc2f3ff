import Foundation
import Testing
import VigieCore
import VigieMock
import VigieProviders
import VigieTestSupport
import VigieTransport

@Suite("Ellisphère, Pappers and Altares over HTTP against vigie mock-provider")
struct EllispherePappersOverHTTPTests {
    static let sirens = CreditsafeOverHTTPTests.sirens
    static let edouin = try! SIREN("300254471")
    static let gammVert = try! SIREN("337891287")

    static func ellisphere(_ baseURL: String, password: String = "demo") -> (EllisphereProvider, CurlTransport) {
        var configuration = EllisphereProvider.Configuration(api: EllisphereAPI(baseURL: baseURL + "/ellisphere", contractID: "12345", userPrefix: "VIG", userID: "vigie", password: password))
        configuration.client.backoff = .milliseconds(20)
        let transport = CurlTransport()
        return (EllisphereProvider(configuration: configuration, transport: transport), transport)
    }

    static func pappers(_ baseURL: String, token: String = "demo", clock: any WallClock = SystemWallClock()) -> (PappersProvider, CurlTransport) {
        var configuration = PappersProvider.Configuration(api: PappersAPI(baseURL: baseURL + "/pappers/v2", apiToken: token))
        configuration.client.backoff = .milliseconds(20)
        let transport = CurlTransport()
        return (PappersProvider(configuration: configuration, transport: transport, clock: clock), transport)
    }

    @Test("Pappers gives no date of its own: the observation is dated by the clock the provider is given")
    func pappersDatedByTheClock() async throws {
        let day = try #require(CalendarDay(iso: "2025-06-02"))
        let observations = try await withMockProvider { baseURL, _ in
            let clock = ManualWallClock(try #require(ISO8601DateFormatter().date(from: "2025-06-02T12:00:00Z")))
            let (provider, transport) = Self.pappers(baseURL, clock: clock)
            defer { transport.shutdown() }
            return try await provider.poll([Self.gammVert], cursor: nil).observations
        }
        #expect(observations.map(\.observedOn) == [day])
    }

    @Test("Ellisphère: the real report read over HTTP, then its lowered score (and class) becomes one score-drop alert")
    func ellisphereSeries() async throws {
        let (first, last) = try await withMockProvider { baseURL, control in
            let (provider, transport) = Self.ellisphere(baseURL)
            defer { transport.shutdown() }
            let first = try await provider.poll(Self.sirens, cursor: nil)
            for _ in 0..<4 { _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/advance")) }
            let last = try await provider.poll(Self.sirens, cursor: nil)
            return (first, last)
        }
        // Only EDOUIN has an Ellisphère report: the others are unknown to it, not failures.
        #expect(first.failures.isEmpty, "\(first.failures)")
        let observation = try #require(first.observations.first)
        #expect(first.observations.count == 1)
        #expect(observation.siren == Self.edouin)
        #expect(observation.score == .value(5, minimum: 0, maximum: 10))
        #expect(observation.rating == "B")
        #expect(observation.creditLimit == .amount(15_000, currency: "EUR"))
        #expect(observation.status == .active)
        #expect(observation.observedOn == CalendarDay(year: 2022, month: 8, day: 3))

        let watch = WatchSet([Watchlist(name: "all", file: "-", entries: [WatchEntry(identifier: Self.edouin.digits, siren: Self.edouin)])])
        let baseline = WatchEngine.evaluate(.init(watch: watch, observations: first.observations, notices: [], snapshots: [:], priorAlerts: [:], now: Date()))
        #expect(baseline.alertChanges.isEmpty, "baseline first")
        let snapshots = SnapshotTable(baseline.snapshots)
        let outcome = WatchEngine.evaluate(.init(watch: watch, observations: last.observations, notices: [], snapshots: snapshots, priorAlerts: [:], now: Date()))
        // The class fell with the score: one event, one alert.
        #expect(outcome.alertChanges.map(\.alert.kind) == ["score_drop"])
        guard case .observation(let evidence)? = outcome.alertChanges.first(where: { $0.alert.kind == "score_drop" })?.alert.evidence else {
            Issue.record("no score evidence")
            return
        }
        #expect(evidence.provider == "ellisphere")
        #expect(evidence.old == "5/10" && evidence.new == "2/10")
    }

    @Test("Ellisphère: refused credentials are a clear, counted failure without the password")
    func ellisphereCredentials() async throws {
        let poll = try await withMockProvider { baseURL, _ in
            let (provider, transport) = Self.ellisphere(baseURL, password: "wrong-secret-31")
            defer { transport.shutdown() }
            return try await provider.poll([Self.edouin], cursor: nil)
        }
        #expect(poll.observations.isEmpty)
        let message = try #require(poll.failures.first?.message)
        // Refused in the body, in an HTTP 200: read, and said for what it is.
        #expect(message.contains("Ellisphère refused the credentials (result ERR: Authentification refusée"))
        #expect(message.contains("check contract_id, user_prefix, user_id and the password"))
        #expect(!message.contains("wrong-secret-31"))
    }

    @Test("Pappers: the real answer read over HTTP: GAMM VERT, active; unknown companies are not failures")
    func pappers() async throws {
        let poll = try await withMockProvider { baseURL, _ in
            let (provider, transport) = Self.pappers(baseURL)
            defer { transport.shutdown() }
            return try await provider.poll(Self.sirens, cursor: nil)
        }
        #expect(poll.failures.isEmpty, "\(poll.failures)")
        let observation = try #require(poll.observations.first)
        #expect(poll.observations.count == 1)
        #expect(observation.siren == Self.gammVert)
        #expect(observation.provider == "pappers")
        #expect(observation.companyName == "GAMM VERT")
        #expect(observation.status == .active)
        #expect(observation.score == nil, "Pappers publishes no score")
    }

    @Test("Pappers: a refused token is a clear failure that never shows the token")
    func pappersToken() async throws {
        let poll = try await withMockProvider { baseURL, _ in
            let (provider, transport) = Self.pappers(baseURL, token: "tok-secret-42")
            defer { transport.shutdown() }
            return try await provider.poll([Self.gammVert], cursor: nil)
        }
        let message = try #require(poll.failures.first?.message)
        #expect(message.contains("Pappers refused the credentials (HTTP 401); check the api_token"))
        #expect(!message.contains("tok-secret-42"))
    }

    @Test("Altares (unverified shape): FRIZY's score 11/20 then 6/20 becomes a score drop and a limit cut; a wrong key is a clear failure")
    func altares() async throws {
        let frizy = try SIREN("843703869")
        let (first, later, refused) = try await withMockProvider { baseURL, control in
            var configuration = AltaresProvider.Configuration(api: AltaresAPI(baseURL: baseURL + "/altares", apiKey: "demo"))
            configuration.client.backoff = .milliseconds(20)
            let transport = CurlTransport()
            defer { transport.shutdown() }
            let provider = AltaresProvider(configuration: configuration, transport: transport)
            let first = try await provider.poll(Self.sirens, cursor: nil)
            for _ in 0..<3 { _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/advance")) }
            let later = try await provider.poll(Self.sirens, cursor: nil)
            configuration.api.apiKey = "wrong-key-99"
            let refused = try await AltaresProvider(configuration: configuration, transport: transport).poll([frizy], cursor: nil)
            return (first, later, refused)
        }
        #expect(first.failures.isEmpty && first.observations.count == 1)
        let observation = try #require(first.observations.first)
        #expect(observation.siren == frizy && observation.provider == "altares")
        #expect(observation.score == .value(11, minimum: 0, maximum: 20))
        #expect(observation.creditLimit == .amount(15_000, currency: "EUR"))
        #expect(observation.observedOn == CalendarDay(year: 2026, month: 2, day: 2))
        let watch = WatchSet([Watchlist(name: "all", file: "-", entries: [WatchEntry(identifier: frizy.digits, siren: frizy)])])
        let baseline = WatchEngine.evaluate(.init(watch: watch, observations: first.observations, notices: [], snapshots: [:], priorAlerts: [:], now: Date()))
        let outcome = WatchEngine.evaluate(.init(
            watch: watch, observations: later.observations, notices: [], snapshots: SnapshotTable(baseline.snapshots),
            priorAlerts: [:], now: Date()
        ))
        #expect(outcome.alertChanges.map(\.alert.kind).sorted() == ["credit_limit_cut", "score_drop"])
        let message = try #require(refused.failures.first?.message)
        #expect(message.contains("Altares refused the credentials (HTTP 401); check the api_key"))
        #expect(!message.contains("wrong-key-99"))
    }
}

@Suite("An answer about another company")
struct AnotherCompanyTests {
    @Test("a report about another SIREN than the one asked is a counted failure that says so, never an observation")
    func anotherCompany() async throws {
        let receiver = try WebhookReceiver()
        // The real Pappers answer is about GAMM VERT (337891287); Vigie asks about EDOUIN.
        let gammVert = String(decoding: try RepositoryData.data("providers/pappers-entreprise.json"), as: UTF8.self)
        try await receiver.plan([], fallback: ["status": 200, "body": gammVert, "headers": ["Content-Type": "application/json"]])
        let (provider, transport) = EllispherePappersOverHTTPTests.pappers("http://127.0.0.1:\(receiver.server.port)")
        defer { transport.shutdown() }
        let poll = try await provider.poll([EllispherePappersOverHTTPTests.edouin], cursor: nil)
        #expect(poll.observations.isEmpty)
        #expect(poll.failures.count == 1)
        #expect(poll.failures.first?.siren == EllispherePappersOverHTTPTests.edouin)
        #expect(poll.failures.first?.message == "Pappers answered about SIREN 337891287 when asked about 300254471; the answer was set aside")
    }
}
