import Foundation
import Synchronization
import VigieCore
import VigieTransport

/// A bearer token for a provider's API: fetched when first needed, kept until it expires or
/// the provider refuses it, then fetched again once. One way for every provider that
/// authenticates with a token (Creditsafe, the insurers' OAuth2 client credentials).
public final class BearerSession: Sendable {
    /// A token, and how long the provider says it lasts.
    public struct Grant: Sendable {
        public var token: String
        public var lifetime: Duration?

        public init(token: String, lifetime: Duration? = nil) {
            self.token = token
            self.lifetime = lifetime
        }
    }

    let client: ProviderClient
    /// The request that asks for a token, and how to read the answer.
    let request: @Sendable () throws -> HTTPRequest
    let grant: @Sendable (HTTPResponse) throws -> Grant
    /// Headers every call carries besides the token (an API key).
    let headers: [(String, String)]
    /// What a refused token request refused, for its message (`the username and password`).
    let credentials: String
    private let state = Mutex<(token: String?, expires: Date?)>((nil, nil))

    public init(
        client: ProviderClient, credentials: String = "the credentials", headers: [(String, String)] = [], request: @escaping @Sendable () throws -> HTTPRequest,
        grant: @escaping @Sendable (HTTPResponse) throws -> Grant
    ) {
        self.client = client
        self.credentials = credentials
        self.headers = headers
        self.request = request
        self.grant = grant
    }

    /// The token in hand, unless it has expired or `renew` asks for a new one.
    public func token(renew: Bool) async throws -> String {
        let now = client.clock.now
        if !renew, let token = state.withLock({ state in state.expires.map { $0 > now } ?? true ? state.token : nil }) { return token }
        var asked = try request()
        asked.headers += headers
        let response = try await client.send(asked)
        guard response.status != 401 else {
            throw ProviderClient.Failure(status: 401, message: "\(client.name) refused \(credentials) (HTTP 401); check the credentials the configuration names")
        }
        let granted = try grant(response)
        // A minute's margin: a token about to expire is renewed before a call fails on it.
        let expires = granted.lifetime.map { now.addingTimeInterval(max(0, $0.seconds - 60)) }
        state.withLock { $0 = (granted.token, expires) }
        return granted.token
    }

    /// Sends with the token; on a 401, fetches a new one once and sends again.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var signed = request
        signed.headers += headers + [("Authorization", "Bearer \(try await token(renew: false))")]
        var response = try await client.send(signed)
        if response.status == 401 {
            signed = request
            signed.headers += headers + [("Authorization", "Bearer \(try await token(renew: true))")]
            response = try await client.send(signed)
            if response.status == 401 { throw ProviderClient.Failure(status: 401, message: "\(client.name) refused a fresh token (HTTP 401)") }
        }
        return response
    }

    /// Reads an OAuth2 token answer (`access_token`, `expires_in`).
    public static func oauth2(_ response: HTTPResponse, provider: String) throws -> Grant {
        struct Answer: Decodable {
            var access_token: String
            var expires_in: Double?
        }
        guard let answer = try? SkimmingJSONDecoder().decode(Answer.self, from: Data(response.body)), !answer.access_token.isEmpty else {
            throw ProviderClient.Failure(status: response.status, message: "\(provider)'s token answer holds no access_token", reason: .malformed)
        }
        return Grant(token: answer.access_token, lifetime: answer.expires_in.flatMap { $0.isFinite && $0 > 0 ? .seconds(min($0, 31_536_000)) : nil })
    }

    /// The OAuth2 client-credentials request, the secret in the form body, never in the URL.
    public static func clientCredentials(url: String, clientID: String, secret: String, scope: String? = nil) -> HTTPRequest {
        let form = ProviderClient.query([("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret)] + (scope.map { [("scope", $0)] } ?? []))
        return HTTPRequest(url: url, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
    }
}
