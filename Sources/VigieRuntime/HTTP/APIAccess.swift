import Crypto
import Foundation

/// What a token may do: read, act on cases and deliveries, or everything.
public enum APIRole: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Reads cases, alerts, companies, sources and deliveries.
    case viewer
    /// Also acts: case actions, redelivery.
    case `operator`
    /// Also administers: reload.
    case admin

    var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    public static func < (lhs: APIRole, rhs: APIRole) -> Bool { lhs.rank < rhs.rank }
}

/// One API token from the configuration, by reference (`token_env`, `token_file`). Only its
/// digest is kept: the token itself is compared once, never stored, logged or returned.
public struct APIToken: Sendable, Hashable {
    /// Who acts with it, as the audit trail records them: `ops-console`, `julie`.
    public var name: String
    public var role: APIRole
    let digest: [UInt8]

    public init(name: String, role: APIRole, secret: String) {
        self.name = name
        self.role = role
        digest = Array(SHA256.hash(data: Array(secret.utf8)))
    }
}

/// The tokens in force, and who a request is.
public struct APIAccess: Sendable {
    public var tokens: [APIToken]

    public init(tokens: [APIToken]) {
        self.tokens = tokens
    }

    /// The token an `Authorization: Bearer …` header presents, if any. Every token is compared
    /// in full, whichever matches, over digests of equal length: the time taken says nothing
    /// of how much of a token was right, nor which one matched.
    public func token(authorization: String?) -> APIToken? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let presented = Array(SHA256.hash(data: Array(authorization.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)))
        var found: APIToken?
        for token in tokens {
            var difference: UInt8 = 0
            for (a, b) in zip(token.digest, presented) { difference |= a ^ b }
            if difference == 0, found == nil { found = token }
        }
        return found
    }
}
