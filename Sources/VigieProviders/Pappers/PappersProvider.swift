import Foundation
import VigieCore
import VigieTransport

/// Pappers as a source: `GET /v2/entreprise` per company, read by `PappersCompanyDecoder`.
/// Pappers publishes no score; what it adds is the company's legal state (ceased, struck off),
/// which the score diff turns into alerts like any provider's status.
///
/// The API token goes in the query string, as Pappers documents it; transport errors name the
/// host only, so it never reaches a log.
public final class PappersProvider: ScoreProvider {
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

    public func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll {
        let today = CalendarDay(Date())
        return try await CompanyPoll.run(companies, concurrency: configuration.concurrency) { siren in
            try await self.observe(siren, on: today)
        }
    }

    /// The company's observation, or nil when Pappers does not know the SIREN (404).
    func observe(_ siren: SIREN, on today: CalendarDay) async throws -> ScoreObservation? {
        let query = ProviderClient.query([("api_token", configuration.apiToken), ("siren", siren.digits)])
        guard let response = try await client.sendUnlessNotFound(HTTPRequest(method: "GET", url: "\(configuration.baseURL)/entreprise?\(query)")) else { return nil }
        guard response.status != 401 else {
            throw ProviderClient.Failure(status: 401, message: "Pappers refused the API token (HTTP 401); check the api_token the configuration names")
        }
        let company = try PappersCompanyDecoder.decode(Data(response.body), observedOn: today)
        guard company.observation.siren == siren else {
            throw ProviderClient.Failure(status: response.status, message: "Pappers answered for SIREN \(company.observation.siren.digits) when asked about \(siren.digits)")
        }
        return company.observation
    }
}
