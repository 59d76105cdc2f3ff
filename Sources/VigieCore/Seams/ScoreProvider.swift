/// A source of credit scores: Creditsafe, Ellisphère, Altares, Pappers, the fixture scenario.
///
/// Providers are polled with a cursor they chose last time (a page token, a monitoring-event
/// position, the fixture's step). The cursor is stored in the same transaction as what the
/// poll produced, so a crash never skips nor replays a batch.
public protocol ScoreProvider: Sendable {
    /// The source name stored with snapshots and shown in evidence (`creditsafe`).
    var name: String { get }
    func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll
    /// A poll that orders at most `allowance` billed reports: what is left of the provider's
    /// daily budget. Companies it could not afford are `deferred`, asked first next time.
    /// Providers that bill nothing (a fixture) ignore the allowance.
    func poll(_ companies: [SIREN], cursor: String?, allowance: Int) async throws -> ScorePoll
    /// Ids the provider gave companies before (Creditsafe's connectIds), kept in the store: a
    /// restarted process asks for a report directly, not for a search first.
    func remember(ids: [SIREN: String])
    /// What the provider says about one company now, outside any cycle: `vigie providers test`.
    /// Nothing is stored and no cursor moves.
    func probe(_ company: SIREN) async throws -> ScoreObservation?
    /// How replicas share its polls: company by company (the default), or whole.
    var sharding: PollSharding { get }
}

extension ScoreProvider {
    public func poll(_ companies: [SIREN], cursor: String?, allowance: Int) async throws -> ScorePoll {
        try await poll(companies, cursor: cursor)
    }

    public func remember(ids: [SIREN: String]) {}

    public var sharding: PollSharding { .byCompany }

    public func probe(_ company: SIREN) async throws -> ScoreObservation? {
        let poll = try await poll([company], cursor: nil)
        if let failure = poll.failures.first { throw ProbeFailure(message: failure.message) }
        return poll.observations.first
    }
}

/// A probe's failure: the provider's own message.
public struct ProbeFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}

public struct ScorePoll: Sendable {
    public var observations: [ScoreObservation]
    /// Companies the provider could not answer for: their state stays as it was.
    public var failures: [ProviderFailure]
    /// Where to resume next time; nil keeps the current cursor.
    public var cursor: String?
    /// How many companies the provider was asked about, when not all of them (a monitoring
    /// poll fetches only those with events): source health weighs failures against this.
    public var asked: Int?
    /// Billed reports ordered by this poll, counted against the daily budget.
    public var reportsOrdered = 0
    /// Companies not asked about because the daily budget was spent: neither values nor failures.
    public var deferred: [SIREN] = []
    /// Ids the provider gave companies this poll (a search's result): the store keeps them.
    public var learnedIDs: [SIREN: String] = [:]

    public init(observations: [ScoreObservation], failures: [ProviderFailure] = [], cursor: String?, asked: Int? = nil) {
        self.observations = observations
        self.failures = failures
        self.cursor = cursor
        self.asked = asked
    }
}

/// Bad data is not an event: a timeout, a 5xx, a malformed body is counted and logged here.
public struct ProviderFailure: Sendable, Hashable {
    public var siren: SIREN?
    public var message: String
    /// Why, in a few bounded words: for the metrics, where a message would be a label per company.
    public var reason: FailureReason

    public init(siren: SIREN?, message: String, reason: FailureReason = .other) {
        self.siren = siren
        self.message = message
        self.reason = reason
    }
}

/// Why a provider's request failed, as few words as the metrics can label with.
public enum FailureReason: String, Sendable, Hashable, CaseIterable {
    case timeout
    case connection
    case tls
    /// 401: the credentials are refused.
    case unauthorized = "http_401"
    /// 429: rate limited.
    case throttled = "http_429"
    case clientError = "http_4xx"
    case serverError = "http_5xx"
    case tooLarge = "response_too_large"
    /// An answer that is not what the provider documents.
    case malformed
    /// Not called: the breaker paused calls after failures in a row.
    case paused
    /// The answer was about another company than the one asked about.
    case wrongCompany = "wrong_company"
    case other

    /// The reason an HTTP status gives.
    public init(status: Int?) {
        switch status {
        case 401: self = .unauthorized
        case 429: self = .throttled
        case .some(400...499): self = .clientError
        case .some(500...599): self = .serverError
        case .some: self = .malformed
        case nil: self = .other
        }
    }
}

/// A source of collective-procedure notices: the BODACC feed, bulk files, the fixture scenario.
public protocol ProcedureFeed: Sendable {
    var name: String { get }
    /// New notices since the cursor. `watching` lets a feed ask only for the companies that matter.
    func poll(watching: Set<SIREN>, cursor: String?) async throws -> FeedPoll
    /// Every notice published about these companies up to the feed's position (`cursor`, as
    /// stored), read when they join a watchlist so that a procedure already under way is known
    /// at once. Nil when the feed cannot search by company (a bulk file): its companies are
    /// then known from what it publishes.
    func history(of companies: [SIREN], cursor: String?) async throws -> [BodaccNotice]?
    /// Notices that name no SIREN, published in these postcodes, for joining companies whose
    /// watchlist entry gives one: matched by name as a weaker match. Empty when the feed
    /// cannot search by place.
    func unregisteredHistory(postcodes: Set<String>) async throws -> [BodaccNotice]
}

extension ProcedureFeed {
    public func history(of companies: [SIREN], cursor: String?) async throws -> [BodaccNotice]? { nil }
    public func unregisteredHistory(postcodes: Set<String>) async throws -> [BodaccNotice] { [] }
}

public struct FeedPoll: Sendable {
    public var notices: [BodaccNotice]
    public var cursor: String?

    public init(notices: [BodaccNotice], cursor: String?) {
        self.notices = notices
        self.cursor = cursor
    }
}
