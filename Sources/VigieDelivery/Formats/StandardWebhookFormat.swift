import Crypto
import Foundation
import VigieCore
import VigieTransport

/// Vigie's own webhook: a versioned JSON body signed per Standard Webhooks
/// (https://www.standardwebhooks.com), so any endpoint can check the alert came from Vigie.
///
/// Body: `{"type": "alert.raised" | "alert.revised" | "alert.retracted", "timestamp": ISO 8601,
/// "version": 1, "data": <the alert, as in the alert log>}`. Headers: `webhook-id` (the alert's
/// id, with `-r<revision>` after the first revision, so a receiver deduplicates retries but
/// still gets corrections), `webhook-timestamp`, `webhook-signature`.
public struct StandardWebhookFormat: WebhookFormat {
    public let name = "webhook"
    let signer: StandardWebhookSigner

    public init(secret: String) throws {
        signer = try StandardWebhookSigner(secret: secret)
    }

    public func request(for alert: Alert, content: MessageContent, text: String, url: String, now: Date) throws -> HTTPRequest {
        let type = alert.state == .retracted ? "alert.retracted" : alert.revision > 1 ? "alert.revised" : "alert.raised"
        // The alert is already JSON (the alert log's line); the envelope's other values are
        // plain ASCII, so the body is assembled as text, keys in sorted order.
        let data = Array("{\"data\":\(AlertRecord(alert).jsonLine()),\"timestamp\":\"\(now.iso8601)\",\"type\":\"\(type)\",\"version\":1}".utf8)
        let id = Self.messageID(for: alert)
        let timestamp = Int(now.timeIntervalSince1970)
        return HTTPRequest(url: url, headers: [
            ("Content-Type", "application/json"),
            ("webhook-id", id),
            ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signer.signature(id: id, timestamp: timestamp, body: Array(data))),
        ], body: Array(data))
    }

    /// `alert.digest`, with `data` the list of alerts. Its id is derived from the alerts it
    /// carries, so a retried digest has the same id.
    public func request(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> HTTPRequest {
        let records = alerts.map { AlertRecord($0).jsonLine() }.joined(separator: ",")
        let data = Array("{\"data\":[\(records)],\"timestamp\":\"\(now.iso8601)\",\"type\":\"alert.digest\",\"version\":1}".utf8)
        let id = "vgd_" + String(AlertIdentity.id(subject: alerts[0].subjectKey, kind: "digest", evidenceKey: alerts.map(Self.messageID).joined(separator: ",")).dropFirst(3))
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
        public var description: String { "the webhook secret is not a Standard Webhooks secret; expected whsec_ followed by base64 (the secret itself is not shown)" }
    }

    /// The key's bytes: `SymmetricKey` is not `Sendable`, so one is made per signature.
    private let key: [UInt8]

    public init(secret: String) throws {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else { throw InvalidSecret() }
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
