import Foundation
import VigieCore
import VigieTransport

/// Allianz Trade's API as a source: each buyer's cover, like an export's decision.
public typealias AllianzTradeProvider = CompanyProvider<AllianzTradeAPI>
/// Coface's CofaServe API as a source.
public typealias CofaceProvider = CompanyProvider<CofaceAPI>

/// What the insurers' APIs share: an OAuth2 token (and maybe an API key on every call), and an
/// answer read into a cover decision, dated by the decision.
protocol CoverAPI: CompanyAPI {
    static var insurer: String { get }
    var headers: [(String, String)] { get }
    func tokenRequest() -> HTTPRequest
    /// The buyer and the decision in force the answer holds; nil when it holds none.
    func cover(from body: Data) throws -> (siren: SIREN, cover: InsurerCover)?
}

extension CoverAPI {
    public static var provider: String { CoverageSource.insurer(insurer) }

    public func authentication(_ client: ProviderClient) -> BearerSession? {
        let request = tokenRequest()
        return BearerSession(client: client, credentials: Self.credentials, headers: headers, request: { request }, grant: { response in
            try BearerSession.oauth2(response, provider: client.name)
        })
    }

    public func observation(from body: Data, observedOn today: CalendarDay) throws -> ScoreObservation? {
        guard let (siren, cover) = try cover(from: body) else { return nil }
        var observation = ScoreObservation(siren: siren, provider: Self.provider, observedOn: cover.decidedOn ?? today)
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

    public func request(for siren: SIREN, at now: Date) -> HTTPRequest {
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

    public func request(for siren: SIREN, at now: Date) -> HTTPRequest {
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
