import Foundation
import Testing
import VigieCore
import VigieMock
import VigieProviders
import VigieTestSupport
import VigieTransport

/// The insurers' API adapters (UNVERIFIED shapes) against `vigie mock-provider`, which serves
/// each step's insurer export in the adapters' shapes: what an export says and what the API
/// says are one decision.
@Suite("Insurer APIs over HTTP against vigie mock-provider")
struct InsurerAPIOverHTTPTests {
    static let pasargad = try! SIREN("881843924")
    static let frizy = try! SIREN("843703869")
    static let gammVert = try! SIREN("337891287")

    static func allianzTrade(_ baseURL: String, secret: String = "demo") -> (AllianzTradeProvider, CurlTransport) {
        var configuration = AllianzTradeProvider.Configuration(api: AllianzTradeAPI(baseURL: baseURL + "/allianz-trade", policy: "P-1", clientID: "demo", clientSecret: secret))
        configuration.client.backoff = .milliseconds(20)
        let transport = CurlTransport()
        return (CompanyProvider(configuration: configuration, transport: transport), transport)
    }

    static func coface(_ baseURL: String, apiKey: String = "demo") -> (CofaceProvider, CurlTransport) {
        var configuration = CofaceProvider.Configuration(api: CofaceAPI(baseURL: baseURL + "/coface", policy: "P-2", clientID: "demo", clientSecret: "demo", apiKey: apiKey))
        configuration.client.backoff = .milliseconds(20)
        let transport = CurlTransport()
        return (CofaceProvider(configuration: configuration, transport: transport), transport)
    }

