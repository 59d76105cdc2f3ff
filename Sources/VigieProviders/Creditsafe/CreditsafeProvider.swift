import Foundation
import Synchronization
import VigieCore
import VigieTransport

/// Creditsafe Connect as a score provider: authenticate (the token is kept until it expires,
/// and renewed on a 401), find each company's `connectId` by its SIREN (kept), fetch its
/// report, and read the observation out of it.
///
/// One company's failure never stops the others: it is reported in the poll's failures and
/// its state stays as it was.
///
/// With `monitoring` on, the scalable path: the watchlists are kept in a Creditsafe portfolio,
/// and each poll reads the portfolio's notification events since the last one, fetching
/// reports only for companies with events (and for companies just added, as their baseline).
public final class CreditsafeProvider: CompanyByCompanyProvider {
    public struct Configuration: Sendable {
        /// `https://connect.creditsafe.com/v1`, or the sandbox, or `vigie mock-provider`'s.
        public var baseURL: String
        public var username: String
        /// From the environment or a file; never logged.
        public var password: String
        /// Companies fetched at once.
        public var concurrency = 8
        public var client = ProviderClient.Configuration()
        /// The monitoring API instead of a report per company per poll; nil polls every company.
        public var monitoring: Monitoring?

        public struct Monitoring: Sendable {
            /// The portfolio Vigie keeps in step with the watchlists (found by name, or created).
            public var portfolio = "Vigie"
            /// Events and portfolio companies per page.
            public var pageSize = 1000
            /// Events are read again from this long before the last poll: late-indexed ones
            /// are not missed, and re-reading one only fetches a report again.
            public var overlap: Duration = .seconds(3600)
            /// The notification event rules Vigie turns on (by `ruleCode`); nil turns on every
            /// rule the portfolio lists for France. A new portfolio has none on: without them
            /// no event ever comes.
            public var eventRules: Set<Int>?

            public init() {}
        }

        public init(baseURL: String, username: String, password: String) {
            self.baseURL = ProviderClient.baseURL(baseURL)
            self.username = username
            self.password = password
        }
    }

    public let name = "creditsafe"
    let configuration: Configuration
    let client: ProviderClient
    /// Creditsafe's token, from `POST /authenticate` with the username and password.
    let session: BearerSession
    private let state = Mutex<(connectIDs: [SIREN: String], learned: [SIREN: String])>(([:], [:]))

    public init(configuration: Configuration, transport: CurlTransport, clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        let client = ProviderClient(name: "Creditsafe", configuration: configuration.client, transport: transport, clock: clock)
        self.client = client
        session = BearerSession(client: client, credentials: "the username and password", request: {
            let body = try JSONSerialization.data(withJSONObject: ["username": configuration.username, "password": configuration.password])
            return HTTPRequest(url: "\(configuration.baseURL)/authenticate", headers: [("Content-Type", "application/json")], body: Array(body))
        }, grant: { response in
            struct Token: Decodable { var token: String }
            guard let token = try? SkimmingJSONDecoder().decode(Token.self, from: Data(response.body)).token else {
                throw ProviderClient.Failure(status: response.status, message: "Creditsafe's authentication answer holds no token")
            }
            return BearerSession.Grant(token: token)
        })
    }

    var clock: any WallClock { client.clock }

    /// Monitoring reads one event cursor for the whole portfolio: one replica polls it.
    public var sharding: PollSharding { configuration.monitoring == nil ? .byCompany : .wholePortfolio }

    public func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll {
        try await poll(companies, cursor: cursor, allowance: .max)
    }

    public func poll(_ companies: [SIREN], cursor: String?, allowance: Int) async throws -> ScorePoll {
        _ = try await session.token(renew: false)
        var poll = if let monitoring = configuration.monitoring {
            try await pollMonitored(companies, cursor: cursor, monitoring: monitoring, allowance: allowance)
        } else {
            try await observeEach(companies, allowance: allowance)
        }
        poll.learnedIDs = state.withLock { state in
            defer { state.learned = [:] }
            return state.learned
        }
        return poll
    }

    public func remember(ids: [SIREN: String]) {
        remember(connectIDs: ids)
    }

    var concurrency: Int { configuration.concurrency }

    /// The company's observation, or nil when Creditsafe does not know it.
    func observe(_ siren: SIREN, on today: CalendarDay) async throws -> ScoreObservation? {
        guard let connectID = try await connectID(for: siren) else { return nil }
        let response = try await authorized(HTTPRequest(method: "GET", url: "\(configuration.baseURL)/companies/\(connectID)?language=en"))
        return try CreditsafeReportDecoder.decode(response.body, observedOn: today)
    }

    /// The SIREN in a `connectId` (`FR-X-<SIREN or SIRET>`).
    static func siren(inConnectID id: String) -> SIREN? {
        id.split(separator: "-").last.flatMap { try? CompanyIdentifier(String($0)).siren }
    }

    /// Keeps connectIds learnt elsewhere (the monitoring portfolio lists them), saving searches.
    func remember(connectIDs: [SIREN: String]) {
        state.withLock { $0.connectIDs.merge(connectIDs) { known, _ in known } }
    }

    /// One hit of a company search: an establishment (`FR-X-{SIRET}`).
    struct SearchHit: Decodable {
        var id: String
        /// `headOffice`, `registered`, `branch`…
        var officeType: String?
        /// `Active`, `NonActive`…
        var status: String?
    }

    /// The company's `connectId`: a search by SIREN returns its establishments, and the head
    /// office is the company's report (a closed secondary establishment is not). No hit is an
    /// unknown company (nil), not a failure.
    func connectID(for siren: SIREN) async throws -> String? {
        if let known = state.withLock({ $0.connectIDs[siren] }) { return known }
        let query = ProviderClient.query([("countries", "FR"), ("regNo", siren.digits), ("pageSize", "50")])
        let response = try await authorized(HTTPRequest(method: "GET", url: "\(configuration.baseURL)/companies?\(query)"))
        struct Search: Decodable { var companies: [SearchHit]? }
        // "No results" comes with `companies` as an object, not a list: no hit.
        let hits = (try? SkimmingJSONDecoder().decode(Search.self, from: Data(response.body)))?.companies ?? []
        guard let chosen = Self.establishment(among: hits, of: siren) else { return nil }
        state.withLock {
            $0.connectIDs[siren] = chosen.id
            $0.learned[siren] = chosen.id
        }
        return chosen.id
    }

    /// The establishment whose report stands for the company: the active head office, else
    /// any head office, else an active establishment, else the first; only hits of that SIREN.
    static func establishment(among hits: [SearchHit], of siren: SIREN) -> SearchHit? {
        let own = hits.filter { Self.siren(inConnectID: $0.id) == siren }
        func isHead(_ hit: SearchHit) -> Bool { ["headoffice", "registered", "singleoffice"].contains(hit.officeType?.lowercased() ?? "") }
        func isActive(_ hit: SearchHit) -> Bool { hit.status?.lowercased() == "active" }
        return own.first { isHead($0) && isActive($0) } ?? own.first(where: isHead) ?? own.first(where: isActive) ?? own.first
    }

    /// Sends with the current token; on 401, authenticates again once and resends.
    func authorized(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await session.send(request)
    }
}
