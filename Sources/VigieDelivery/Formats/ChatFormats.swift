import Foundation
import VigieCore
import VigieTransport

/// Slack incoming webhooks: Block Kit (a header and a section of fields), with `text` as the
/// notification and fallback. `& < >` escaped, so `<!channel>` from a company name is text.
public struct SlackFormat: WebhookFormat {
    public let name = "slack"
    public init() {}

    public func request(for alert: Alert, content: MessageContent, text: String, url: String, now: Date) throws -> HTTPRequest {
        let sections: [[String: Any]] = [
            ["type": "header", "text": ["type": "plain_text", "text": String(Escape.singleLine("\(content.severityLabel): \(content.title)").prefix(150)), "emoji": false]],
            ["type": "section", "text": ["type": "mrkdwn", "text": String(text.prefix(3000))]],
        ]
        return try jsonRequest(url: url, body: ["text": Escape.slack(content.headline), "blocks": sections])
    }

    public func request(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> HTTPRequest {
        let digest = DigestContent(contents, language: contents.first?.language ?? .en)
        let list = digest.lines.map { "• " + Escape.slack($0) }.joined(separator: "\n")
        return try jsonRequest(url: url, body: [
            "text": Escape.slack(digest.title),
            "blocks": [
                ["type": "header", "text": ["type": "plain_text", "text": digest.title, "emoji": false]],
                ["type": "section", "text": ["type": "mrkdwn", "text": String(list.prefix(2900))]],
            ],
        ])
    }
}

/// Microsoft Teams Workflows webhooks: an Adaptive Card in a message attachment.
public struct TeamsFormat: WebhookFormat {
    public let name = "teams"
    public init() {}

    public func request(for alert: Alert, content: MessageContent, text: String, url: String, now: Date) throws -> HTTPRequest {
        let body: [[String: Any]] = [
            ["type": "TextBlock", "text": Escape.markdown("\(content.severityLabel.uppercased()) · \(content.title)"), "weight": "Bolder", "size": "Medium", "wrap": true,
             "color": content.severity >= .high ? "Attention" : "Default"],
            ["type": "TextBlock", "text": text, "wrap": true],
            ["type": "FactSet", "facts": content.facts.map { ["title": Escape.markdown($0.label), "value": Escape.markdown($0.value)] }],
        ]
        var card: [String: Any] = ["$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.2", "body": body]
        if let link = content.evidenceURL { card["actions"] = [["type": "Action.OpenUrl", "title": "BODACC", "url": link]] }
        return try jsonRequest(url: url, body: Self.message(card))
    }

    public func request(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> HTTPRequest {
        let digest = DigestContent(contents, language: contents.first?.language ?? .en)
        let body: [[String: Any]] = [["type": "TextBlock", "text": Escape.markdown(digest.title), "weight": "Bolder", "wrap": true]]
            + digest.lines.map { ["type": "TextBlock", "text": "- " + Escape.markdown($0), "wrap": true] }
        return try jsonRequest(url: url, body: Self.message(["$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.2", "body": body]))
    }

    static func message(_ card: [String: Any]) -> [String: Any] {
        ["type": "message", "attachments": [["contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": NSNull(), "content": card]]]
    }
}

/// Mattermost incoming webhooks: Markdown text, escaped, with mentions defused.
public struct MattermostFormat: WebhookFormat {
    public let name = "mattermost"
    public init() {}

    public func request(for alert: Alert, content: MessageContent, text: String, url: String, now: Date) throws -> HTTPRequest {
        return try jsonRequest(url: url, body: ["text": text, "username": "Vigie"])
    }

    public func request(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> HTTPRequest {
        let digest = DigestContent(contents, language: contents.first?.language ?? .en)
        let text = (["#### " + Escape.markdown(digest.title)] + digest.lines.map { "- " + Escape.markdown($0) }).joined(separator: "\n")
        return try jsonRequest(url: url, body: ["text": text, "username": "Vigie"])
    }
}

/// Discord webhooks: one embed within Discord's limits, and `allowed_mentions` empty so that
/// no text, whatever it holds, pings anyone.
public struct DiscordFormat: WebhookFormat {
    public let name = "discord"
    public init() {}

    public func request(for alert: Alert, content: MessageContent, text: String, url: String, now: Date) throws -> HTTPRequest {
        func cut(_ text: String, _ limit: Int) -> String { text.count > limit ? String(text.prefix(limit - 1)) + "…" : text }
        var embed: [String: Any] = [
            "title": cut(Escape.singleLine("\(content.severityLabel.uppercased()) · \(content.title)"), 256),
            "description": cut(text, 3000),
            "color": content.severity.colour,
            "fields": content.facts.prefix(25).map { ["name": cut(Escape.markdown($0.label), 256), "value": cut(Escape.markdown($0.value), 1024), "inline": true] },
            "timestamp": alert.updatedAt.iso8601,
            "footer": ["text": "Vigie \(alert.id)"],
        ]
        if let link = content.evidenceURL { embed["url"] = link }
        return try jsonRequest(url: url, body: ["username": "Vigie", "embeds": [embed], "allowed_mentions": ["parse": [String]()]])
    }

    public func request(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> HTTPRequest {
        let digest = DigestContent(contents, language: contents.first?.language ?? .en)
        var description = ""
        for line in digest.lines.map({ "• " + Escape.markdown($0) }) where description.count + line.count < 4000 {
            description += line + "\n"
        }
        let embed: [String: Any] = ["title": digest.title, "description": description, "color": digest.severity.colour]
        return try jsonRequest(url: url, body: ["username": "Vigie", "embeds": [embed], "allowed_mentions": ["parse": [String]()]])
    }
}
