import Foundation
import Logging
import Synchronization
import VigieCore

/// One pass of the watch: read the watchlists, poll every provider and feed, diff against
/// the snapshots, and commit snapshots, alerts and their deliveries in one transaction.
///
/// A provider that fails leaves its companies as they were: its cursor does not move, the
/// failure is counted and logged, and the rest of the cycle goes on. A source failing several
/// cycles in a row raises a source-health alert, and its recovery another.
///
/// Companies new to the watchlists have their BODACC history read from the feed in the same
/// cycle, so that a procedure already under way is alerted at once.
public struct WatchCycle: Sendable {
    public struct Report: Sendable {
        public var companies = 0
        public var observations = 0
        public var notices = 0
        public var matchedNotices = 0
        public var summary = CommitSummary()
        public var providerFailures = 0
        /// Companies whose BODACC history was read this cycle.
        public var historyLookups = 0
        /// Sources that failed this cycle.
        public var failingSources: [String] = []
        /// Sources not polled this cycle: their own interval has not passed.
        public var waitingSources: [String] = []
        public var watchlistIssues: [FileIssue] = []
        /// Watchlist files with problems people must act on (lines not watched, a suspect
        /// shrink, a file not readable): `run --once` exits non-zero when there are any.
        public var watchlistFilesWithProblems: [String] = []
        /// Companies a provider was not asked about because its daily budget was spent.
        public var deferredByBudget = 0
        /// Failures this cycle, by source key.
        public var failuresBySource: [String: Int] = [:]
        /// Companies asked about this cycle, by source key (answered or failed).
        public var askedBySource: [String: Int] = [:]
        /// Failures by source key and reason.
        public var failureReasons: [String: [FailureReason: Int]] = [:]
    }

    let registry: WatchlistRegistry
    let providers: [any ScoreProvider]
    let feeds: [any ProcedureFeed]
    let store: any CycleStore & MaintenanceStore
    /// The routes, read once per cycle: a reload takes effect at the next one.
    let policy: DeliveryPolicy
    let clock: any WallClock
    let health: SourceHealthTracker.Configuration
    /// Sources polled less often than every cycle, by key (`score:creditsafe`: once a day).
    let intervals: [String: Duration]
    /// Billed reports a provider may be asked for in a day, by key (`score:ellisphere`).
    let budgets: [String: Int]
    /// How long history is kept; pruned once a day, after a cycle.
    let retention: Retention
    /// How long this replica's share of the work is held: renewed every cycle, so longer than
    /// one interval; a replica that stops renewing gives its share up when it runs out.
    let leaseDuration: Duration
    /// When replicas share the companies, a shard is due once per this interval (the poller's),
    /// or the provider's own: whichever replica holds it, it is polled once per cycle.
    let cycleInterval: Duration?
    /// Claims deadlines, their reminders, and the mass-shift guard.
    let cases: CaseSettings
    let metrics: VigieMetrics?
    /// The thresholds of the money-at-risk review.
    let coverage: CoverageSettings
    /// Providers whose stored ids were handed to them, once per process.
    let idsLoaded = LoadedOnce()
    let logger: Logger

