import Foundation
import VigieCore
import VigieTransport

/// What tells one company-by-company provider from another: how to ask about a company, and
/// how to read the answer. The rest — rate limit, retries, the breaker, concurrency, a 404 as
/// "unknown", a 401 as a credentials problem, an answer about another company refused — is
/// `CompanyProvider`'s, the same for all.
public protocol CompanyAPI: Sendable {
    /// The provider's name in snapshots, evidence and logs (`pappers`).
    static var provider: String { get }
    /// The settings to check when the provider refuses the credentials.
    static var credentials: String { get }
    /// The request for one company's report, sent at `now` (some APIs date their orders).
    func request(for siren: SIREN, at now: Date) -> HTTPRequest
    /// The observation an answer holds; nil when the answer says the provider does not know
    /// the company (Ellisphère answers that in its body, not with a 404).
    func observation(from body: Data, observedOn today: CalendarDay) throws -> ScoreObservation?
    /// The token calls carry, for an API that authenticates with one (OAuth2 client
    /// credentials); nil for one whose request carries its key.
    func authentication(_ client: ProviderClient) -> BearerSession?
}

extension CompanyAPI {
    public func authentication(_ client: ProviderClient) -> BearerSession? { nil }
}

/// A provider asked about one company at a time over HTTP: Ellisphère, Pappers, Altares, and
/// the insurers' APIs (Allianz Trade, Coface).
public final class CompanyProvider<API: CompanyAPI>: CompanyByCompanyProvider {
    public struct Configuration: Sendable {
        public var api: API
        /// Companies asked about at once.
        public var concurrency = 4
        public var client = ProviderClient.Configuration()

        public init(api: API) {
            self.api = api
        }
    }

    public var name: String { API.provider }
    let configuration: Configuration
    let client: ProviderClient
    let session: BearerSession?

    public init(configuration: Configuration, transport: CurlTransport, clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        let client = ProviderClient(name: ProviderName.display(API.provider), configuration: configuration.client, transport: transport, clock: clock)
        self.client = client
        session = configuration.api.authentication(client)
    }

    var concurrency: Int { configuration.concurrency }
    var clock: any WallClock { client.clock }

    /// The company's observation, or nil when the provider does not know it (404).
    func observe(_ siren: SIREN, on today: CalendarDay) async throws -> ScoreObservation? {
        guard let response = try await client.company(configuration.api.request(for: siren, at: clock.now), credentials: API.credentials, session: session) else { return nil }
        return try configuration.api.observation(from: Data(response.body), observedOn: today)
    }
}
