import Foundation
import VigieCore

/// What the configured providers will be asked for in a day, for the watchlists as they are:
/// `vigie providers cost`. Billed reports are what a provider charges for; other requests
/// (searches, portfolio and event pages) are counted apart.
public struct CostEstimate: Sendable {
    public struct Row: Sendable, Hashable {
        /// `creditsafe`, `ellisphere`…
        public var provider: String
        /// How the provider is polled, in words: "monitoring", "every 24 h".
        public var mode: String
        /// Billed reports on the first day (baselines included) and on an ordinary day.
        public var firstDayReports: Int
        public var dailyReports: Int
        /// Other requests on an ordinary day (searches, event pages, portfolio sync).
        public var otherRequests: Int
        public var budget: Int?

        /// The ordinary day goes over the budget: reports would be deferred every day.
        public var overBudget: Bool { budget.map { dailyReports > $0 } ?? false }
    }

    public var companies: Int
    public var rows: [Row]

    /// - Parameter changeRate: the share of companies a monitoring provider reports an event
    ///   on in a day (a few percent is typical of a trade portfolio).
    public init(configuration: VigieConfiguration, companies: Int, changeRate: Double = 0.02) {
        self.companies = companies
        let cycleSeconds = max(1, configuration.poller.interval.seconds)
        func cyclesPerDay(_ key: String) -> Int {
            let interval = max(cycleSeconds, configuration.sourceIntervals[key]?.seconds ?? 0)
            return max(1, Int((86_400 / interval).rounded(.down)))
        }
        func every(_ key: String) -> String {
            let interval = max(cycleSeconds, configuration.sourceIntervals[key]?.seconds ?? 0)
            return interval >= 3600 ? "every \(Int(interval / 3600)) h" : "every \(Int(interval / 60)) min"
        }
        var rows: [Row] = []
        if let creditsafe = configuration.creditsafe {
            let key = SourceKey.score("creditsafe")
            if let monitoring = creditsafe.monitoring {
                let daily = Int((Double(companies) * changeRate).rounded(.up))
                let pages = max(1, companies / max(1, monitoring.pageSize))
                rows.append(Row(
                    provider: "creditsafe", mode: "monitoring (\(Int(changeRate * 100)) % of companies with an event a day)",
                    firstDayReports: companies + daily, dailyReports: daily,
                    otherRequests: cyclesPerDay(key) * (2 + pages) + companies / 100, budget: configuration.reportBudgets[key]
                ))
            } else {
                rows.append(Row(
                    provider: "creditsafe", mode: every(key), firstDayReports: companies * cyclesPerDay(key), dailyReports: companies * cyclesPerDay(key),
                    otherRequests: companies, budget: configuration.reportBudgets[key]
                ))
            }
        }
        for (name, configured) in [("ellisphere", configuration.ellisphere != nil), ("pappers", configuration.pappers != nil), ("altares", configuration.altares != nil)] where configured {
            let key = SourceKey.score(name)
            let daily = companies * cyclesPerDay(key)
            rows.append(Row(provider: name, mode: every(key), firstDayReports: daily, dailyReports: daily, otherRequests: 0, budget: configuration.reportBudgets[key]))
        }
        if configuration.bodacc != nil {
            let key = SourceKey.feed("bodacc")
            rows.append(Row(provider: "bodacc", mode: every(key) + " (open data, free)", firstDayReports: 0, dailyReports: 0,
                            otherRequests: cyclesPerDay(key) + (companies + 49) / 50, budget: nil))
        }
        self.rows = rows
    }
}
