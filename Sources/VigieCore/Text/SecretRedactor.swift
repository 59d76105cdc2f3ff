import Foundation

/// Removes a channel's secrets from text that came back from outside — a receiver's reply
/// body, a server's error line — before it is stored, logged or printed. A server that echoes
/// the request path would otherwise put a Slack token into `alerts dead` and SQLite.
///
/// The secrets are the channel's URL (whole, its path, its query, its credentials, and each
/// long path segment or query value), in plain and percent-encoded forms, and any other value
/// the channel holds (a signing secret, a password).
public struct SecretRedactor: Sendable, Hashable {
    /// Longest first, so that a whole URL is replaced before its parts.
    let secrets: [String]

    public static let marker = "[redacted]"
    /// Text from outside is capped to this many characters once redacted.
    public static let cap = 300

    public init(url: String? = nil, values: [String?] = []) {
        var found = Set(values.compactMap { $0 }.filter { $0.count >= 4 })
        if let url { found.formUnion(Self.parts(ofURL: url)) }
        let encoded = found.compactMap { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) }
        let decoded = found.compactMap { $0.removingPercentEncoding }
        secrets = Set(found).union(encoded).union(decoded).filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    /// The parts of a URL that may hold a token: all but the scheme and the host.
    static func parts(ofURL url: String) -> [String] {
        guard let components = URLComponents(string: url), components.host != nil else { return url.count >= 8 ? [url] : [] }
        var parts = [url]
        let path = components.percentEncodedPath
        if path.count > 1 {
            parts.append(path)
            parts += path.split(separator: "/").map(String.init).filter { $0.count >= 6 }
            if let query = components.percentEncodedQuery { parts.append(path + "?" + query) }
        }
        if let query = components.percentEncodedQuery, !query.isEmpty {
            parts.append(query)
            parts += (components.percentEncodedQueryItems ?? []).compactMap(\.value).filter { $0.count >= 4 }
        }
        parts += [components.percentEncodedUser, components.percentEncodedPassword].compactMap { $0 }
        return parts
    }

    /// `text` with every secret replaced by `[redacted]`, on one line, capped.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.marker)
        }
        result = String(result.map { $0.isNewline ? " " : $0 })
        return result.count > Self.cap ? String(result.prefix(Self.cap)) + "…" : result
    }
}
