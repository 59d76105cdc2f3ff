import Crypto

/// Derives an alert's id from what it is about, so that a re-poll, a restart or a second
/// source reporting the same event lands on the same id and never alerts twice. The id is
/// also the idempotency key receivers deduplicate on.
public enum AlertIdentity {
    /// `vg_` followed by 32 hex digits of SHA-256 over (company, kind, evidence key).
    public static func id(siren: SIREN, kind: String, evidenceKey: String) -> String {
        id(subject: siren.digits, kind: kind, evidenceKey: evidenceKey)
    }

    /// The same over any subject: a SIREN's digits, or `source:<name>` for a source-health alert.
    public static func id(subject: String, kind: String, evidenceKey: String) -> String {
        let digest = SHA256.hash(data: Array("v1|\(subject)|\(kind)|\(evidenceKey)".utf8))
        let hex = digest.prefix(16).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }
        return "vg_" + hex.joined()
    }
}
