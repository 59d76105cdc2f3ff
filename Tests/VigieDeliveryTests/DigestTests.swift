import Foundation
import Testing
import VigieCore
import VigieDelivery
import VigieRuntime
import VigieStore
import VigieTestSupport
import VigieTransport

@Suite("Digests")
struct DigestTests {
    @Test("a digest route sends its window's alerts as one message; a critical alert goes at once", arguments: StoreUnderTest.allCases)
    func digest(store kind: StoreUnderTest) async throws {
        let receiver = try WebhookReceiver()
        let store = try await kind.make()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let channel = WebhookChannel(configuration: .init(name: "team", url: receiver.url, language: .fr), format: SlackFormat(), transport: transport)
        let router = Router(always: [], routes: [Router.Route(name: "team", channels: ["team"], digest: .seconds(600))])
        let clock = ManualWallClock(Date())
        let critical = Fixtures.alert()
        let drops = (1...3).map { index in
            var alert = Fixtures.alert(company: "CLIENT \(index)", id: "vg_drop_\(index)")
            alert.kind = ScoreEvent.scoreDrop.rawValue
            alert.severity = .warning
            return alert
        }
        _ = try await store.commit(CycleCommit(snapshots: [], observations: [], alertChanges: ([critical] + drops).map { .raised($0) }, notices: [], cursors: [:], router: router, at: clock.now))
        let dispatcher = OutboxDispatcher(store: store, channels: [channel], clock: clock, logger: .init(label: "test"))

        #expect(try await dispatcher.drain() == OutboxDispatcher.Report(delivered: 1))
        #expect(try await receiver.requests().count == 1, "only the critical alert, at once")
        clock.advance(by: 599)
        #expect(try await dispatcher.drain() == OutboxDispatcher.Report(), "the window is still open")
        clock.advance(by: 1)
        #expect(try await dispatcher.drain() == OutboxDispatcher.Report(delivered: 3))
        let requests = try await receiver.requests()
        #expect(requests.count == 2, "the three drops as one message")
        let digest = try #require(requests.last?.body)
        #expect(digest.contains("3 alertes Vigie"))
        for index in 1...3 { #expect(digest.contains("CLIENT \(index)")) }
    }
}
