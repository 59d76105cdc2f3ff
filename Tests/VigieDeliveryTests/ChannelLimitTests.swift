import Foundation
import Testing
import VigieCore
import VigieDelivery
import VigieTestSupport
import VigieTransport

/// Each platform's documented limits and markup, checked on what Vigie sends.
@Suite("Channels within each platform's limits")
struct ChannelLimitTests {
    /// 3 000 visible characters, each an `e` and a combining acute accent: 6 000 UTF-16 units.
    static let decomposed = String(repeating: "e\u{0301}", count: 3000)
    static let emoji = String(repeating: "🏗️", count: 800)
    static let markup = "*BOLD* _it_ ~strike~ `code` [link](http://evil.example) &lt;script&gt; # - 1. @everyone"

    static func json(_ request: HTTPRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
    }

    static func request(_ format: any WebhookFormat, _ alert: Alert, language: Language = .en) throws -> HTTPRequest {
        try format.request(for: alert, content: MessageContent(alert: alert, language: language), text: WebhookTests.text(format.name), url: "http://127.0.0.1/hook", now: Date())
    }

    static func length(_ text: Any?) -> Int { (text as? String)?.utf16.count ?? 0 }

    @Test("Discord: the embed stays within 6 000 and every field within its limit, counted as Discord counts", arguments: [decomposed, emoji])
    func discord(name: String) throws {
        let embed = try #require((try Self.json(Self.request(DiscordFormat(), Fixtures.alert(company: name)))["embeds"] as? [[String: Any]])?.first)
        let fields = embed["fields"] as? [[String: Any]] ?? []
        let total = Self.length(embed["title"]) + Self.length(embed["description"]) + Self.length((embed["footer"] as? [String: Any])?["text"])
            + fields.map { Self.length($0["name"]) + Self.length($0["value"]) }.reduce(0, +)
        #expect(total <= 6000, "\(total)")
        #expect(Self.length(embed["title"]) <= 256 && Self.length(embed["description"]) <= 4096)
        #expect(fields.allSatisfy { Self.length($0["name"]) <= 256 && Self.length($0["value"]) <= 1024 })
        #expect(!fields.isEmpty, "the facts are kept, the name is cut")
        #expect(embed["url"] as? String == "https://www.bodacc.fr/pages/annonces-commerciales-detail/?q.id=id:A202600251234")
    }

