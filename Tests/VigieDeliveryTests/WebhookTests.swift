import Foundation
import Testing
import VigieCore
import VigieDelivery
import VigieTestSupport
import VigieTransport

@Suite("Webhooks")
struct WebhookTests {
    struct Vector: Decodable {
        var secret: String
        var msg_id: String
        var timestamp: Int
        var payload: String
        var expected_webhook_signature: String
    }

    @Test("the Standard Webhooks test vector is reproduced exactly")
    func testVector() throws {
        let vector = try JSONDecoder().decode(Vector.self, from: RepositoryData.data("standard-webhooks-test-vector.json"))
        let signer = try StandardWebhookSigner(secret: vector.secret)
        #expect(signer.signature(id: vector.msg_id, timestamp: vector.timestamp, body: Array(vector.payload.utf8)) == vector.expected_webhook_signature)
    }

    @Test("the official standardwebhooks package verifies what Vigie sends")
    func verifiedByOfficialLibrary() async throws {
        let receiver = try WebhookReceiver()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let channel = WebhookChannel(configuration: .init(name: "signed", url: receiver.url), format: try StandardWebhookFormat(secret: secret), transport: transport)
        let alert = Fixtures.alert()
        try await channel.deliver(alert)
        var revised = alert
        revised.revision = 2
        try await channel.deliver(revised)
        let requests = try await receiver.requests()
        #expect(requests.count == 2)
        for (request, expectedID) in zip(requests, [alert.id, "\(alert.id)-r2"]) {
            #expect(request.headers["webhook-id"] == expectedID)
            let input = try JSONSerialization.data(withJSONObject: ["headers": request.headers, "body": request.body])
            let verified = try JSONSerialization.jsonObject(with: TestServer.run("verify_webhook.py", arguments: [secret], input: input)) as! [String: Any]
            #expect(verified["id"] as? String == expectedID)
        }
        let body = try JSONSerialization.jsonObject(with: Data(requests[0].body.utf8)) as! [String: Any]
        #expect(body["type"] as? String == "alert.raised")
        #expect(body["version"] as? Int == 1)
        #expect((body["data"] as? [String: Any])?["id"] as? String == alert.id)
        // Tampering is detected: the package refuses another secret.
        let input = try JSONSerialization.data(withJSONObject: ["headers": requests[0].headers, "body": requests[0].body])
        #expect(throws: (any Error).self) { try TestServer.run("verify_webhook.py", arguments: ["whsec_" + Data(repeating: 7, count: 24).base64EncodedString()], input: input) }
    }

    static let hostile = "ACME\r\nBcc: x@example.org <!channel> @everyone"

    static func body(_ format: any WebhookFormat) throws -> String {
        let alert = Fixtures.alert(company: hostile)
        let content = MessageContent(alert: alert, language: .en)
        let request = try format.request(for: alert, content: content, text: Self.text(format.name), url: "http://127.0.0.1/hook", now: Date())
        return String(decoding: request.body, as: UTF8.self)
    }

    /// The built-in `text` template of a format, as a channel renders it.
    static func text(_ type: String) -> MessageText {
        MessageText { MessageTemplates.defaults.render("text", channel: "test", type: type, content: $0) }
    }

    @Test("a hostile company name is text in Slack: escaped, no mention")
    func slackEscaping() throws {
        let body = try Self.body(SlackFormat())
        #expect(!body.contains("<!channel>"))
        #expect(body.contains("&lt;!channel&gt;"))
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
        #expect((json["text"] as? String)?.contains("PASARGAD") == false)
        #expect((json["blocks"] as? [[String: Any]])?.isEmpty == false)
    }

    @Test("a hostile company name pings nobody on Discord, Mattermost or Teams")
    func mentions() throws {
        let discord = try JSONSerialization.jsonObject(with: Data(try Self.body(DiscordFormat()).utf8)) as! [String: Any]
        #expect((discord["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
        let embed = try #require((discord["embeds"] as? [[String: Any]])?.first)
        #expect((embed["title"] as? String).map { $0.count <= 256 } == true)
        let mattermost = try Self.body(MattermostFormat())
        #expect(!mattermost.contains("@everyone"))
        #expect(mattermost.contains("@\u{2060}everyone"))
        #expect(mattermost.contains("julie.bernard@example.fr"), "an address is left as written")
        // A card mentions only through msteams entities, which Vigie never sends: the text stays as written.
        let teams = try Self.body(TeamsFormat())
        #expect(teams.contains("AdaptiveCard") && !teams.contains("msteams") && !teams.contains("\u{2060}"))
    }

