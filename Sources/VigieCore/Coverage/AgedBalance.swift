import Foundation

/// What one client owes, as the ERP's aged balance states it on a day: the outstanding, split
/// by how long past due, with the oldest unpaid invoice and the last payment.
public struct AgedBalance: Hashable, Sendable, Codable {
    /// The day the balance is stated at.
    public var asOf: CalendarDay
    public var currency: String
    /// Everything owed, due or not.
    public var outstanding: Decimal
    public var notDue: Decimal
    /// Past due by 1–30, 31–60, 61–90 and more than 90 days.
    public var overdue1to30: Decimal
    public var overdue31to60: Decimal
    public var overdue61to90: Decimal
    public var overdueOver90: Decimal
    /// The date of the oldest invoice not paid.
    public var oldestUnpaid: CalendarDay?
    public var lastPayment: CalendarDay?

    public init(
        asOf: CalendarDay, currency: String = "EUR", outstanding: Decimal, notDue: Decimal = 0, overdue1to30: Decimal = 0,
        overdue31to60: Decimal = 0, overdue61to90: Decimal = 0, overdueOver90: Decimal = 0,
        oldestUnpaid: CalendarDay? = nil, lastPayment: CalendarDay? = nil
    ) {
        self.asOf = asOf
        self.currency = currency
        self.outstanding = outstanding
        self.notDue = notDue
        self.overdue1to30 = overdue1to30
        self.overdue31to60 = overdue31to60
        self.overdue61to90 = overdue61to90
        self.overdueOver90 = overdueOver90
        self.oldestUnpaid = oldestUnpaid
        self.lastPayment = lastPayment
    }

    /// Everything past due.
    public var overdue: Decimal { overdue1to30 + overdue31to60 + overdue61to90 + overdueOver90 }

    public var owed: Money { Money(amount: outstanding, currency: currency) }

    /// The lower edge of the oldest bucket holding money past due: 1, 31, 61 or 91 days; 0
    /// when nothing is past due. Buckets are what every ERP exports; exact days are not.
    public var overdueDays: Int {
        if overdueOver90 > 0 { return 91 }
        if overdue61to90 > 0 { return 61 }
        if overdue31to60 > 0 { return 31 }
        if overdue1to30 > 0 { return 1 }
        return 0
    }

    /// The average delay past due of what is owed, in days, each bucket counted at its middle
    /// (120 for over 90): the figure whose trend says a client pays later and later.
    public var averageDelay: Double {
        guard outstanding > 0 else { return 0 }
        let weighted = overdue1to30 * 15 + overdue31to60 * 45 + overdue61to90 * 75 + overdueOver90 * 120
        return NSDecimalNumber(decimal: weighted / outstanding).doubleValue
    }

    /// Adds another line about the same client (an ERP exporting one line per account).
    public mutating func add(_ other: AgedBalance) {
        outstanding += other.outstanding
        notDue += other.notDue
        overdue1to30 += other.overdue1to30
        overdue31to60 += other.overdue31to60
        overdue61to90 += other.overdue61to90
        overdueOver90 += other.overdueOver90
        oldestUnpaid = [oldestUnpaid, other.oldestUnpaid].compactMap { $0 }.min()
        lastPayment = [lastPayment, other.lastPayment].compactMap { $0 }.max()
        asOf = max(asOf, other.asOf)
    }
}
