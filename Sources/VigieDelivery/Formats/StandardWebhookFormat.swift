import Crypto
import Foundation
import VigieCore
import VigieTransport

/// Vigie's own webhook: a versioned JSON body signed per Standard Webhooks
/// (https://www.standardwebhooks.com), so any endpoint can check the alert came from Vigie.
///
/// Body: `{"type": "alert.raised" | "alert.revised" | "alert.retracted", "timestamp": ISO 8601,
/// "version": 1, "data": <the alert, as in the alert log>}`; `timestamp` is when the event
/// happened (the alert's revision), as the spec asks, not when it is delivered: a retry carries
/// the same body. Headers: `webhook-id` (the alert's id, with `-r<revision>` after the first
/// revision, so a receiver deduplicates retries but still gets corrections), `webhook-timestamp`
/// (the attempt's time, which the signature covers), `webhook-signature`.
public struct StandardWebhookFormat: WebhookFormat {
    public let name = "webhook"
    let signer: StandardWebhookSigner

    /// A digest is split into bodies of at most this many bytes (many receivers refuse more
    /// than a few tens of kilobytes).
    static let digestByteLimit = 20_000

    public init(secret: String) throws {
        signer = try StandardWebhookSigner(secret: secret)
    }

    /// The body is the alert record: the message for people (`content`) is never rendered.
    public func request(for alert: Alert, content: @autoclosure () -> MessageContent, text: MessageText, url: String, now: Date) throws -> HTTPRequest {
        let type = alert.state == .retracted ? "alert.retracted" : alert.revision > 1 ? "alert.revised" : "alert.raised"
        // The alert is already JSON (the alert log's line); the envelope's other values are
        // plain ASCII, so the body is assembled as text, keys in sorted order.
        let data = Array("{\"data\":\(AlertRecord(alert).jsonLine()),\"timestamp\":\"\(alert.updatedAt.iso8601)\",\"type\":\"\(type)\",\"version\":1}".utf8)
        return signed(data, id: Self.messageID(for: alert), url: url, now: now)
    }

    /// `alert.digest`, with `data` the list of alerts, in parts of at most `digestByteLimit`.
    /// A part's id is derived from the alerts it carries, so a retried part has the same id;
    /// its `timestamp` is its latest alert's.
    public func requests(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> [HTTPRequest] {
        var parts: [[(alert: Alert, record: String)]] = []
        var size = 0
        for alert in alerts {
            let record = AlertRecord(alert).jsonLine()
            if let last = parts.last, !last.isEmpty, size + record.utf8.count > Self.digestByteLimit {
                parts.append([])
                size = 0
            }
            if parts.isEmpty { parts.append([]) }
            parts[parts.count - 1].append((alert, record))
            size += record.utf8.count + 1
        }
        return parts.map { part in
            let latest = part.map(\.alert.updatedAt).max() ?? now
            let data = Array("{\"data\":[\(part.map(\.record).joined(separator: ","))],\"timestamp\":\"\(latest.iso8601)\",\"type\":\"alert.digest\",\"version\":1}".utf8)
            let id = "vgd_" + String(AlertIdentity.id(subject: part[0].alert.subjectKey, kind: "digest", evidenceKey: part.map { Self.messageID(for: $0.alert) }.joined(separator: ",")).dropFirst(3))
            return signed(data, id: id, url: url, now: now)
        }
    }

    func signed(_ data: [UInt8], id: String, url: String, now: Date) -> HTTPRequest {
        let timestamp = Int(now.timeIntervalSince1970)
        return HTTPRequest(url: url, headers: [
            ("Content-Type", "application/json"), ("webhook-id", id), ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signer.signature(id: id, timestamp: timestamp, body: data)),
        ], body: data)
    }

    static func messageID(for alert: Alert) -> String {
        alert.revision == 1 ? alert.id : "\(alert.id)-r\(alert.revision)"
    }
}

/// The Standard Webhooks `v1` signature: HMAC-SHA256 over `id.timestamp.body`, keyed with the
/// base64-decoded part of a `whsec_` secret.
public struct StandardWebhookSigner: Sendable {
    public struct InvalidSecret: Error, CustomStringConvertible {
        public init() {}
        public var description: String {
            "the webhook secret is not a Standard Webhooks secret; expected whsec_ followed by the base64 of 24 to 64 random bytes (the secret itself is not shown)"
        }
    }

    /// The key sizes the spec allows, in bytes.
    public static let keySizes = 24...64

    /// The key's bytes: `SymmetricKey` is not `Sendable`, so one is made per signature.
    private let key: [UInt8]

    public init(secret: String) throws {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), Self.keySizes.contains(bytes.count) else { throw InvalidSecret() }
        key = Array(bytes)
    }

    /// `v1,<base64 signature>`.
    public func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        var message = Array("\(id).\(timestamp).".utf8)
        message.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
