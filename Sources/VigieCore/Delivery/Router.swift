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
        public var channels: [String]
        /// Go on to the next routes after this one matched.
        public var continues: Bool

        public init(
            name: String, minSeverity: Severity? = nil, kinds: Set<String>? = nil, watchlists: Set<String>? = nil,
            tags: Set<String>? = nil, owners: Set<String>? = nil, channels: [String], continues: Bool = false
        ) {
            self.name = name
            self.minSeverity = minSeverity
            self.kinds = kinds
            self.watchlists = watchlists
            self.tags = tags
            self.owners = owners
            self.channels = channels
            self.continues = continues
        }

        public func matches(_ alert: Alert) -> Bool {
            if let minSeverity, alert.severity < minSeverity { return false }
            if let kinds, !kinds.contains(alert.kind) { return false }
            if let watchlists, !alert.watch.contains(where: { watchlists.contains($0.watchlist) }) { return false }
            if let tags, !alert.watch.contains(where: { !tags.isDisjoint(with: $0.tags) }) { return false }
            if let owners, !alert.watch.contains(where: { $0.owner.map(owners.contains) ?? false }) { return false }
            return true
        }
    }

    public var always: [String]
    public var routes: [Route]
    public var defaultChannels: [String]
    /// Where a delivery goes when its channel gave up on it.
    public var fallback: String?

    public init(always: [String], routes: [Route] = [], defaultChannels: [String] = [], fallback: String? = nil) {
        self.always = always
        self.routes = routes
        self.defaultChannels = defaultChannels
        self.fallback = fallback
    }

    public func channels(for alert: Alert) -> [String] {
        var chosen = always
        var matched = false
        for route in routes where route.matches(alert) {
            matched = true
            chosen += route.channels
            if !route.continues { break }
        }
        if !matched { chosen += defaultChannels }
        var seen = Set<String>()
        return chosen.filter { seen.insert($0).inserted }
    }

    /// Every channel a route or the fallback names.
    public var namedChannels: Set<String> {
        Set(always + routes.flatMap(\.channels) + defaultChannels + (fallback.map { [$0] } ?? []))
    }
}
