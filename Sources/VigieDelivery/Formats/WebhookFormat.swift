import Foundation
import VigieCore
import VigieTransport

/// How one kind of receiver wants an alert: the request body and headers. One format per
/// service; the channel, the transport and the retry handling are shared.
public protocol WebhookFormat: Sendable {
    /// `webhook`, `slack`, `teams`, `mattermost`, `discord`.
    var name: String { get }
    /// One alert as one message, within the service's limits: `text` renders the channel's
    /// `text` template for the message, as shortened as the format needs. `content` is
    /// rendered only when asked for: Vigie's own webhook sends the alert record instead.
    func request(for alert: Alert, content: @autoclosure () -> MessageContent, text: MessageText, url: String, now: Date) throws -> HTTPRequest
    /// Several alerts (a digest window) as few messages as the service's limits allow, in order.
    func requests(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> [HTTPRequest]
}

/// The channel's `text` template, rendered for whatever form of the message a format settles on.
public struct MessageText {
    public var render: (MessageContent) -> String
    /// The template is the channel's own (a file in the templates folder), not the built-in one.
    public var isCustom: Bool

    public init(isCustom: Bool = false, render: @escaping (MessageContent) -> String) {
        self.render = render
        self.isCustom = isCustom
    }
}

extension WebhookFormat {
    /// A JSON POST, keys sorted so that bodies are stable.
    func jsonRequest(url: String, body: Any, headers: [(name: String, value: String)] = []) throws -> HTTPRequest {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        return HTTPRequest(url: url, headers: [("Content-Type", "application/json")] + headers, body: Array(data))
    }
}

/// Escaping for each chat service's markup, so that text from outside stays text: no markup,
/// no link, no mention. Each escapes only what its service reads: a backslash Teams does not
/// understand would show on every card.
///
/// Mentions are stopped where they would notify and nowhere else: Slack's need `<!channel>`
/// (escaped here), Discord's are off for every message (`allowed_mentions`), Teams cards do not
/// mention from text, and Mattermost's `@channel` is broken only where it starts a word. An
/// owner's address stays as written.
public enum Escape {
    /// Slack mrkdwn: `&`, `<` and `>` are the only control characters (`<!channel>` is a mention).
    /// `* _ ~` and backticks cannot be escaped in mrkdwn: outside names go in `plain_text`.
    static func slack(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Markdown as Discord reads it: markup characters are backslash-escaped.
    static func markdown(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for (index, character) in text.enumerated() {
            switch character {
            case "\\", "*", "_", "`", "~", "|", "[", "]", "(", ")", "#", ">", "<":
                result.append("\\")
            case "-" where index == 0, "+" where index == 0:
                // A list marker only where a line starts.
                result.append("\\")
            default:
                break
            }
            result.append(character)
        }
        return result
    }

    /// Mattermost's Markdown also turns HTML entities into characters (`&lt;` shows as `<`):
    /// `&` is written as an entity itself. An `@` that starts a word (`@channel`, `@all`) gets
    /// a word joiner after it, so that it never notifies; one inside an address is left alone.
    static func mattermost(_ text: String) -> String {
        var result = ""
        var previous: Character?
        for character in markdown(text).replacingOccurrences(of: "&", with: "&amp;") {
            result.append(character)
            if character == "@", !(previous.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" } ?? false) {
                result.append("\u{2060}")
            }
            previous = character
        }
        return result
    }

    /// Teams reads a small Markdown (`**bold**`, `_italic_`, `[link](url)`, lists) and no
    /// backslash escapes. A zero-width space after each markup character breaks the markup
    /// without showing anything.
    static func teams(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for (index, character) in text.enumerated() {
            result.append(character)
            if "*_~`[]&<>".contains(character) || (index == 0 && "-+#0123456789".contains(character)) {
                result.append("\u{200B}")
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