    @Test("a source-health alert: no company, the source named, its hostile error text escaped in every format")
    func sourceAlert() throws {
        let evidence = SourceEvidence(
            source: "score:ellisphere", state: .failing, failingSince: Date(timeIntervalSince1970: 1_770_000_000), failingCycles: 3,
            lastError: "Ellisphère answered HTTP 403: <!channel> @everyone <b>denied</b>"
        )
        let (_, alert) = SourceHealthTracker.apply(.failed(evidence.lastError!), to: SourceHealth(source: evidence.source, consecutiveFailures: 2, failingSince: evidence.failingSince), configuration: .init(), now: Date())
        let source = try #require(alert)
        let content = MessageContent(alert: source, language: .en)
        #expect(content.company == "Ellisphère (data source)")
        #expect(content.title == "Ellisphère failing for 3 cycles in a row")
        #expect(content.facts.contains { $0.label == "Failing cycles" && $0.value == "3" })
        #expect(MessageContent(alert: source, language: .fr).title == "Ellisphère en échec depuis 3 cycles")
        let text = MessageTemplates.defaults.render("text", channel: "test", type: "slack", content: content)
        #expect(text.contains("*Severity*: High\n*Failing since*: 2026-02-02T02:40:00Z\n"), "one fact per line: \(text)")
        let slack = String(decoding: try SlackFormat().request(for: source, content: content, text: Self.text("slack"), url: "http://127.0.0.1/hook", now: Date()).body, as: UTF8.self)
        #expect(!slack.contains("<!channel>") && slack.contains("&lt;!channel&gt;"))
        let mattermost = String(decoding: try MattermostFormat().request(for: source, content: content, text: Self.text("mattermost"), url: "http://127.0.0.1/hook", now: Date()).body, as: UTF8.self)
        #expect(!mattermost.contains("@everyone"), "\(mattermost)")
        let record = try JSONSerialization.jsonObject(with: Data(AlertRecord(source).jsonLine().utf8)) as! [String: Any]
        #expect(record["siren"] == nil || record["siren"] is NSNull)
        #expect((record["evidence"] as? [String: Any])?["health"] as? String == "failing")
        #expect((record["evidence"] as? [String: Any])?["failing_cycles"] as? Int == 3)
    }

    @Test("messages read in French when asked")
    func french() {
        let content = MessageContent(alert: Fixtures.alert(), language: .fr)
        #expect(content.title == "Ouverture d’une procédure de redressement judiciaire")
        #expect(content.severityLabel == "Critique")
        #expect(content.facts.contains { $0.label == "Encours" && $0.value == "12 480,50 EUR" })
        #expect(content.facts.contains { $0.label == "Tribunal" && $0.value == "Greffe du Tribunal de Commerce de Beauvais" })
    }

    @Test("answers map to retry decisions", arguments: [
        (200, nil, nil), (204, nil, nil), (404, "permanent", nil), (400, "permanent", nil),
        (500, "transient", nil), (503, "transient", 30.0), (429, "transient", 2.0), (408, "transient", nil),
    ] as [(Int, String?, Double?)])
    func statusMapping(status: Int, kind: String?, retryAfter: Double?) {
        let headers = [429: ["retry-after": "2"], 503: ["retry-after": "30"]][status] ?? [:]
        let failure = WebhookChannel.failure(for: HTTPResponse(status: status, headers: headers, body: Array("no_text".utf8)), now: Date())
        #expect(failure?.kind.rawValue == kind)
        #expect(failure?.retryAfter.map { Double($0.components.seconds) } == retryAfter)
    }
}

@Suite("Words and numbers in each language")
struct LanguageTests {
    @Test("the terminal speaks the configured language, with its number format")
    func terminal() {
        let alert = Fixtures.alert()
        let english = TerminalChannel.line(for: alert, colour: false, language: .en)
        #expect(english.hasPrefix("CRITICAL  PASARGAD (881 843 924)  Receivership (redressement judiciaire) opened · exposure 12,480.50 EUR · owner "))
        let french = TerminalChannel.line(for: alert, colour: false, language: .fr)
        #expect(french.hasPrefix("CRITIQUE  PASARGAD (881 843 924)  Ouverture d’une procédure de redressement judiciaire · encours 12 480,50 EUR · responsable "))
    }

    @Test("French messages translate Vigie's own values: no raw struck_off, no English not applicable")
    func frenchValues() {
        var alert = Fixtures.alert()
        alert.kind = ScoreEvent.companyStruckOff.rawValue
        alert.evidence = .observation(ObservationEvidence(provider: "creditsafe", observedOn: CalendarDay(year: 2026, month: 2, day: 2)!, previousOn: nil, field: "status", old: nil, new: "struck_off"))
        let facts = MessageContent(alert: alert, language: .fr).facts
        #expect(facts.contains { $0.value == "— → radiée" }, "\(facts)")
        #expect(MessageContent(alert: alert, language: .en).facts.contains { $0.value == "— → struck_off" })
    }
}
