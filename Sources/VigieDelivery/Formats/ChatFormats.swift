import Foundation
import VigieCore
import VigieTransport

/// Slack incoming webhooks: Block Kit. Text from outside (names, the court's words, fact
/// values) goes in `plain_text`, where `* _ ~` and backticks are characters, not formatting;
/// only Vigie's own labels and the link are mrkdwn. A channel's own `slack.text` template
/// replaces the structured body with its mrkdwn (escaped for `& < >`).
///
/// Limits, counted as Slack counts them: a header 150, a section's text 3 000, a field 2 000,
/// 50 blocks a message. Outside text is shortened to fit, never the structure.
public struct SlackFormat: WebhookFormat {
    public let name = "slack"
    public init() {}

    static let sectionLimit = 3000
    static let fieldLimit = 2000

    public func request(for alert: Alert, content: @autoclosure () -> MessageContent, text: MessageText, url: String, now: Date) throws -> HTTPRequest {
        let content = content()
        let fitted = content.fitting(Self.fieldLimit) { candidate in
            ([candidate.company, candidate.courtText ?? "", text.isCustom ? text.render(candidate) : ""] + candidate.facts.map(\.value))
                .map(Limits.length).max() ?? 0
        }
        var blocks: [[String: Any]] = [
            ["type": "header", "text": Self.plain("\(fitted.severityLabel): \(fitted.title)", limit: 150)],
        ]
        if text.isCustom {
            blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": Limits.cut(text.render(fitted), Self.sectionLimit)]])
        } else {
            blocks.append(["type": "section", "text": Self.plain(([fitted.company] + (fitted.status.map { [$0] } ?? [])).joined(separator: "\n"))])
            // Fields show as two columns: each fact's label (Vigie's, in bold), then its value (outside, plain).
            for chunk in stride(from: 0, to: fitted.facts.count, by: 5).map({ Array(fitted.facts[$0..<min($0 + 5, fitted.facts.count)]) }) {
                blocks.append(["type": "section", "fields": chunk.flatMap { fact -> [[String: Any]] in
                    [["type": "mrkdwn", "text": "*\(Escape.slack(fact.label))*"], Self.plain(fact.value, limit: Self.fieldLimit)]
                }])
            }
            if let court = fitted.courtText { blocks.append(["type": "section", "text": Self.plain("“\(court)”")]) }
        }
        if let link = fitted.evidenceURL {
            blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": "<\(Self.linkTarget(link))|BODACC>"]]])
        }
        return try jsonRequest(url: url, body: ["text": Limits.cut(Escape.slack(fitted.headline), Self.sectionLimit), "blocks": blocks])
    }

    /// Each part: a header, then the lines in plain-text sections of at most 3 000, at most 40 sections.
    public func requests(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> [HTTPRequest] {
        let digest = DigestContent(contents, language: contents.first?.language ?? .en)
        let sections = DigestContent.pack(digest.lines.map { "• " + Limits.cut($0, Self.sectionLimit - 2) }, limit: Self.sectionLimit)
        let parts = stride(from: 0, to: sections.count, by: 40).map { Array(sections[$0..<min($0 + 40, sections.count)]) }
        return try parts.enumerated().map { index, part in
            let title = digest.title(part: index, of: parts.count)
            return try jsonRequest(url: url, body: [
                "text": Escape.slack(title),
                "blocks": [["type": "header", "text": Self.plain(title, limit: 150)]] + part.map { ["type": "section", "text": Self.plain($0)] },
            ])
        }
    }

    /// Slack reads `& < >` as entities and links in every text object: escaped in plain text
    /// too, and cut so that the escaped text stays within `limit`.
    static func plain(_ text: String, limit: Int = sectionLimit) -> [String: Any] {
        var escaped = Escape.slack(text)
        if Limits.length(escaped) > limit {
            escaped = Escape.slack(Limits.cut(text, max(1, limit - (Limits.length(escaped) - Limits.length(text)))))
        }
        return ["type": "plain_text", "text": escaped, "emoji": false]
    }

    /// A URL inside `<…|…>`: the characters that would end it are escaped.
    static func linkTarget(_ url: String) -> String {
        Escape.slack(url).replacingOccurrences(of: "|", with: "%7C")
    }
}

/// Microsoft Teams Workflows webhooks: an Adaptive Card (1.2, which Teams renders on every
/// client) in a message attachment, its outside text escaped for Teams' own small Markdown.
/// Teams refuses a message over about 28 KB: the card is fitted under 24 KB.
public struct TeamsFormat: WebhookFormat {
    public let name = "teams"
    public init() {}

    static let byteLimit = 24_000

    public func request(for alert: Alert, content: @autoclosure () -> MessageContent, text: MessageText, url: String, now: Date) throws -> HTTPRequest {
        let content = content()
        let fitted = content.fitting(Self.byteLimit) { candidate in
            (try? JSONSerialization.data(withJSONObject: Self.card(candidate, text: text.render(candidate))).count) ?? .max
        }
        return try jsonRequest(url: url, body: Self.message(Self.card(fitted, text: text.render(fitted))))
    }

