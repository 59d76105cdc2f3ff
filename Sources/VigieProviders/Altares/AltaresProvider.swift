import Foundation
import VigieCore
import VigieTransport

/// Altares (Dun & Bradstreet France) as a score provider: `GET <base>/entreprises/{siren}/score`
/// with the API key as a bearer token, read by `AltaresScoreDecoder`.
///
/// **Unverified against the live service**: the path, the authentication and the answer's
/// shape are Vigie's assumptions (no public description exists); `vigie mock-provider` serves
/// the same shape, so the adapter runs end to end, and this file and the decoder are the places
/// to adjust.
public typealias AltaresProvider = CompanyProvider<AltaresAPI>

public struct AltaresAPI: CompanyAPI {
    public static let provider = "altares"
    public static let credentials = "the api_key the configuration names"

    /// The service's base URL, from the contract (there is no public default).
    public var baseURL: String
    /// From the environment or a file; never logged.
    public var apiKey: String

    public init(baseURL: String, apiKey: String) {
        self.baseURL = ProviderClient.baseURL(baseURL)
        self.apiKey = apiKey
    }

    public func request(for siren: SIREN, at now: Date) -> HTTPRequest {
        HTTPRequest(method: "GET", url: "\(baseURL)/entreprises/\(siren.digits)/score", headers: [("Authorization", "Bearer \(apiKey)")])
    }

    public func observation(from body: Data, observedOn today: CalendarDay) throws -> ScoreObservation? {
        try AltaresScoreDecoder.decode(body, observedOn: today)
    }
}
