import Foundation
import VigieCore
import VigieTransport

/// Pappers as a source: `GET /v2/entreprise` per company, read by `PappersCompanyDecoder`.
/// Pappers publishes no score; what it adds is the company's legal state (ceased, struck off),
/// which the score diff turns into alerts like any provider's status.
///
/// The API token goes in the query string, as Pappers documents it; transport errors name the
/// host only, so it never reaches a log.
public final class PappersProvider: CompanyByCompanyProvider {
    public struct Configuration: Sendable {
        /// `https://api.pappers.fr/v2`, or `vigie mock-provider`'s `/pappers/v2`.
        public var baseURL: String
        /// From the environment or a file; never logged.
        public var apiToken: String
        public var concurrency = 4
        public var client = ProviderClient.Configuration()

        public init(baseURL: String, apiToken: String) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.apiToken = apiToken
        }
    }

    public let name = "pappers"
    let configuration: Configuration
    let client: ProviderClient

    public init(configuration: Configuration, transport: CurlTransport) {
        self.configuration = configuration
        self.client = ProviderClient(name: "Pappers", configuration: configuration.client, transport: transport)
    }

    var concurrency: Int { configuration.concurrency }

    /// The company's observation, or nil when Pappers does not know the SIREN (404).
    func observe(_ siren: SIREN, on today: CalendarDay) async throws -> ScoreObservation? {
        let query = ProviderClient.query([("api_token", configuration.apiToken), ("siren", siren.digits)])
        let request = HTTPRequest(method: "GET", url: "\(configuration.baseURL)/entreprise?\(query)")
        guard let response = try await client.company(request, credentials: "the api_token the configuration names") else { return nil }
        return try client.checked(try PappersCompanyDecoder.decode(Data(response.body), observedOn: today).observation, asked: siren)
    }
}
