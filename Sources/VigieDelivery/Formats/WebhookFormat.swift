import Foundation
import VigieCore
import VigieTransport

/// How one kind of receiver wants an alert: the request body and headers. One format per
/// service; the channel, the transport and the retry handling are shared.
public protocol WebhookFormat: Sendable {
    /// `webhook`, `slack`, `teams`, `mattermost`, `discord`.
    var name: String { get }
    /// `text` is the channel's `text` template rendered for the alert (chat formats show it).
    func request(for alert: Alert, content: MessageContent, text: String, url: String, now: Date) throws -> HTTPRequest
    /// Several alerts as one message.
    func request(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> HTTPRequest
}

extension WebhookFormat {
    /// A JSON POST, keys sorted so that bodies are stable.
    func jsonRequest(url: String, body: Any, headers: [(name: String, value: String)] = []) throws -> HTTPRequest {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        return HTTPRequest(url: url, headers: [("Content-Type", "application/json")] + headers, body: Array(data))
    }
}

/// Escaping for each chat service's markup, so that text from outside stays text: no markup,
/// no link, no mention.
public enum Escape {
    /// Slack mrkdwn: `&`, `<` and `>` are the only control characters (`<!channel>` is a mention).
    static func slack(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Markdown (Mattermost, Discord, Teams): markup characters are backslash-escaped, and `@`
    /// gets a zero-width joiner so `@channel`, `@all`, `@here`, `@everyone` never notify.
    static func markdown(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\", "*", "_", "`", "~", "|", "[", "]", "(", ")", "#", ">", "<":
                result.append("\\")
                result.append(character)
            case "@":
                result.append("@\u{2060}")
            default:
                result.append(character)
            }
        }
        return result
    }

    /// No line breaks in a one-line field: header-like places never gain a line.
    static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// Every control character (CR and LF included) as a space: for email headers, which must
    /// not gain a line, and terminals, which must not run escape sequences from outside text.
    public static func controlCharacters(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}

extension Severity {
    /// An RGB colour for cards and embeds.
    var colour: Int {
        switch self {
        case .critical: 0xB00020
        case .high: 0xE65100
        case .warning: 0xF9A825
        case .info: 0x1565C0
        }
    }
}
