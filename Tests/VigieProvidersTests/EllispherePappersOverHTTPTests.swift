import Foundation
import Testing
import VigieCore
import VigieMock
import VigieProviders
import VigieTestSupport
import VigieTransport

@Suite("Ellisphère and Pappers over HTTP against vigie mock-provider")
struct EllispherePappersOverHTTPTests {
    static let sirens = CreditsafeOverHTTPTests.sirens
    static let edouin = try! SIREN("300254471")
    static let gammVert = try! SIREN("337891287")

    static func ellisphere(_ baseURL: String, password: String = "demo") -> (EllisphereProvider, CurlTransport) {
        var configuration = EllisphereProvider.Configuration(baseURL: baseURL + "/ellisphere", contractID: "12345", userPrefix: "VIG", userID: "vigie", password: password)
        configuration.client.backoff = .milliseconds(20)
        let transport = CurlTransport()
        return (EllisphereProvider(configuration: configuration, transport: transport), transport)
    }

    static func pappers(_ baseURL: String, token: String = "demo") -> (PappersProvider, CurlTransport) {
        var configuration = PappersProvider.Configuration(baseURL: baseURL + "/pappers/v2", apiToken: token)
        configuration.client.backoff = .milliseconds(20)
        let transport = CurlTransport()
        return (PappersProvider(configuration: configuration, transport: transport), transport)
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
        let snapshots = Dictionary(uniqueKeysWithValues: baseline.snapshots.map { ($0.key, $0) })
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
        #expect(message.contains("Ellisphère refused the contract's credentials (HTTP 401)"))
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
        #expect(message.contains("Pappers refused the API token (HTTP 401)"))
        #expect(!message.contains("tok-secret-42"))
    }
}