    @Test("Allianz Trade: an OAuth2 token, then each buyer's cover; the demo's cut read the same as from the export; a buyer without cover is no failure")
    func allianzTrade() async throws {
        let (first, second) = try await withMockProvider { baseURL, control in
            let (provider, transport) = Self.allianzTrade(baseURL)
            defer { transport.shutdown() }
            let first = try await provider.poll([Self.pasargad, Self.frizy, Self.gammVert], cursor: nil)
            _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/advance"))
            let second = try await provider.poll([Self.pasargad], cursor: nil)
            return (first, second)
        }
        #expect(first.failures.isEmpty, "\(first.failures)")
        #expect(Set(first.observations.map(\.siren)) == [Self.pasargad, Self.frizy])
        let observed = try #require(first.observations.first { $0.siren == Self.pasargad })
        let cover = try #require(observed.cover)
        #expect(cover == InsurerCover(
            insurer: "allianz-trade", decision: .partlyApproved, requested: Money(amount: 20_000), granted: Money(amount: 15_000),
            decidedOn: CalendarDay(year: 2025, month: 6, day: 15), expiresOn: CalendarDay(year: 2028, month: 6, day: 30), reference: "AT-2025-118"
        ))
        #expect(observed.provider == "insurer:allianz-trade")
        #expect(observed.observedOn == CalendarDay(year: 2025, month: 6, day: 15))
        let cut = try #require(second.observations.first?.cover)
        #expect((cut.decision, cut.granted) == (.reduced, Money(amount: 5_000)))
        // Through the diff: the cut is one alert, as from the export.
        var snapshot = Snapshot(siren: Self.pasargad, source: "insurer:allianz-trade")
        snapshot.detail = SnapshotDetail(cover: cover)
        let events = ScoreDiff.apply(try #require(second.observations.first), to: snapshot, thresholds: .standard).events
        #expect(events.map(\.kind) == ["insurer_limit_reduced"])
    }

    @Test("Coface: the API key on every call, EDIFACT codes read; newcomers asked once each, then only the decisions its NOTIFICATION service lists as changed; a wrong key names what to check, never the key")
    func coface() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-coface-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let header = "siren;decision;granted;requested;decided_on;expires_on;reference\n"
        let frizy = "843703869;Refus;0;30 000;02/05/2025;;EASY-071\n"
        for (step, pasargad) in [("01-approved", "881843924;Agréé;15 000;20 000;15/06/2025;30/06/2028;EASY-118\n"), ("02-cut", "881843924;Réduction;5 000;20 000;15/12/2025;30/06/2028;EASY-118\n")] {
            let exports = folder.appendingPathComponent("steps/\(step)/insurers")
            try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
            try (header + pasargad + frizy).write(to: exports.appendingPathComponent("coface.csv"), atomically: true, encoding: .utf8)
        }
        let (polls, restarted, refused) = try await withMockProvider({ $0.scenario = folder }) { baseURL, control in
            let (provider, transport) = Self.coface(baseURL)
            defer { transport.shutdown() }
            var polls: [ScorePoll] = []
            polls.append(try await provider.poll([Self.pasargad, Self.frizy], cursor: nil))
            _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/advance"))
            polls.append(try await provider.poll([Self.pasargad, Self.frizy, Self.gammVert], cursor: polls[0].cursor))
            polls.append(try await provider.poll([Self.pasargad, Self.frizy, Self.gammVert], cursor: polls[1].cursor))
            // A restart: the buyers asked before come from the store, and are not asked again.
            let (again, againTransport) = Self.coface(baseURL)
            defer { againTransport.shutdown() }
            again.remember(ids: polls.reduce(into: [:]) { $0.merge($1.learnedIDs) { first, _ in first } })
            let restarted = try await again.poll([Self.pasargad, Self.frizy, Self.gammVert], cursor: polls[2].cursor)
            let (wrong, wrongTransport) = Self.coface(baseURL, apiKey: "not-the-key-0000")
            defer { wrongTransport.shutdown() }
            var refused: ProviderClient.Failure?
            do {
                _ = try await wrong.poll([Self.pasargad], cursor: nil)
            } catch let failure as ProviderClient.Failure {
                refused = failure
            }
            return (polls, restarted, refused)
        }
        #expect(polls.map(\.failures.count) == [0, 0, 0], "\(polls.map(\.failures))")
        // First: each buyer asked; the refusal read from EDIFACT code 3.
        let first = Dictionary(uniqueKeysWithValues: polls[0].observations.compactMap { observation in observation.cover.map { (observation.siren, $0) } })
        #expect(first[Self.pasargad]?.decision == .approved)
        #expect(first[Self.pasargad]?.reference == "EASY-118")
        #expect(first[Self.frizy]?.decision == .refused)
        #expect(Set(polls[0].learnedIDs.keys) == [Self.pasargad, Self.frizy])
        // Then: the cut, from the notifications; GAMM VERT, new, asked once (no decision: nothing observed).
        #expect(polls[1].observations.map { "\($0.siren.digits) \($0.cover?.decision.rawValue ?? "-") \($0.cover?.granted?.description ?? "-")" } == ["881843924 reduced 5 000 EUR"])
        #expect(Array(polls[1].learnedIDs.keys) == [Self.gammVert])
        #expect(polls[2].observations.isEmpty && polls[2].learnedIDs.isEmpty, "nothing changed, nobody new")
        #expect(polls[2].cursor == polls[1].cursor)
        #expect(restarted.observations.isEmpty && restarted.learnedIDs.isEmpty)
        let failure = try #require(refused)
        #expect(failure.reason == .unauthorized)
        #expect(failure.message.contains("Coface refused the client_id, client_secret and api_key (HTTP 401)"), "\(failure.message)")
        #expect(!failure.message.contains("not-the-key-0000"))
    }

    @Test("an answer that is no cover decision is a malformed failure, not a value")
    func malformed() throws {
        let api = AllianzTradeAPI(baseURL: "http://x", policy: "P", clientID: "c", clientSecret: "s")
        #expect(throws: ProviderClient.Failure.self) { try api.cover(from: Data(#"{"items": []}"#.utf8)) }
        #expect(throws: ProviderClient.Failure.self) { try api.cover(from: Data(#"{"covers": [{"buyer": {"nationalId": "123"}, "decision": {"type": "FULL_AGREEMENT"}}]}"#.utf8)) }
        #expect(throws: ProviderClient.Failure.self) { try api.cover(from: Data(#"{"covers": [{"buyer": {"nationalId": "881843924"}, "decision": {"type": "MAYBE"}}]}"#.utf8)) }
        #expect(try api.cover(from: Data(#"{"covers": []}"#.utf8)) == nil)
    }
}
