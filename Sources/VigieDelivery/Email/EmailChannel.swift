import Foundation
import VigieCore
import VigieTransport

/// Sends one email per alert revision through an SMTP relay: a text part and an HTML part,
/// a UTF-8 subject, and a Message-ID derived from the alert id, so mail clients thread the
/// corrections of an alert and a resent message is recognisably the same.
public struct EmailChannel: AlertChannel {
    public struct Configuration: Sendable {
        public var name: String
        /// The relay; its password comes from the environment or a file named in the configuration.
        public var relay: SMTPRelay
        public var from: String
        /// Addresses; `owner` stands for the owners of the alert's watchlist entries (each
        /// owner gets the alerts about the clients they own).
        public var to: [String]
        public var language: Language

        public init(name: String, relay: SMTPRelay, from: String, to: [String], language: Language = .en) {
            self.name = name
            self.relay = relay
            self.from = from
            self.to = to
            self.language = language
        }
    }

    let configuration: Configuration
    let transport: CurlTransport
    let templates: MessageTemplates
    let clock: any WallClock

    public init(configuration: Configuration, transport: CurlTransport, templates: MessageTemplates = .defaults, clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        self.transport = transport
        self.templates = templates
        self.clock = clock
    }

    public var name: String { configuration.name }

    /// The word in `to` that stands for the alert's owners.
    public static let ownerRecipient = "owner"

    public func deliver(_ alert: Alert) async throws {
        let to = try recipients(for: [alert])
        try await send(message(for: alert, to: to), to: to)
    }

    /// The fixed addresses, with `owner` replaced by the owners of the alerts' entries that are
    /// addresses; none at all is the configuration's mistake, not a passing failure.
    func recipients(for alerts: [Alert]) throws -> [String] {
        var recipients = configuration.to.filter { $0 != Self.ownerRecipient }
        if configuration.to.contains(Self.ownerRecipient) {
            for owner in alerts.flatMap({ $0.watch.compactMap(\.owner) }) where Self.isAddress(owner) && !recipients.contains(owner) {
                recipients.append(owner)
            }
        }
        guard !recipients.isEmpty else {
            let company = alerts.first?.companyName ?? alerts.first?.subjectKey ?? "?"
            throw DeliveryError(kind: .permanent, message: "no recipient: the watchlist entries of \(company) name no owner with an email address; give owners as addresses, or add a fixed address to \(configuration.name)'s to")
        }
        return recipients
    }

    /// One plain address: an owner is outside text, and must not add a header or a recipient.
    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && text.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 32 && !"<>,;:\"()[]\\".unicodeScalars.contains($0) }
    }

    /// One email listing the alerts of a digest window.
    public func deliver(digest alerts: [Alert]) async throws {
        let contents = alerts.map { MessageContent(alert: $0, language: configuration.language) }
        let digest = DigestContent(contents, language: configuration.language)
        let domain = configuration.from.split(separator: "@").last.map(String.init) ?? "vigie.local"
        let key = AlertIdentity.id(subject: alerts[0].subjectKey, kind: "digest", evidenceKey: alerts.map { "\($0.id).r\($0.revision)" }.joined(separator: ","))
        let html = "<!doctype html><html><body style=\"font-family: sans-serif\"><h2>\(Markup.escaped(digest.title))</h2><ul>"
            + digest.lines.map { "<li>\(Markup.escaped($0))</li>" }.joined() + "</ul></body></html>"
        let to = try recipients(for: alerts)
        try await send(MIMEMessage(
            from: configuration.from, to: to, subject: "[Vigie] \(digest.title)", text: digest.plainText, html: html,
            messageID: "\(key)@\(domain)", date: clock.now, boundary: "vigie-\(key)"
        ), to: to)
    }

    private func send(_ message: MIMEMessage, to recipients: [String]) async throws {
        do {
            try await transport.send(MailSubmission(relay: configuration.relay, from: configuration.from, recipients: recipients, message: message.rendered()))
        } catch let error as TransportError {
            // A refused login or address will be refused again: that is for a person to fix.
            let redactor = SecretRedactor(values: [configuration.relay.password, configuration.relay.username])
            throw DeliveryError(kind: error.kind == .rejected ? .permanent : .transient, message: redactor.redact(error.description))
        }
    }

    func message(for alert: Alert, to: [String]? = nil) -> MIMEMessage {
        let content = MessageContent(alert: alert, language: configuration.language)
        let domain = configuration.from.split(separator: "@").last.map(String.init) ?? "vigie.local"
        func render(_ part: String) -> String { templates.render(part, channel: configuration.name, type: "email", content: content) }
        return MIMEMessage(
            from: configuration.from, to: to ?? configuration.to, subject: render("subject"),
            text: render("text"), html: render("html"), messageID: "\(alert.id).r\(alert.revision)@\(domain)",
            date: clock.now, boundary: "vigie-\(alert.id)-\(alert.revision)"
        )
    }
}
