import Foundation
import Synchronization
import VigieCore
import VigieTransport

/// Allianz Trade's API as a source: each buyer's cover, like an export's decision.
public typealias AllianzTradeProvider = CompanyProvider<AllianzTradeAPI>

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
        guard let answer = try? SkimmingJSONDecoder().decode(Answer.self, from: body) else { throw CoverJSON.malformed(Self.insurer, "no covers list") }
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
/// below are what `vigie mock-provider` serves. `CofaceProvider` follows the decisions through
/// its NOTIFICATION service, and asks for a buyer only the first time.
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

    /// The decisions changed on the policy after `since` (a notification id); without it, none,
    /// with the current position to follow from.
    public func notificationsRequest(since: String?) -> HTTPRequest {
        HTTPRequest(method: "GET", url: "\(baseURL)/cofaserve/v1/notifications?\(ProviderClient.query([("policyNumber", policy)] + (since.map { [("since", $0)] } ?? [])))")
    }

    struct Notifications: Decodable {
        struct Notification: Decodable {
            var id: Int
            var decision: Answer.Decision
        }
        var notifications: [Notification]
        var cursor: String
    }

    /// Each changed decision, oldest first, and where to follow on from.
    public func notifications(from body: Data) throws -> (covers: [(siren: SIREN, cover: InsurerCover)], cursor: String) {
        guard let answer = try? SkimmingJSONDecoder().decode(Notifications.self, from: body) else { throw CoverJSON.malformed(Self.insurer, "no notifications list") }
        let covers = try answer.notifications.sorted { $0.id < $1.id }.map { try Self.read($0.decision) }
        return (covers, answer.cursor)
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
        guard let answer = try? SkimmingJSONDecoder().decode(Answer.self, from: body) else { throw CoverJSON.malformed(Self.insurer, "no decisions list") }
        guard let latest = answer.decisions.max(by: { ($0.decisionDate ?? "") < ($1.decisionDate ?? "") }) else { return nil }
        return try Self.read(latest)
    }

    static func read(_ latest: Answer.Decision) throws -> (siren: SIREN, cover: InsurerCover) {
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

/// Coface as a source through its NOTIFICATION service: one call a cycle lists the decisions
/// changed on the whole policy since the last, instead of one call per buyer. A buyer Vigie has
/// not asked about yet (a company new to the watchlists) is asked once, by itself; the buyers
/// asked are remembered in the store, so a restart does not ask them all again.
public final class CofaceProvider: ScoreProvider {
    public typealias Configuration = CompanyProvider<CofaceAPI>.Configuration

    let byBuyer: CompanyProvider<CofaceAPI>
    private let asked = Mutex<Set<SIREN>>([])

    public var name: String { CofaceAPI.provider }
    /// One cursor for the whole policy: one replica follows it.
    public var sharding: PollSharding { .wholePortfolio }

    public init(configuration: Configuration, transport: CurlTransport, clock: any WallClock = SystemWallClock()) {
        byBuyer = CompanyProvider(configuration: configuration, transport: transport, clock: clock)
    }

    public func remember(ids: [SIREN: String]) {
        asked.withLock { $0.formUnion(ids.keys) }
    }

    public func probe(_ company: SIREN) async throws -> ScoreObservation? {
        try await byBuyer.probe(company)
    }

    public func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll {
        // Where to follow from is read first: a decision changed while the newcomers are asked
        // is in the next list, not lost between the two.
        let api = byBuyer.configuration.api
        guard let session = byBuyer.session else { throw ProviderClient.Failure(status: nil, message: "Coface: no token session") }
        let response = try await session.send(api.notificationsRequest(since: cursor))
        let (changed, next) = try api.notifications(from: Data(response.body))
        let known = asked.withLock { $0 }
        let newcomers = companies.filter { !known.contains($0) }
        var poll = newcomers.isEmpty ? ScorePoll(observations: [], cursor: nil) : try await byBuyer.poll(newcomers, cursor: nil)
        let failed = Set(poll.failures.compactMap(\.siren))
        for siren in newcomers where !failed.contains(siren) { poll.learnedIDs[siren] = "asked" }
        asked.withLock { $0.formUnion(poll.learnedIDs.keys) }
        let watched = Set(companies), fresh = Set(newcomers)
        let today = CalendarDay(byBuyer.clock.now)
        for (siren, cover) in changed where watched.contains(siren) && !fresh.contains(siren) {
            var observation = ScoreObservation(siren: siren, provider: name, observedOn: cover.decidedOn ?? today)
            observation.cover = cover
            poll.observations.append(observation)
        }
        poll.cursor = next
        poll.asked = newcomers.count + 1
        return poll
    }
}
