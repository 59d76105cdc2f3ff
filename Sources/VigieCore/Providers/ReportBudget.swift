/// A provider's daily budget of billed reports: what is spent today, kept with the cycle (the
/// cursor table, key `budget:<source>`), so that restarts and several cycles a day never
/// order more than `maxPerDay`. A plain value: the caller passes the day.
public struct ReportBudget: Sendable, Hashable {
    public let maxPerDay: Int
    /// The day the count is for; a new day starts at zero.
    public private(set) var day: CalendarDay
    public private(set) var spent: Int
    /// Whether the warning (`warnAt` of the budget spent) was given today.
    public private(set) var warned: Bool

    /// The share of the budget after which Vigie warns that it will soon stop ordering.
    public static let warnAt = 0.8

    public init(maxPerDay: Int, stored: String?, today: CalendarDay) {
        self.maxPerDay = maxPerDay
        let parts = (stored ?? "").split(separator: " ")
        if parts.count >= 2, let day = CalendarDay(iso: parts[0]), day == today, let spent = Int(parts[1]) {
            self.day = day
            self.spent = max(0, spent)
            self.warned = parts.count > 2 && parts[2] == "warned"
        } else {
            self.day = today
            self.spent = 0
            self.warned = false
        }
    }

    /// What today's budget still affords.
    public var remaining: Int { max(0, maxPerDay - spent) }

    /// Counts `ordered` reports; returns true when this crosses the warning share for the
    /// first time today (the caller says so, once).
    public mutating func spend(_ ordered: Int) -> Bool {
        spent += max(0, ordered)
        guard !warned, Double(spent) >= Self.warnAt * Double(maxPerDay) else { return false }
        warned = true
        return true
    }

    /// `2026-11-30 812 warned`: what the cursor table keeps.
    public var stored: String { "\(day.iso) \(spent)\(warned ? " warned" : "")" }

    /// The cursor key of a source's budget.
    public static func key(_ source: String) -> String { "budget:\(source)" }
}
