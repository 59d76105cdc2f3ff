import Foundation
import Testing
import VigieCore
import VigieDelivery
import VigieTestSupport
import VigieTransport

/// Each owner's digest, built on a manual clock and mailed through a real SMTP server to the
/// owner of the watchlist entries (`to: [owner]`).
@Suite("Owner digests")
struct OwnerDigestTests {
    static let now = Date(timeIntervalSince1970: 1_770_000_000)

    static func openCase(_ siren: String, owner: String, exposure: Decimal, at: Date) -> Case {
        var alert = Fixtures.alert(company: "CLIENT \(siren)")
        alert.siren = try! SIREN(siren)
        alert.id = "vg_\(siren)"
        alert.watch = [WatchContext(watchlist: "erp", owner: owner, tags: [], exposure: Money(amount: exposure), insuredLimit: nil)]
        return CaseBook.apply([.raised(alert)], to: [:], policy: .init(bodaccRead: true), now: at).updates[0].after
    }

    @Test("one digest per owner and interval: new facts, open cases by money at stake, the total; none again before the interval")
    func digests() throws {
        let cases = [
            Self.openCase("881843924", owner: "julie@example.fr", exposure: 12_480, at: Self.now - 3600),
            Self.openCase("337891287", owner: "julie@example.fr", exposure: 182_450, at: Self.now - 90_000),
            Self.openCase("494523335", owner: "paul@example.fr", exposure: 4_300, at: Self.now - 3600),
        ]
        let router = Router(always: ["log"], routes: [Router.Route(name: "daily", channels: ["mail"], ownerDigest: .seconds(86_400))])
        let (first, sent) = CaseBook.ownerDigests(cases, router: router, last: ["daily|julie@example.fr": Self.now - 86_400], now: Self.now)
        let digests = first.changes.map(\.alert)
        #expect(digests.map { $0.watch.first?.owner } == ["julie@example.fr", "paul@example.fr"])
        #expect(first.destinations.values.allSatisfy { $0.map(\.channel) == ["mail"] })
        guard case .digest(let julie) = digests[0].evidence else { Issue.record("no digest"); return }
        #expect(julie.openCases.map(\.company) == ["CLIENT 337891287", "CLIENT 881843924"], "the most money at stake first")
        #expect(julie.newFacts.map(\.company) == ["CLIENT 881843924"], "only what was told since her last digest")
        #expect(julie.atStake == ["EUR": 194_930])
        #expect(digests[0].title == "Vigie digest: 1 new fact, 2 open cases, 194,930 EUR at stake")
        let (again, _) = CaseBook.ownerDigests(cases, router: router, last: sent, now: Self.now + 3600)
        #expect(again.changes.isEmpty)
        #expect(CaseBook.ownerDigests(cases, router: router, last: sent, now: Self.now + 86_400).outcome.changes.count == 2)
        #expect(Router(always: ["log"], routes: router.routes, defaultChannels: ["slack"]).channels(for: digests[0]) == ["log"], "a digest is addressed, never routed")
    }

    @Test("to: [owner] mails each digest to its owner only; an owner that is no address adds no recipient")
    func mailedToOwner() async throws {
        let item = Self.openCase("881843924", owner: "julie@example.fr", exposure: 12_480, at: Self.now)
        let router = Router(always: [], routes: [Router.Route(name: "daily", channels: ["owners"], ownerDigest: .seconds(86_400))])
        let digest = try #require(CaseBook.ownerDigests([item], router: router, last: [:], now: Self.now).outcome.changes.first?.alert)
        let (mail, envelope) = try await EmailTests.deliver(digest, to: [EmailChannel.ownerRecipient])
        #expect(envelope["recipients"] as? [String] == ["julie@example.fr"])
        #expect((mail["subject"] as? String)?.contains("Synthèse Vigie : 1 fait nouveau, 1 dossier ouvert, 12 480 EUR en jeu") == true, "\(mail["subject"] ?? "")")

        var stranger = digest
        stranger.watch = [WatchContext(watchlist: "daily", owner: "Julie Bernard\r\nBcc: x@example.org", tags: [], exposure: nil, insuredLimit: nil)]
        await #expect(throws: DeliveryError.self) { _ = try await EmailTests.deliver(stranger, to: [EmailChannel.ownerRecipient]) }
    }
}