    static func card(_ content: MessageContent, text: String) -> [String: Any] {
        let body: [[String: Any]] = [
            ["type": "TextBlock", "text": Escape.teams("\(content.severityLabel.uppercased()) · \(content.title)"), "weight": "Bolder", "size": "Medium", "wrap": true,
             "color": content.severity >= .high ? "Attention" : "Default"],
            ["type": "TextBlock", "text": text, "wrap": true],
            ["type": "FactSet", "facts": content.facts.map { ["title": Escape.teams($0.label), "value": Escape.teams($0.value)] }],
        ]
        var card: [String: Any] = ["$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.2", "body": body]
        if let link = content.evidenceURL { card["actions"] = [["type": "Action.OpenUrl", "title": "BODACC", "url": link]] }
        return card
    }

    public func requests(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> [HTTPRequest] {
        let digest = DigestContent(contents, language: contents.first?.language ?? .en)
        // A TextBlock of JSON-escaped text is at most about twice its UTF-8 size: lines are
        // packed under half the limit.
        let parts = DigestContent.pack(digest.lines.map { "- " + Escape.teams(Limits.cut($0, 1000)) }, limit: Self.byteLimit / 2, separator: "\n\n") { $0.utf8.count }
        return try parts.enumerated().map { index, part in
            let body: [[String: Any]] = [
                ["type": "TextBlock", "text": Escape.teams(digest.title(part: index, of: parts.count)), "weight": "Bolder", "wrap": true],
                ["type": "TextBlock", "text": part, "wrap": true],
            ]
            return try jsonRequest(url: url, body: Self.message(["$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.2", "body": body]))
        }
    }

    static func message(_ card: [String: Any]) -> [String: Any] {
        ["type": "message", "attachments": [["contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": NSNull(), "content": card]]]
    }
}

/// Mattermost incoming webhooks: Markdown text (a heading, a table of facts), escaped for
/// Mattermost, within its 16 383 characters a post.
public struct MattermostFormat: WebhookFormat {
    public let name = "mattermost"
    public init() {}

    static let limit = 16_000

    public func request(for alert: Alert, content: @autoclosure () -> MessageContent, text: MessageText, url: String, now: Date) throws -> HTTPRequest {
        let content = content()
        let fitted = content.fitting(Self.limit) { Limits.length(text.render($0)) }
        return try jsonRequest(url: url, body: ["text": Limits.cut(text.render(fitted), Self.limit), "username": "Vigie"])
    }

    public func requests(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> [HTTPRequest] {
        let digest = DigestContent(contents, language: contents.first?.language ?? .en)
        let parts = DigestContent.pack(digest.lines.map { "- " + Escape.mattermost(Limits.cut($0, 2000)) }, limit: Self.limit - 200)
        return try parts.enumerated().map { index, part in
            try jsonRequest(url: url, body: ["text": "#### " + Escape.mattermost(digest.title(part: index, of: parts.count)) + "\n" + part, "username": "Vigie"])
        }
    }
}

/// Discord webhooks: one embed within Discord's limits (title 256, description 4 096, 25 fields
/// of 256 and 1 024, 6 000 for the whole embed, counted as Discord counts), and
/// `allowed_mentions` empty so that no text, whatever it holds, pings anyone.
public struct DiscordFormat: WebhookFormat {
    public let name = "discord"
    public init() {}

    static let embedLimit = 5_900

    public func request(for alert: Alert, content: @autoclosure () -> MessageContent, text: MessageText, url: String, now: Date) throws -> HTTPRequest {
        let content = content()
        let fitted = content.fitting(Self.embedLimit) { Self.embedLength(Self.embed(alert, $0, text: text.render($0))) }
        var embed = Self.embed(alert, fitted, text: text.render(fitted))
        if Self.embedLength(embed) > Self.embedLimit { embed["fields"] = [] }
        return try jsonRequest(url: url, body: ["username": "Vigie", "embeds": [embed], "allowed_mentions": ["parse": [String]()]])
    }

    static func embed(_ alert: Alert, _ content: MessageContent, text: String) -> [String: Any] {
        var embed: [String: Any] = [
            "title": Limits.cut(Escape.singleLine("\(content.severityLabel.uppercased()) · \(content.title)"), 256),
            "description": Limits.cut(text, 4096),
            "color": content.severity.colour,
            "fields": content.facts.prefix(25).map { ["name": Limits.cut(Escape.markdown($0.label), 256), "value": Limits.cut(Escape.markdown($0.value), 1024), "inline": true] },
            "timestamp": alert.updatedAt.iso8601,
            "footer": ["text": "Vigie \(alert.id)"],
        ]
        if let link = content.evidenceURL { embed["url"] = link }
        return embed
    }

    /// What Discord adds up against its 6 000: title, description, field names and values, footer.
    static func embedLength(_ embed: [String: Any]) -> Int {
        let fields = (embed["fields"] as? [[String: Any]] ?? []).map { Limits.length($0["name"] as? String ?? "") + Limits.length($0["value"] as? String ?? "") }
        return [embed["title"], embed["description"], (embed["footer"] as? [String: Any])?["text"]].map { Limits.length($0 as? String ?? "") }.reduce(0, +) + fields.reduce(0, +)
    }

    public func requests(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> [HTTPRequest] {
        let digest = DigestContent(contents, language: contents.first?.language ?? .en)
        let parts = DigestContent.pack(digest.lines.map { "• " + Escape.markdown(Limits.cut($0, 1000)) }, limit: 4000)
        return try parts.enumerated().map { index, part in
            let embed: [String: Any] = ["title": Limits.cut(digest.title(part: index, of: parts.count), 256), "description": part, "color": digest.severity.colour]
            return try jsonRequest(url: url, body: ["username": "Vigie", "embeds": [embed], "allowed_mentions": ["parse": [String]()]])
        }
    }
}
