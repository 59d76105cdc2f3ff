import Foundation

/// Which channels an alert goes to: the always-on channels (the log, the terminal), then the
/// first route whose conditions hold (or every matching route while routes say `continue`),
/// else the default channels.
public struct Router: Sendable, Hashable {
    public struct Route: Sendable, Hashable {
        public var name: String
        public var minSeverity: Severity?
        /// Event kinds (`procedure_opened`, `score_drop`…); nil matches all.
        public var kinds: Set<String>?
        public var watchlists: Set<String>?
        public var tags: Set<String>?
        public var owners: Set<String>?
        /// What the client owes, in its currency, at least.
        public var minExposure: Decimal?
        /// What the client owes beyond what covers it (insurer, guarantee), at least.
        public var minUncovered: Decimal?
        public var channels: [String]
        /// Go on to the next routes after this one matched.
        public var continues: Bool
        /// Group this route's alerts per watchlist over this window into one message.
        /// Critical alerts bypass it.
        public var digest: Duration?
        /// Open, unacknowledged cases of high severity this route matches are sent again this
        /// often, with their age, until someone acknowledges, snoozes or resolves them.
        public var repeatInterval: Duration?
        /// This route follows the cases it matches: it also gets their acknowledgement and
        /// resolution (what an on-call incident needs to close).
        public var sendResolved: Bool
        /// Each owner of the cases this route matches gets a summary this often: new facts,
        /// open cases, money at stake (an email channel with `to: [owner]` sends it to them).
        public var ownerDigest: Duration?

        public init(
            name: String, minSeverity: Severity? = nil, kinds: Set<String>? = nil, watchlists: Set<String>? = nil,
            tags: Set<String>? = nil, owners: Set<String>? = nil, channels: [String], continues: Bool = false, digest: Duration? = nil,
            repeatInterval: Duration? = nil, sendResolved: Bool = false, ownerDigest: Duration? = nil
        ) {
            self.ownerDigest = ownerDigest
            self.repeatInterval = repeatInterval
            self.sendResolved = sendResolved
            self.name = name
            self.minSeverity = minSeverity
            self.kinds = kinds
            self.watchlists = watchlists
            self.tags = tags
            self.owners = owners
            self.channels = channels
            self.continues = continues
            self.digest = digest
        }

        /// A `case_resolved` message matches only routes that ask for it, on the case's
        /// severity and entries (its kind is not a fact's); a reminder is addressed by the
        /// case book, never routed.
        public func matches(_ alert: Alert) -> Bool {
            if let minSeverity, alert.severity < minSeverity { return false }
            switch alert.kind {
            case CaseNotice.resolved.rawValue, CaseNotice.acknowledged.rawValue: if !sendResolved { return false }
            case CaseNotice.reminder.rawValue, OwnerDigest.kind: return false
            default: if let kinds, !kinds.contains(alert.kind) { return false }
            }
            if let watchlists, !alert.watch.contains(where: { watchlists.contains($0.watchlist) }) { return false }
            if let tags, !alert.watch.contains(where: { !tags.isDisjoint(with: $0.tags) }) { return false }
            if let owners, !alert.watch.contains(where: { $0.owner.map(owners.contains) ?? false }) { return false }
            if let minExposure, !alert.exposure.values.contains(where: { $0 >= minExposure }) { return false }
            if let minUncovered, !SeverityRule.uncovered(alert).values.contains(where: { $0 > 0 && $0 >= minUncovered }) { return false }
            return true
        }
    }

    public var always: [String]
    public var routes: [Route]
    public var defaultChannels: [String]
    /// Where a delivery goes when its channel gave up on it.
    public var fallback: String?
    /// Which facts are silenced while a procedure stands: the routes file's `inhibit`.
    public var inhibit: [InhibitRule]
    /// How money at stake raises severity (`alerts/severity.yaml`): applied before routing,
    /// so that routes match on the severity people should see.
    public var severity = SeverityRules()
    /// What each told alert says to do (`alerts/actions.<language>.yaml`).
    public var actions = NextActions()

    public init(always: [String], routes: [Route] = [], defaultChannels: [String] = [], fallback: String? = nil, inhibit: [InhibitRule] = InhibitRule.defaults) {
        self.inhibit = inhibit
        self.always = always
        self.routes = routes
        self.defaultChannels = defaultChannels
        self.fallback = fallback
    }

    /// Where an alert goes, and for digest routes, the group it waits in.
    public struct Destination: Sendable, Hashable {
        public var channel: String
        /// Alerts with the same key on the same channel are sent as one message.
        public var digestKey: String?
        public var digestWindow: Duration?

        public init(channel: String, digestKey: String? = nil, digestWindow: Duration? = nil) {
            self.channel = channel
            self.digestKey = digestKey
            self.digestWindow = digestWindow
        }
    }

    /// Messages about cases that go only where a route asks for them (or, for reminders and
    /// digests, where the case book addresses them), never to the default channels.
    static let neverDefault: Set<String> = [CaseNotice.resolved.rawValue, CaseNotice.acknowledged.rawValue, CaseNotice.reminder.rawValue, OwnerDigest.kind]

    public func destinations(for alert: Alert) -> [Destination] {
        var chosen = always.map { Destination(channel: $0) }
        var matched = false
        for route in routes where route.matches(alert) {
            matched = true
            let digest = alert.severity == .critical ? nil : route.digest
            let key = digest.map { _ in "\(route.name)|\(alert.watch.first?.watchlist ?? "-")" }
            chosen += route.channels.map { Destination(channel: $0, digestKey: key, digestWindow: digest) }
            if !route.continues { break }
        }
        // A resolution goes only where a route asked for it, never to the default channels.
        if !matched, !Self.neverDefault.contains(alert.kind) { chosen += defaultChannels.map { Destination(channel: $0) } }
        var seen = Set<String>()
        return chosen.filter { seen.insert($0.channel).inserted }
    }

    public func channels(for alert: Alert) -> [String] {
        destinations(for: alert).map(\.channel)
    }

    /// Every channel a route or the fallback names.
    public var namedChannels: Set<String> {
        Set(always + routes.flatMap(\.channels) + defaultChannels + (fallback.map { [$0] } ?? []))
    }
}
