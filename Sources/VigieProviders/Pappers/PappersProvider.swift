import Foundation
import VigieCore
import VigieTransport

/// Pappers as a source: `GET /v2/entreprise` per company, read by `PappersCompanyDecoder`.
/// Pappers publishes no score; what it adds is the company's legal state (ceased, struck off),
/// which the score diff turns into alerts like any provider's status.
public typealias PappersProvider = CompanyProvider<PappersAPI>

/// How Vigie asks Pappers about a company. The API token goes in the query string, as Pappers
/// documents it; transport errors name the host only, so it never reaches a log.
public struct PappersAPI: CompanyAPI {
    public static let provider = "pappers"
    public static let credentials = "the api_token the configuration names"

    /// `https://api.pappers.fr/v2`, or `vigie mock-provider`'s `/pappers/v2`.
    public var baseURL: String
    /// From the environment or a file; never logged.
    public var apiToken: String

    public init(baseURL: String, apiToken: String) {
        self.baseURL = ProviderClient.baseURL(baseURL)
        self.apiToken = apiToken
    }

    public func request(for siren: SIREN, at now: Date) -> HTTPRequest {
        HTTPRequest(method: "GET", url: "\(baseURL)/entreprise?\(ProviderClient.query([("api_token", apiToken), ("siren", siren.digits)]))")
    }

    public func observation(from body: Data, observedOn today: CalendarDay) throws -> ScoreObservation? {
        try PappersCompanyDecoder.decode(body, observedOn: today).observation
    }
}
