import Foundation
import VigieCore
import VigieTransport

/// What tells one insurer's API from another: how to get a token, how to ask for a buyer's
/// cover, how to read the answer. The rest — the token kept and renewed, rate limit, retries,
/// the breaker, a 404 as "no cover known", an answer about another buyer refused — is
/// `InsurerAPIProvider`'s, the same for all.
public protocol CoverAPI: Sendable {
    /// `allianz-trade`: the source is `insurer:allianz-trade`.
    static var insurer: String { get }
    /// What to check when the insurer refuses the credentials.
    static var credentials: String { get }
    /// Headers every call carries besides the token (an API key).
    var headers: [(String, String)] { get }
    func tokenRequest() -> HTTPRequest
    func request(for siren: SIREN) -> HTTPRequest
    /// The decision in force the answer holds; nil when it holds none for the buyer.
    func cover(from body: Data) throws -> (siren: SIREN, cover: InsurerCover)?
}

/// A credit insurer's API as a source, one buyer at a time: its decision on each watched
/// company, diffed like an export's.
public final class InsurerAPIProvider<API: CoverAPI>: CompanyByCompanyProvider {
    public struct Configuration: Sendable {
        public var api: API
        public var concurrency = 4
        public var client = ProviderClient.Configuration()

        public init(api: API) {
            self.api = api
        }
    }

    public var name: String { CoverageSource.insurer(API.insurer) }
    let configuration: Configuration
    let client: ProviderClient
    let session: BearerSession

    public init(configuration: Configuration, transport: CurlTransport, clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        let client = ProviderClient(name: ProviderName.display(CoverageSource.insurer(API.insurer)), configuration: configuration.client, transport: transport, clock: clock)
        self.client = client
        let api = configuration.api
        session = BearerSession(client: client, credentials: API.credentials, headers: api.headers, request: { api.tokenRequest() }, grant: { response in
            try BearerSession.oauth2(response, provider: client.name)
        })
    }

    var concurrency: Int { configuration.concurrency }
    var clock: any WallClock { client.clock }

    func observe(_ siren: SIREN, on today: CalendarDay) async throws -> ScoreObservation? {
        let response: HTTPResponse
        do {
            response = try await session.send(configuration.api.request(for: siren))
        } catch let failure as ProviderClient.Failure where failure.status == 404 {
            return nil
        }
        guard let (buyer, cover) = try configuration.api.cover(from: Data(response.body)) else { return nil }
        var observation = ScoreObservation(siren: buyer, provider: name, observedOn: cover.decidedOn ?? today)
        observation.cover = cover
        return observation
    }
}

/// Reading the insurers' JSON: one decoder for dates and amounts as their APIs write them.
enum CoverJSON {
    static func day(_ raw: String?) -> CalendarDay? {
        raw.flatMap { CalendarDay(iso: $0.prefix(10)) }
    }

    static func money(_ value: Double?, _ currency: String?) -> Money? {
        guard let value, value.isFinite, value >= 0 else { return nil }
        return Money(amount: Decimal(string: String(format: "%.2f", value)) ?? Decimal(value), currency: currency ?? "EUR")
    }

    static func malformed(_ insurer: String, _ detail: String) -> ProviderClient.Failure {
        ProviderClient.Failure(status: 200, message: "\(ProviderName.display(CoverageSource.insurer(insurer)))'s answer is not a cover decision: \(detail)", reason: .malformed)
    }

    static func decision(_ raw: String, insurer: String) throws -> CoverDecision {
        guard let decision = CoverDecision.reading(raw) else { throw malformed(insurer, "unknown decision \"\(raw.prefix(40))\"") }
        return decision
    }
}

/// Allianz Trade's API, as its developer portal describes it: an OAuth2 client-credentials
/// token, then the covers of a policy by buyer.
///
/// UNVERIFIED: no public contract gives the payloads; the paths and fields below follow the
/// portal's overview (covers per buyer, decision type, amount, dates) and are what
/// `vigie mock-provider` serves. Check them against your contract's documentation.
public struct AllianzTradeAPI: CoverAPI {
    public static let insurer = "allianz-trade"
    public static let credentials = "the client_id and client_secret"

    public var baseURL: String
    public var policy: String
    public var clientID: String
    /// From the environment or a file; never logged.
    public var clientSecret: String

