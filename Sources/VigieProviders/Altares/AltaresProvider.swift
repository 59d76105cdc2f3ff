import Foundation
import VigieCore
import VigieTransport

/// Altares (Dun & Bradstreet France) as a score provider: `GET <base>/entreprises/{siren}/score`
/// with the API key as a bearer token, read by `AltaresScoreDecoder`.
///
/// **Unverified against the live service**: the path, the authentication and the answer's
/// shape are Vigie's assumptions (no public description exists); `vigie mock-provider` serves
/// the same shape, so the adapter runs end to end, and the decoder is the one place to adjust.
public final class AltaresProvider: CompanyByCompanyProvider {
    public struct Configuration: Sendable {
        /// The service's base URL, from the contract (there is no public default).
        public var baseURL: String
        /// From the environment or a file; never logged.
        public var apiKey: String
        public var concurrency = 4
        public var client = ProviderClient.Configuration()

        public init(baseURL: String, apiKey: String) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.apiKey = apiKey
        }
    }

    public let name = "altares"
    let configuration: Configuration
    let client: ProviderClient

    public init(configuration: Configuration, transport: CurlTransport) {
        self.configuration = configuration
        self.client = ProviderClient(name: "Altares", configuration: configuration.client, transport: transport)
    }

    var concurrency: Int { configuration.concurrency }

    /// The company's observation, or nil when Altares does not know it (404).
    func observe(_ siren: SIREN, on today: CalendarDay) async throws -> ScoreObservation? {
        let request = HTTPRequest(method: "GET", url: "\(configuration.baseURL)/entreprises/\(siren.digits)/score", headers: [("Authorization", "Bearer \(configuration.apiKey)")])
        guard let response = try await client.company(request, credentials: "the api_key the configuration names") else { return nil }
        return try client.checked(try AltaresScoreDecoder.decode(Data(response.body), observedOn: today), asked: siren)
    }
}
