import Foundation
import Logging
import VigieCore
import VigieStore

/// What a changed configuration would have done: the stored history (observations that
/// changed something, notices about watched companies) replayed day by day through the new
/// watchlists' thresholds, severity rules, inhibit rules and routes, into a scratch store in
/// memory. Nothing is delivered and the real store is only read.
///
/// The history holds what providers said of scores, ratings, limits and status, and the
/// notices; not the providers' judgements or failure flags, which are replayed by nobody.
public struct RulesPreview: Sendable {
    public struct Result: Sendable {
        public var days = 0
        public var observations = 0
        public var notices = 0
        public var companies = 0
        /// Company alerts stored, as raised then.
        public var then: [Alert] = []
        /// The same replayed under the new rules.
        public var now: [Alert] = []
        public var casesThen: [Case] = []
        public var casesNow: [Case] = []

        /// Told means sent: not merged, inhibited, recorded or held.
        public static func told(_ alert: Alert) -> Bool { alert.disposition == nil || alert.disposition == .notified }

        /// Ids raised only under the new rules, only under the old, and raised under both with
        /// another severity or disposition.
        public var added: [Alert] { let ids = Set(then.map(\.id)); return now.filter { !ids.contains($0.id) } }
        public var removed: [Alert] { let ids = Set(now.map(\.id)); return then.filter { !ids.contains($0.id) } }
        public var changed: [(then: Alert, now: Alert)] {
            let before = Dictionary(then.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return now.compactMap { alert in
                guard let old = before[alert.id], old.severity != alert.severity || Self.told(old) != Self.told(alert) else { return nil }
                return (old, alert)
            }
        }
    }

    let store: any WatchStore
    let watchlists: [URL]
    let router: Router
    /// The money-at-risk thresholds of the changed configuration.
    let coverage: CoverageSettings
    let logger: Logger

    public init(store: any WatchStore, watchlists: [URL], router: Router, coverage: CoverageSettings = CoverageSettings(), logger: Logger) {
        self.coverage = coverage
        self.store = store
        self.watchlists = watchlists
        self.router = router
        self.logger = logger
    }

    /// Kinds the replay can raise, and so compares: the history keeps no provider judgement,
    /// failure flag or privilege count, so those alerts are left out of both sides.
    /// Guarantees and limits that start, expire or are cancelled are judged on the day of the
    /// review, which a replay by observation day cannot reproduce: left out too.
    public static let replayable = Set(NoticeEvent.allCases.map(\.rawValue) + ScoreEvent.allCases.map(\.rawValue) + CoverageEvent.allCases.map(\.rawValue)).subtracting([
        ScoreEvent.providerJudgement.rawValue, ScoreEvent.providerProcedure.rawValue, ScoreEvent.companyInFailure.rawValue, ScoreEvent.privilegeRegistered.rawValue,
        CoverageEvent.guaranteeExceeded.rawValue, CoverageEvent.guaranteeExpiring.rawValue, CoverageEvent.guaranteeCancelled.rawValue,
        CoverageEvent.insurerLimitExpiring.rawValue,
    ])

    public func run() async throws -> Result {
        let scratch = try SQLiteWatchStore(configuration: .init(path: nil))
        var result = Result()
        // The lists as the new configuration reads them; the clock is the replay's own.
        let clock = ReplayClock()
        let loaded = try await WatchlistRegistry(configuration: .init(paths: watchlists), store: scratch, clock: clock, logger: logger).load()
        let watch = WatchSet(loaded.watchlists)
        result.companies = watch.count
        var observations: [ScoreObservation] = []
        for siren in watch.sirens { observations += try await store.observations(of: siren) }
        let notices = try await store.matchedNotices().filter { !Set($0.sirens).isDisjoint(with: watch.sirens) }
        result.observations = observations.count
        result.notices = notices.count
        let byDay = Dictionary(grouping: observations, by: \.observedOn)
        let noticesByDay = Dictionary(grouping: notices) { $0.published ?? CalendarDay(ordinal: 0) }
        let days = Set(byDay.keys).union(noticesByDay.keys).sorted()
        result.days = days.count
        let desk = CaseDesk(store: scratch, router: router, bodaccRead: !notices.isEmpty)
        for day in days {
            let now = Date(timeIntervalSince1970: Double(day.ordinal) * 86_400 + 12 * 3600)
            let dayNotices = noticesByDay[day] ?? []
            let named = Set(dayNotices.flatMap(\.sirens)).filter { watch[$0] != nil }
            var input = WatchEngine.Input(
                watch: watch, observations: byDay[day] ?? [], notices: dayNotices, snapshots: try await scratch.snapshots(for: Set(watch.sirens)),
                priorAlerts: try await scratch.noticeAlerts(for: named), now: now
            )
            input.coverage = coverage
            let outcome = WatchEngine.evaluate(input)
            var commit = CycleCommit(
                snapshots: outcome.snapshots, observations: [], alertChanges: outcome.alertChanges, notices: outcome.matchedNotices,
                cursors: [:], router: router, at: now
            )
            try await desk.decide(&commit, watched: nil, covers: { _ in false }, now: now)
            _ = try await scratch.commit(commit)
        }
        result.then = try await store.alerts(since: nil, limit: nil).filter { $0.siren != nil && Self.replayable.contains($0.kind) }
        result.now = try await scratch.alerts(since: nil, limit: nil).filter { $0.siren != nil && Self.replayable.contains($0.kind) }
        let asOf = days.last.map { Date(timeIntervalSince1970: Double($0.ordinal) * 86_400 + 12 * 3600) } ?? Date(timeIntervalSince1970: 0)
        result.casesThen = try await store.cases(CaseFilter(asOf: asOf)).filter { $0.facts.contains { Self.replayable.contains($0.kind) } }
        result.casesNow = try await scratch.cases(CaseFilter(asOf: asOf))
        return result
    }
}

/// The replay's clock: the watchlists' last good versions are stamped with it, never with the
/// machine's time.
struct ReplayClock: WallClock {
    var now: Date { Date(timeIntervalSince1970: 0) }
}