    public init(baseURL: String, policy: String, clientID: String, clientSecret: String) {
        self.baseURL = ProviderClient.baseURL(baseURL)
        self.policy = policy
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    public var headers: [(String, String)] { [] }

    public func tokenRequest() -> HTTPRequest {
        BearerSession.clientCredentials(url: "\(baseURL)/oauth2/token", clientID: clientID, secret: clientSecret)
    }

    public func request(for siren: SIREN) -> HTTPRequest {
        HTTPRequest(method: "GET", url: "\(baseURL)/v1/covers?\(ProviderClient.query([("policyId", policy), ("buyerNationalId", siren.digits), ("buyerCountryCode", "FR")]))")
    }

    struct Answer: Decodable {
        struct Cover: Decodable {
            struct Buyer: Decodable { var nationalId: String; var name: String? }
            struct Amount: Decodable { var value: Double; var currency: String? }
            struct Decision: Decodable {
                var type: String
                var amount: Amount?
                var requestedAmount: Amount?
                var effectiveDate: String?
                var expiryDate: String?
            }
            var coverId: String?
            var buyer: Buyer
            var decision: Decision
        }
        var covers: [Cover]
    }

    public func cover(from body: Data) throws -> (siren: SIREN, cover: InsurerCover)? {
        guard let answer = try? JSONDecoder().decode(Answer.self, from: body) else { throw CoverJSON.malformed(Self.insurer, "no covers list") }
        // The latest decision is the one in force.
        guard let latest = answer.covers.max(by: { ($0.decision.effectiveDate ?? "") < ($1.decision.effectiveDate ?? "") }) else { return nil }
        guard let siren = try? SIREN(latest.buyer.nationalId) else { throw CoverJSON.malformed(Self.insurer, "buyer \"\(latest.buyer.nationalId.prefix(20))\" is no SIREN") }
        let decision = latest.decision
        var cover = InsurerCover(
            insurer: Self.insurer, decision: try CoverJSON.decision(decision.type, insurer: Self.insurer),
            requested: CoverJSON.money(decision.requestedAmount?.value, decision.requestedAmount?.currency),
            granted: CoverJSON.money(decision.amount?.value, decision.amount?.currency),
            decidedOn: CoverJSON.day(decision.effectiveDate), expiresOn: CoverJSON.day(decision.expiryDate), reference: latest.coverId
        )
        if !cover.decision.covers { cover.granted = Money(amount: 0, currency: cover.granted?.currency ?? "EUR") }
        return (siren, cover)
    }
}

/// Coface's CofaServe API: an OAuth2 token and an API key on every call, then the decisions
/// of a policy by buyer.
///
/// UNVERIFIED: CofaServe's contract is given to customers, not published; the paths and fields
/// below are what `vigie mock-provider` serves. Its NOTIFICATION service, which lists the
/// decisions changed on the whole portfolio, is not used yet: each buyer is asked for.
public struct CofaceAPI: CoverAPI {
    public static let insurer = "coface"
    public static let credentials = "the client_id, client_secret and api_key"

    public var baseURL: String
    public var policy: String
    public var clientID: String
    public var clientSecret: String
    public var apiKey: String

    public init(baseURL: String, policy: String, clientID: String, clientSecret: String, apiKey: String) {
        self.baseURL = ProviderClient.baseURL(baseURL)
        self.policy = policy
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.apiKey = apiKey
    }

    public var headers: [(String, String)] { [("apikey", apiKey)] }

    public func tokenRequest() -> HTTPRequest {
        BearerSession.clientCredentials(url: "\(baseURL)/oauth/token", clientID: clientID, secret: clientSecret)
    }

    public func request(for siren: SIREN) -> HTTPRequest {
        HTTPRequest(method: "GET", url: "\(baseURL)/cofaserve/v1/decisions?\(ProviderClient.query([("policyNumber", policy), ("siren", siren.digits)]))")
    }

    struct Answer: Decodable {
        struct Decision: Decodable {
            struct Buyer: Decodable { var siren: String; var companyName: String? }
            var decisionId: String?
            var easyNumber: String?
            var buyer: Buyer
            /// An EDIFACT 4507 code (`"9"`), or the decision in words.
            var decisionCode: String
            var currency: String?
            var requestedAmount: Double?
            var decisionAmount: Double?
            var decisionDate: String?
            var expiryDate: String?
        }
        var decisions: [Decision]
    }

    public func cover(from body: Data) throws -> (siren: SIREN, cover: InsurerCover)? {
        guard let answer = try? JSONDecoder().decode(Answer.self, from: body) else { throw CoverJSON.malformed(Self.insurer, "no decisions list") }
        guard let latest = answer.decisions.max(by: { ($0.decisionDate ?? "") < ($1.decisionDate ?? "") }) else { return nil }
        guard let siren = try? SIREN(latest.buyer.siren) else { throw CoverJSON.malformed(Self.insurer, "buyer \"\(latest.buyer.siren.prefix(20))\" is no SIREN") }
        var cover = InsurerCover(
            insurer: Self.insurer, decision: try CoverJSON.decision(latest.decisionCode, insurer: Self.insurer),
            requested: CoverJSON.money(latest.requestedAmount, latest.currency), granted: CoverJSON.money(latest.decisionAmount, latest.currency),
            decidedOn: CoverJSON.day(latest.decisionDate), expiresOn: CoverJSON.day(latest.expiryDate), reference: latest.easyNumber ?? latest.decisionId
        )
        if !cover.decision.covers { cover.granted = Money(amount: 0, currency: latest.currency ?? "EUR") }
        return (siren, cover)
    }
}
