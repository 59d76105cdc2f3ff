/// Why a transfer failed, in words that never include a URL's secret parts or a password.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case timeout
        case connection
        case tls
        case responseTooLarge = "response_too_large"
        /// The SMTP server refused the sender, a recipient or the message.
        case rejected
        case other
    }

    public var kind: Kind
    /// The libcurl error code, for support.
    public var code: Int
    /// Where, with secrets removed: scheme, host and port only.
    public var target: String
    public var detail: String

    public init(kind: Kind, code: Int, target: String, detail: String) {
        self.kind = kind
        self.code = code
        self.target = target
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue) talking to \(target): \(detail) (curl \(code))" }
}

/// The part of a URL that is safe to show: `https://hooks.slack.com`, never the path, the
/// query or credentials, which is where webhook services put their tokens.
public func redactedTarget(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://") else { return "<url>" }
    let rest = url[schemeEnd.upperBound...]
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    let host = authority.split(separator: "@").last.map(String.init) ?? ""
    return "\(url[..<schemeEnd.upperBound])\(host)"
}
