/// Why a channel could not deliver, and whether trying again can help.
///
/// Channels throw it; the retry policy reads it. Its description never holds a secret: no
/// URL path or query, no password.
public struct DeliveryError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// A timeout, a connection error, a 5xx, a 429: worth another attempt later.
        case transient
        /// A 4xx other than 408 and 429, an address refused: trying again sends the same thing to the same refusal.
        case permanent
    }

    public var kind: Kind
    /// The HTTP status, when there was an answer.
    public var status: Int?
    /// What the receiver asked for (`Retry-After`), honoured as the earliest next attempt.
    public var retryAfter: Duration?
    public var message: String

    public init(kind: Kind, status: Int? = nil, retryAfter: Duration? = nil, message: String) {
        self.kind = kind
        self.status = status
        self.retryAfter = retryAfter
        self.message = message
    }

    public var description: String {
        "\(kind.rawValue)\(status.map { " HTTP \($0)" } ?? ""): \(message)"
    }
}
