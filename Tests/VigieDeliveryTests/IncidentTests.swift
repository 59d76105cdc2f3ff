import Foundation
import Testing
import VigieCore
import VigieDelivery
import VigieTestSupport
import VigieTransport

/// PagerDuty and Opsgenie incidents follow cases, over real HTTP to a loopback receiver: a
/// case's facts trigger one incident keyed by the case id, its acknowledgement acknowledges
/// it, its resolution resolves it; a source's outage is one incident its recovery resolves.
@Suite("On-call incidents")
struct IncidentTests {
    static let now = Date(timeIntervalSince1970: 1_770_000_000)

    /// A receivership case, its acknowledgement and its resolution, as the case book writes them.
    static func lifecycle() throws -> [Alert] {
        var opened = Fixtures.alert()
        let outcome = CaseBook.apply([.raised(opened)], to: [:], policy: .init(bodaccRead: true), now: now)
        opened = outcome.changes[0].alert
        let item = outcome.updates[0].after
        let (acknowledged, _) = try item.applying(.acknowledge, by: "julie", note: nil, at: now + 60)
        let (resolved, _) = try acknowledged.applying(.resolve, by: "julie", note: nil, at: now + 120)
        return [opened, CaseBook.acknowledgedNotice(acknowledged, by: "julie", at: now + 60), CaseBook.resolvedNotice(resolved, by: "julie", at: now + 120)]
    }

    static func json(_ request: WebhookReceiver.Request) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as! [String: Any]
    }

    @Test("PagerDuty: trigger, acknowledge, resolve under the case id; severity mapped; the routing key never in an error")
    func pagerDuty() async throws {
        let receiver = try WebhookReceiver()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let key = "R0UTINGKEY0123456789abcdef012345"
        let channel = WebhookChannel(configuration: .init(name: "oncall", url: receiver.url), format: PagerDutyFormat(routingKey: key), transport: transport, secrets: [key])
        let alerts = try Self.lifecycle()
        for alert in alerts { try await channel.deliver(alert) }
        let bodies = try await receiver.requests().map(Self.json)
        let caseID = try #require(alerts[0].caseID)
        #expect(bodies.map { $0["event_action"] as? String } == ["trigger", "acknowledge", "resolve"])
        #expect(bodies.allSatisfy { $0["dedup_key"] as? String == caseID && $0["routing_key"] as? String == key })
        let payload = try #require(bodies[0]["payload"] as? [String: Any])
        #expect(payload["severity"] as? String == "critical")
        #expect(payload["component"] as? String == "PASARGAD")
        #expect((payload["summary"] as? String)?.hasPrefix("CRITICAL · PASARGAD (881 843 924)") == true)
        #expect(bodies[1]["payload"] == nil, "an acknowledgement carries no payload")

        // A refusal that echoes the key back: the error keeps it out.
        try await receiver.plan([["status": 400, "body": "{\"status\":\"invalid event\",\"message\":\"bad routing_key \(key)\"}"]], fallback: ["status": 400, "body": "bad routing_key \(key)"])
        do {
            try await channel.deliver(alerts[0])
            Issue.record("a 400 was taken for delivered")
        } catch let error as DeliveryError {
            #expect(error.kind == .permanent)
            #expect(!error.message.contains(key), "\(error.message)")
        }
    }

    @Test("Opsgenie: create with the case id as alias and a priority, then acknowledge and close by alias, the key in the GenieKey header")
    func opsgenie() async throws {
        let receiver = try WebhookReceiver()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let base = receiver.url.replacingOccurrences(of: "/hook", with: "")
        let channel = WebhookChannel(configuration: .init(name: "genie", url: base), format: OpsgenieFormat(apiKey: "eb243592-faa2-4ba2-a551-1afdf565c889"), transport: transport, secrets: ["eb243592-faa2-4ba2-a551-1afdf565c889"])
        let alerts = try Self.lifecycle()
        for alert in alerts { try await channel.deliver(alert) }
        let requests = try await receiver.requests()
        let caseID = try #require(alerts[0].caseID)
        #expect(requests.map(\.path) == ["/v2/alerts", "/v2/alerts/\(caseID)/acknowledge?identifierType=alias", "/v2/alerts/\(caseID)/close?identifierType=alias"])
        #expect(requests.allSatisfy { $0.headers["authorization"] == "GenieKey eb243592-faa2-4ba2-a551-1afdf565c889" })
        let created = try Self.json(requests[0])
        #expect(created["alias"] as? String == caseID)
        #expect(created["priority"] as? String == "P1")
        #expect(((created["message"] as? String)?.count ?? 999) <= 130)
    }

    @Test("a source's outage is one incident: the failure triggers it, the recovery resolves it")
    func sourceOutage() throws {
        let since = Self.now
        let failing = Alert(
            id: "vg_failing", siren: nil, companyName: nil, kind: SourceHealthTracker.failingKind, severity: .high, title: "Creditsafe failing",
            evidence: .source(SourceEvidence(source: "score:creditsafe", state: .failing, failingSince: since, failingCycles: 3, lastError: "HTTP 503")), watch: [], createdAt: since
        )
        let recovered = Alert(
            id: "vg_recovered", siren: nil, companyName: nil, kind: SourceHealthTracker.recoveredKind, severity: .info, title: "Creditsafe recovered",
            evidence: .source(SourceEvidence(source: "score:creditsafe", state: .recovered, failingSince: since, failingCycles: 4, lastError: nil, recoveredAt: since + 3600)),
            watch: [], relatedAlertID: "vg_failing", createdAt: since + 3600
        )
        let format = PagerDutyFormat(routingKey: "k")
        let bodies = try [failing, recovered].map { alert in
            let request = try format.request(for: alert, content: MessageContent(alert: alert, language: .en), text: MessageText { _ in "" }, url: "http://x", now: Self.now)
            return try JSONSerialization.jsonObject(with: Data(request.body)) as! [String: Any]
        }
        #expect(bodies.map { $0["event_action"] as? String } == ["trigger", "resolve"])
        #expect(bodies.map { $0["dedup_key"] as? String } == ["vg_failing", "vg_failing"])
    }
}