    public init(
        registry: WatchlistRegistry, providers: [any ScoreProvider], feeds: [any ProcedureFeed],
        store: any CycleStore & MaintenanceStore, router: Router, clock: any WallClock,
        health: SourceHealthTracker.Configuration = SourceHealthTracker.Configuration(), intervals: [String: Duration] = [:],
        budgets: [String: Int] = [:], retention: Retention = Retention(), leaseDuration: Duration = .seconds(1800), cycleInterval: Duration? = nil,
        cases: CaseSettings = CaseSettings(), metrics: VigieMetrics? = nil, policy: DeliveryPolicy? = nil,
        coverage: CoverageSettings = CoverageSettings(), logger: Logger
    ) {
        self.coverage = coverage
        self.metrics = metrics
        self.cases = cases
        self.leaseDuration = leaseDuration
        self.cycleInterval = cycleInterval
        self.retention = retention
        self.health = health
        self.intervals = intervals
        self.budgets = budgets
        self.registry = registry
        self.providers = providers
        self.feeds = feeds
        self.store = store
        // A policy given is the one a reload swaps; `router` is then its first state.
        self.policy = policy ?? DeliveryPolicy(router)
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws -> Report {
        let began = clock.now
        let router = policy.router
        var report = Report()
        var loaded = try await registry.load()
        report.watchlistIssues = loaded.issues
        let watch = WatchSet(loaded.watchlists)
        // The set holds every entry now: the lists' own arrays would be a second copy.
        loaded.watchlists = []
        report.companies = watch.count
        let sirens = watch.sirens
        var cursors: [String: String] = [:]

        // Replicas sharing a store split the companies by shard, and one of them reads each
        // feed and each provider whose cursor covers the whole portfolio.
        let leadable = providers.filter { $0.sharding == .wholePortfolio }.map { SourceKey.score($0.name) } + feeds.map { SourceKey.feed($0.name) }
            + [CaseDesk.digestsLease]
        let share = try await store.lease(leadable: leadable, now: clock.now, duration: leaseDuration)
        // A cycle longer than its lease (a slow provider, a busy machine) keeps its share: the
        // lease is renewed every third of its duration until the cycle ends.
        let renewal: Task<Void, Never>? = share.isEverything ? nil : Task { [store, clock, leaseDuration, logger] in
            while !Task.isCancelled {
                try? await Task.sleep(for: leaseDuration / 3)
                guard !Task.isCancelled else { return }
                do {
                    try await store.renewLeases(now: clock.now, duration: leaseDuration)
                } catch {
                    logger.warning("store.lease_renewal_failed", metadata: ["error": "\(error)"])
                }
            }
        }
        defer { renewal?.cancel() }
        let mine = share.shards == nil ? sirens : sirens.filter(share.covers)
        let leadsPortfolio = providers.contains { $0.sharding == .wholePortfolio && share.leads(SourceKey.score($0.name)) }

        var sources = SourceLedger(
            lastPolls: try await store.lastPolls(), healthBefore: try await store.sourceHealth(), intervals: intervals,
            configuration: health, now: clock.now
        )
        func track(_ source: String, _ outcome: SourceHealthTracker.Outcome) {
            guard let alert = sources.record(source, outcome) else { return }
            logger.warning("source.health_changed", metadata: ["source": "\(source)", "alert.kind": "\(alert.kind)", "alert.id": "\(alert.id)"])
        }

        for file in loaded.files {
            if !file.problems.isEmpty { report.watchlistFilesWithProblems.append(file.file) }
            if let alert = sources.record(watchlist: file.file, problems: file.problems) {
                logger.warning("watchlist.problems_changed", metadata: ["watchlist.file": "\(file.file)", "alert.kind": "\(alert.kind)", "alert.id": "\(alert.id)"])
            }
        }

        var observations: [ScoreObservation] = []
        var learnedIDs: [String: [SIREN: String]] = [:]
        var snapshotsBefore = try await store.snapshots(for: Set(leadsPortfolio ? sirens : mine))
        let today = CalendarDay(clock.now)
        for provider in providers {
            let key = SourceKey.score(provider.name)
            let asks: [SIREN]
            switch (provider.sharding, share.shards) {
            case (.byCompany, let shards?):
                let due = sources.dueShards(key, of: shards, every: cycleInterval)
                guard !due.isEmpty else { continue }
                asks = mine.filter { due.contains(WorkShare.shard(of: $0)) }
            case (.byCompany, nil):
                guard sources.due(key) else { continue }
                asks = sirens
            case (.wholePortfolio, _):
                guard share.leads(key), sources.due(key) else { continue }
                asks = sirens
            }
            do {
                // Within a daily budget, the companies Vigie knows least recently go first:
                // never seen by this provider, then the oldest observations.
                var budget: ReportBudget?
                if let limit = budgets[key] {
                    budget = ReportBudget(maxPerDay: limit, stored: try await store.cursor(for: ReportBudget.key(key)), today: today)
                }
                let order = budget == nil ? asks : asks.sorted { first, second in
                    let (a, b) = (snapshotsBefore[SnapshotKey(siren: first, source: provider.name)]?.observedOn, snapshotsBefore[SnapshotKey(siren: second, source: provider.name)]?.observedOn)
                    switch (a, b) {
                    case (nil, nil): return first < second
                    case (nil, _): return true
                    case (_, nil): return false
                    case let (a?, b?): return a == b ? first < second : a < b
                    }
                }
                if !idsLoaded.loaded(provider.name) { provider.remember(ids: try await store.providerIDs(provider: provider.name)) }
                var poll = try await provider.poll(order, cursor: try await store.cursor(for: key), allowance: budget?.remaining ?? .max)
                if !poll.learnedIDs.isEmpty { learnedIDs[provider.name] = poll.learnedIDs }
                if var spent = budget {
                    if spent.spend(poll.reportsOrdered) {
                        logger.warning("provider.budget_nearly_spent", metadata: [
                            "provider": "\(provider.name)", "budget.spent": "\(spent.spent)", "budget.max_per_day": "\(spent.maxPerDay)",
                        ])
                    }
                    cursors[ReportBudget.key(key)] = spent.stored
                    budget = spent
                }
                if !poll.deferred.isEmpty {
                    report.deferredByBudget += poll.deferred.count
                    logger.error("provider.budget_spent", metadata: [
                        "provider": "\(provider.name)", "companies.deferred": "\(poll.deferred.count)", "budget.max_per_day": "\(budget?.maxPerDay ?? 0)",
                    ])
                }
                // An observation of a company no one asked about is the provider's mix-up: a
                // counted failure that feeds source health, never dropped in silence.
                // The answers are moved, not copied: a million companies' observations were held
                // three times over here (the poll's, the partition's, the cycle's).
                var asked = poll.observations
                poll.observations = []
                let strays = asked.filter { watch[$0.siren] == nil }
                if !strays.isEmpty { asked.removeAll { watch[$0.siren] == nil } }
                let failures = poll.failures + strays.map {
                    ProviderFailure(siren: $0.siren, message: "\(ProviderName.display(provider.name)) answered about SIREN \($0.siren.digits), which no watchlist holds; the answer was set aside", reason: .wrongCompany)
                }
                if observations.isEmpty { observations = asked } else { observations.append(contentsOf: asked) }
                if let cursor = poll.cursor { cursors[key] = cursor }
                report.providerFailures += failures.count
                if !failures.isEmpty { report.failuresBySource[key, default: 0] += failures.count }
                report.askedBySource[key, default: 0] += poll.asked ?? asks.count
                for failure in failures { report.failureReasons[key, default: [:]][failure.reason, default: 0] += 1 }
                logFailures(failures, provider: provider.name)
                track(key, SourceHealthTracker.outcome(asked: poll.asked ?? asks.count, failures: failures, configuration: health))
            } catch {
                report.providerFailures += 1
                report.failuresBySource[key, default: 0] += 1
                logger.error("provider.poll_failed", metadata: ["provider": "\(provider.name)", "error": "\(error)"])
                track(key, .failed("\(error)"))
            }
        }

        var notices: [BodaccNotice] = []
        var history: [BodaccNotice] = []
        var joining: Set<SIREN> = []
        var historyLookups: [String: [SIREN]] = [:]
        for feed in feeds {
            let key = SourceKey.feed(feed.name)
            // Joining companies' history is read every cycle, even when the feed waits for its
            // own interval: a procedure under way is alerted as soon as the company is watched.
            let polling = share.leads(key) && sources.due(key)
            do {
                let known = try await store.historyLookedUp(feed: feed.name)
                let newcomers = mine.filter { !known.contains($0) }
                if !newcomers.isEmpty, let past = try await feed.history(of: newcomers, cursor: try await store.cursor(for: key)) {
                    history += past
                    // Sole traders' notices carry no SIREN: found by postcode, matched by name.
                    let postcodes = Set(newcomers.compactMap { watch[$0]?.entries.lazy.compactMap(\.entry.postcode).first })
                    if !postcodes.isEmpty { history += try await feed.unregisteredHistory(postcodes: postcodes) }
                    joining.formUnion(newcomers)
                    historyLookups[feed.name] = newcomers
                    report.historyLookups += newcomers.count
                }
                guard polling else { continue }
                let poll = try await feed.poll(watching: Set(sirens), cursor: try await store.cursor(for: key))
                notices.append(contentsOf: poll.notices)
                if let cursor = poll.cursor { cursors[key] = cursor }
                track(key, .succeeded)
            } catch {
                report.providerFailures += 1
                report.failuresBySource[key, default: 0] += 1
                logger.error("feed.poll_failed", metadata: ["feed": "\(feed.name)", "error": "\(error)"])
                if polling { track(key, .failed("\(error)")) }
            }
        }
        let seen = try await store.seenNotices(notices.map(\.id))
        var unique: [String: BodaccNotice] = [:]
        for notice in notices where !seen.contains(notice.id) { unique[notice.id] = notice }
        notices = Array(unique.values)
        // A joining company's history is read whole, seen or not: a notice skipped when it named
        // no watched company is about this one now. Alert ids keep it from alerting twice.
        var uniquePast: [String: BodaccNotice] = [:]
        for notice in history where unique[notice.id] == nil { uniquePast[notice.id] = notice }
        history = Array(uniquePast.values)
        report.notices = notices.count + history.count

        let named = Set((notices + history).flatMap(\.sirens)).filter { watch[$0] != nil }
        // The feed's reader decides for every company a notice names, in its shards or not.
        let unloaded = leadsPortfolio ? [] : named.filter { !share.covers($0) }
        if !unloaded.isEmpty {
            snapshotsBefore.merge(try await store.snapshots(for: Set(unloaded))) { loaded, _ in loaded }
        }
        // A provider that moved much of the portfolio at once has its weakening held for an operator.
        var moves: [String: MassShiftGuard.Moves] = [:]
        for observation in observations {
            guard case .value = observation.score, let new = observation.score?.normalized,
                  let old = snapshotsBefore[SnapshotKey(siren: observation.siren, source: observation.provider)]?.score?.normalized else { continue }
            moves[observation.provider, default: .init(compared: 0, scoreMoves: [])].compared += 1
            moves[observation.provider]!.scoreMoves.append(new - old)
        }
        let priorAlerts = try await store.noticeAlerts(for: named)
        // Built in the call, held by no one else: the engine updates the observations and
        // snapshots in place only when it owns them (a held copy made each a second array).
        let outcome = WatchEngine.evaluate(WatchEngine.Input(
            watch: watch, observations: consume observations, notices: notices,
            snapshots: consume snapshotsBefore,
            priorAlerts: priorAlerts, history: history, joining: joining, now: clock.now,
            coverage: coverage, reviewing: share.shards == nil ? nil : Set(mine)
        ))
        report.observations = outcome.observed
        report.matchedNotices = outcome.matchedNotices.count
        let matchedIDs = Set(outcome.matchedNotices.map(\.notice.id))

        // New alerts are queued most severe first, so that people reading the terminal or the
        // log top to bottom see a liquidation before a score drop. Revisions and retractions
        // follow, in their order: one may be about an alert raised in this very cycle.
        let (kept, shifts) = cases.massShift.hold(outcome.alertChanges, moves: moves, now: clock.now)
        for shift in shifts {
            guard case .shift(let evidence) = shift.evidence else { continue }
            logger.warning("provider.mass_shift", metadata: [
                "provider": "\(evidence.provider)", "shift.weakened": "\(evidence.weakened)", "shift.compared": "\(evidence.compared)",
                "shift.held_alerts": "\(evidence.held.count)", "alert.id": "\(shift.id)",
            ])
        }
        let (raised, others) = (sources.alerts + shifts.map { .raised($0) } + kept).partitioned { if case .raised = $0 { true } else { false } }
        let changes = raised.enumerated().sorted { first, second in
            let (a, b) = (first.element.alert, second.element.alert)
            if a.severity != b.severity { return a.severity > b.severity }
            if a.companyName != b.companyName { return (a.companyName ?? "") < (b.companyName ?? "") }
            return first.offset < second.offset
        }.map(\.element) + others
        var commit = CycleCommit(
            snapshots: outcome.snapshots, observations: outcome.observations, alertChanges: changes,
            notices: outcome.matchedNotices, ignoredNoticeIDs: (notices + history).map(\.id).filter { !matchedIDs.contains($0) },
            cursors: cursors, sourceHealth: sources.health, historyLookups: historyLookups, polled: sources.polled, router: router, at: clock.now
        )
        commit.confirmed = outcome.confirmed
        commit.providerIDs = learnedIDs
        // Facts join their cases; a company dropped from every list closes its cases, but only
        // when every list read cleanly: a list that failed to read is no sign of removal.
        let everyListRead = report.watchlistFilesWithProblems.isEmpty && watch.count > 0
        try await CaseDesk(store: store, router: router, bodaccRead: !feeds.isEmpty, settings: cases).decide(
            &commit, watched: everyListRead ? { watch[$0] != nil } : nil, covers: share.covers, digests: share.leads(CaseDesk.digestsLease), now: clock.now
        )
        let lastPrune = try await store.cursor(for: Retention.cursorKey).flatMap { try? Date($0, strategy: .iso8601) }
        let pruneDue = lastPrune.map { clock.now.timeIntervalSince($0) >= 86_400 } ?? true
        if pruneDue { commit.cursors[Retention.cursorKey] = clock.now.iso8601 }
        report.summary = try await store.commit(commit)
        if pruneDue {
            let pruned = try await retention.prune(store, now: clock.now)
            if pruned != PruneReport() {
                logger.info("store.pruned", metadata: ["pruned.observations": "\(pruned.observations)", "pruned.attempts": "\(pruned.attempts)"])
            }
        }
        logger.info("cycle.committed", metadata: [
            "cycle.seconds": "\(String(format: "%.1f", clock.now.timeIntervalSince(began)))",
            "cycle.companies": "\(report.companies)", "cycle.observations": "\(report.observations)",
            "cycle.notices": "\(report.notices)", "cycle.notices_matched": "\(report.matchedNotices)",
            "cycle.alerts_raised": "\(report.summary.alertsRaised)", "cycle.alerts_revised": "\(report.summary.alertsRevised)",
            "cycle.alerts_retracted": "\(report.summary.alertsRetracted)", "cycle.provider_failures": "\(report.providerFailures)",
            "cycle.history_lookups": "\(report.historyLookups)", "cycle.failing_sources": "\(sources.failing.joined(separator: ","))",
            "cycle.waiting_sources": "\(sources.waiting.joined(separator: ","))",
        ])
        report.failingSources = sources.failing
        report.waitingSources = sources.waiting
        metrics?.cycleEnded(report, duration: .seconds(clock.now.timeIntervalSince(began)))
        return report
    }

    /// Companies a provider failed on: the first `loggedFailures` one by one, the rest counted in
    /// one line, so that a provider down for 100 000 companies writes 21 lines, not 100 000.
    func logFailures(_ failures: [ProviderFailure], provider: String) {
        for failure in failures.prefix(Self.loggedFailures) {
            logger.warning("provider.company_failed", metadata: ["provider": "\(provider)", "company.siren": "\(failure.siren?.digits ?? "-")", "error": "\(failure.message)"])
        }
        guard failures.count > Self.loggedFailures else { return }
        logger.warning("provider.company_failures_not_logged", metadata: [
            "provider": "\(provider)", "failures.not_logged": "\(failures.count - Self.loggedFailures)", "failures.total": "\(failures.count)",
            "error.last": "\(failures.last!.message)",
        ])
    }

    static let loggedFailures = 20
}

extension Array {
    /// The elements that satisfy `belongs`, then the others, each in their order.
    func partitioned(by belongs: (Element) -> Bool) -> (matching: [Element], others: [Element]) {
        var matching: [Element] = [], others: [Element] = []
        for element in self {
            if belongs(element) { matching.append(element) } else { others.append(element) }
        }
        return (matching, others)
    }
}

/// How long the store keeps history: observations and delivery attempts older than this go,
/// once a day (a company's latest observation from each source always stays).
public struct Retention: Sendable, Hashable {
    public var observationsDays: Int? = 730
    public var attemptsDays: Int? = 180

    public init(observationsDays: Int? = 730, attemptsDays: Int? = 180) {
        self.observationsDays = observationsDays
        self.attemptsDays = attemptsDays
    }

    static let cursorKey = "maintenance:pruned_at"

    /// Prunes what this retention no longer keeps, as of `now`; `dryRun` only counts.
    public func prune(_ store: any MaintenanceStore, now: Date, dryRun: Bool = false) async throws -> PruneReport {
        func cutoff(_ days: Int?) -> Date? { days.map { now.addingTimeInterval(-Double($0) * 86_400) } }
        return try await store.prune(observationsBefore: cutoff(observationsDays), attemptsBefore: cutoff(attemptsDays), dryRun: dryRun)
    }
}

/// Names done once per process: `loaded` answers false the first time for each name.
final class LoadedOnce: Sendable {
    private let names = Mutex<Set<String>>([])

    func loaded(_ name: String) -> Bool {
        names.withLock { !$0.insert(name).inserted }
    }
}
