import Foundation
import VigieCore
import VigieTransport

/// Delivers alerts to an HTTP endpoint in one of the webhook formats, and says, from the
/// answer, whether a failure is worth retrying.
public struct WebhookChannel: AlertChannel {
    public struct Configuration: Sendable {
        public var name: String
        /// Holds the service's token (Slack, Discord, the `sig=` of Teams): never logged.
        public var url: String
        public var language: Language

        public init(name: String, url: String, language: Language = .en) {
            self.name = name
            self.url = url
            self.language = language
        }
    }

    let configuration: Configuration
    let format: any WebhookFormat
    let transport: CurlTransport
    let templates: MessageTemplates
    let clock: any WallClock
    /// What a receiver's answer must never carry into the store or the logs: the URL's token
    /// parts and the signing secret.
    let redactor: SecretRedactor

    public init(
        configuration: Configuration, format: any WebhookFormat, transport: CurlTransport, templates: MessageTemplates = .defaults,
        clock: any WallClock = SystemWallClock(), secrets: [String] = []
    ) {
        self.configuration = configuration
        self.format = format
        self.transport = transport
        self.templates = templates
        self.clock = clock
        self.redactor = SecretRedactor(url: configuration.url, values: secrets)
    }

    public var name: String { configuration.name }

    /// A message the receiver refuses as malformed or too large (400, 413, 422) is Vigie's
    /// fault, not the alert's: it is sent again in its shortest form (headline, severity,
    /// link) before the delivery is given up on, with a reason that says so.
    public func deliver(_ alert: Alert) async throws {
        let language = configuration.language
        let text = MessageText(isCustom: templates.isCustom("text", channel: configuration.name, type: format.name)) { [templates, configuration, format] in
            templates.render("text", channel: configuration.name, type: format.name, content: $0)
        }
        do {
            try await send(try format.request(for: alert, content: MessageContent(alert: alert, language: language), text: text, url: configuration.url, now: clock.now))
        } catch let error as DeliveryError where [400, 413, 422].contains(error.status ?? 0) {
            do {
                try await send(try format.request(for: alert, content: MessageContent(alert: alert, language: language).minimal, text: text, url: configuration.url, now: clock.now))
            } catch var second as DeliveryError where second.kind == .permanent {
                second.message = "the receiver refused Vigie's message even in its shortest form (first: \(error.message)); last: \(second.message)"
                throw second
            }
        }
    }

    /// A digest too large for one message goes as several, in order.
    public func deliver(digest alerts: [Alert]) async throws {
        let contents = alerts.map { MessageContent(alert: $0, language: configuration.language) }
        for request in try format.requests(forDigest: alerts, contents: contents, url: configuration.url, now: clock.now) {
            try await send(request)
        }
    }

    private func send(_ request: HTTPRequest) async throws {
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as TransportError {
            throw DeliveryError(kind: error.kind == .responseTooLarge ? .permanent : .transient, message: error.description)
        }
        if var failure = Self.failure(for: response, now: clock.now) {
            failure.message = redactor.redact(failure.message)
            throw failure
        }
    }

    /// 2xx is delivered. 408, 429 and 5xx are worth retrying (429 and 503 with their
    /// `Retry-After`, or Discord's `retry_after`); any other 4xx is permanent.
    public static func failure(for response: HTTPResponse, now: Date) -> DeliveryError? {
        let status = response.status
        guard !(200..<300).contains(status) else { return nil }
        let snippet = String(Escape.singleLine(response.text).prefix(200))
        let message = snippet.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(snippet)"
        switch status {
        case 408, 425, 429, 500...599:
            let retryAfter = [429, 503].contains(status) ? retryAfter(response, now: now) : nil
            return DeliveryError(kind: .transient, status: status, retryAfter: retryAfter, message: message)
        default:
            return DeliveryError(kind: .permanent, status: status, message: message)
        }
    }

    /// `Retry-After: 2`, `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`, or Discord's JSON `retry_after`.
    static func retryAfter(_ response: HTTPResponse, now: Date) -> Duration? {
        if let header = RetryAfter.parse(response.headers["retry-after"], now: now) { return header }
        if let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], let seconds = json["retry_after"] as? Double {
            return RetryAfter.seconds(seconds)
        }
        return nil
    }
}