    @Test("Slack: sections within 3 000 and fields within 2 000; a long name is cut, never the facts or the link", arguments: [decomposed, emoji, String(repeating: "*x* ", count: 2000)])
    func slack(name: String) throws {
        let body = try Self.json(Self.request(SlackFormat(), Fixtures.alert(company: name)))
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        for block in blocks {
            if let text = block["text"] as? [String: Any] { #expect(Self.length(text["text"]) <= (block["type"] as? String == "header" ? 150 : 3000)) }
            for field in block["fields"] as? [[String: Any]] ?? [] { #expect(Self.length(field["text"]) <= 2000) }
        }
        let fields = blocks.flatMap { $0["fields"] as? [[String: Any]] ?? [] }
        #expect(fields.contains { $0["text"] as? String == "*Court*" }, "the facts are kept")
        #expect(blocks.last?["type"] as? String == "context", "the link is kept")
    }

    @Test("Slack: names and the court's words are plain_text, so * _ ~ and backticks are characters; only Vigie's labels are mrkdwn")
    func slackPlainText() throws {
        let body = try Self.json(Self.request(SlackFormat(), Fixtures.alert(company: Self.markup)))
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        let texts = blocks.compactMap { $0["text"] as? [String: Any] } + blocks.flatMap { $0["fields"] as? [[String: Any]] ?? [] }
        let withName = texts.filter { ($0["text"] as? String)?.contains("BOLD") == true }
        #expect(!withName.isEmpty && withName.allSatisfy { $0["type"] as? String == "plain_text" })
        #expect(texts.filter { $0["type"] as? String == "mrkdwn" }.allSatisfy { ($0["text"] as? String)?.hasPrefix("*") == true })
    }

    @Test("Teams: no backslash on any card, markup neutralised by invisible breaks, and every card valid against the Adaptive Card schema")
    func teams() throws {
        let alerts = [Fixtures.alert(), Fixtures.alert(company: Self.markup), Fixtures.alert(company: Self.decomposed)]
        let messages = try alerts.map { try Self.json(Self.request(TeamsFormat(), $0)) }
        let digest = try TeamsFormat().requests(forDigest: alerts, contents: alerts.map { MessageContent(alert: $0, language: .en) }, url: "http://x", now: Date()).map(Self.json)
        for message in messages + digest {
            let text = String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self)
            #expect(!text.contains("\\\\"), "no literal backslash")
        }
        let card = String(decoding: try JSONSerialization.data(withJSONObject: messages[1]), as: UTF8.self)
        #expect(!card.contains("*BOLD*") && !card.contains("](") && card.contains("@everyone"))
        let input = try JSONSerialization.data(withJSONObject: messages + digest)
        let output = String(decoding: try TestServer.run("validate_card.py", arguments: [RepositoryData.url("channels/adaptive-card-1.5.0.schema.json").path], input: input), as: UTF8.self)
        #expect(output.split(separator: "\n").allSatisfy { $0 == "ok" } && output.split(separator: "\n").count == messages.count + digest.count, "\(output)")
    }

    @Test("CR and LF in outside text never break a Mattermost heading or table; entities show as written")
    func mattermostOneLine() throws {
        let body = try Self.json(Self.request(MattermostFormat(), Fixtures.alert(company: "ACME\r\n# Heading\n| forged | row |\u{2028}&lt;script&gt;")))
        let text = try #require(body["text"] as? String)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("#### ") == true && lines.first?.contains("Heading") == true, "the name stays on the heading's line")
        #expect(!lines.dropFirst().contains { $0.hasPrefix("#") || $0.hasPrefix("| forged") })
        #expect(text.contains("&amp;lt;script&amp;gt;"), "Mattermost shows &lt; as written")
    }

    @Test("digests are split to fit: Teams under 28 KB, Mattermost under 16 383 characters, Discord and Slack within theirs, signed webhooks under 20 KB; no alert lost")
    func digestSplit() throws {
        let alerts = (1...300).map { Fixtures.alert(company: "CLIENT \($0) " + String(repeating: "long name ", count: 20), id: "vg_digest_\($0)") }
        let contents = alerts.map { MessageContent(alert: $0, language: .en) }
        func bodies(_ format: any WebhookFormat) throws -> [String] {
            try format.requests(forDigest: alerts, contents: contents, url: "http://x", now: Date()).map { String(decoding: $0.body, as: UTF8.self) }
        }
        let teams = try bodies(TeamsFormat())
        #expect(teams.count > 1 && teams.allSatisfy { $0.utf8.count < 28_000 })
        let mattermost = try bodies(MattermostFormat())
        #expect(mattermost.count > 1)
        for body in mattermost { #expect(Self.length(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] == nil ? nil : (try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any])["text"]) <= 16_383) }
        let discord = try bodies(DiscordFormat())
        #expect(discord.count > 1)
        let webhook = try bodies(try StandardWebhookFormat(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(webhook.count > 1 && webhook.allSatisfy { $0.utf8.count <= 21_000 })
        for bodies in [teams, mattermost, discord, try bodies(SlackFormat())] {
            let all = bodies.joined()
            #expect((1...300).allSatisfy { all.contains("CLIENT \($0) ") }, "every alert is in one part")
        }
        #expect(webhook.joined().components(separatedBy: "\"id\":\"vg_digest_").count - 1 == 300)
    }

    @Test("Standard Webhooks: the payload's timestamp is when the event happened; a secret under 24 bytes is refused")
    func standardWebhooks() throws {
        var alert = Fixtures.alert()
        alert.updatedAt = Date(timeIntervalSince1970: 1_770_000_000)
        let request = try StandardWebhookFormat(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").request(
            for: alert, content: MessageContent(alert: alert, language: .en), text: WebhookTests.text("webhook"), url: "http://x", now: Date()
        )
        #expect(try Self.json(request)["timestamp"] as? String == "2026-02-02T02:40:00Z")
        #expect(throws: StandardWebhookSigner.InvalidSecret.self) { try StandardWebhookSigner(secret: "whsec_" + Data(repeating: 1, count: 16).base64EncodedString()) }
        #expect(throws: StandardWebhookSigner.InvalidSecret.self) { try StandardWebhookSigner(secret: "whsec_" + Data(repeating: 1, count: 65).base64EncodedString()) }
    }

    @Test("a message the receiver refuses (400, 413) is sent again in its shortest form before anything is given up")
    func ownPayloadRefused() async throws {
        let receiver = try WebhookReceiver()
        try await receiver.plan([["status": 413, "body": "request_too_large"]])
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let channel = WebhookChannel(configuration: .init(name: "slack", url: receiver.url), format: SlackFormat(), transport: transport)
        try await channel.deliver(Fixtures.alert(company: Self.decomposed))
        let requests = try await receiver.requests()
        #expect(requests.count == 2)
        #expect(requests[1].body.utf8.count < requests[0].body.utf8.count)

        try await receiver.plan([["status": 400, "body": "invalid_blocks"], ["status": 400, "body": "invalid_blocks"]])
        await #expect {
            try await channel.deliver(Fixtures.alert())
        } throws: { error in
            (error as? DeliveryError)?.kind == .permanent && "\(error)".contains("even in its shortest form")
        }
    }
}
