import Foundation

/// What a client's money at risk can raise: an insurer's decision, a guarantee's term, an
/// overdue balance, the uncovered part crossing its threshold.
public enum CoverageEvent: String, Sendable, CaseIterable {
    case insurerLimitReduced = "insurer_limit_reduced"
    case insurerLimitCancelled = "insurer_limit_cancelled"
    case insurerLimitRefused = "insurer_limit_refused"
    case insurerLimitExpiring = "insurer_limit_expiring"
    case uncoveredExposure = "uncovered_exposure"
    case guaranteeExceeded = "guarantee_exceeded"
    case guaranteeExpiring = "guarantee_expiring"
    case guaranteeCancelled = "guarantee_cancelled"
    case overdueAmount = "overdue_amount"
    case overdueDays = "overdue_days"
    case paymentsStopped = "payments_stopped"
    case paymentDelayWorsening = "payment_delay_worsening"
}

/// The thresholds of the money-at-risk alerts (`coverage:` in `vigie.yaml`), with defaults.
public struct CoverageSettings: Hashable, Sendable {
    /// What is owed beyond what covers it, at which to alert.
    public var uncoveredThreshold: Decimal = 10_000
    /// Past-due amount at which to alert.
    public var overdueThreshold: Decimal = 5_000
    /// Money past due by more than this many days alerts (read on the 30/60/90 buckets).
    public var overdueDays = 60
    /// No payment for this many days while something is past due: the client stopped paying.
    public var stoppedPayingDays = 45
    /// The average payment delay growing by this many days over `delayWindowMonths` alerts.
    public var delayWorseningDays: Double = 15
    public var delayWindowMonths = 3
    /// Days before a guarantee's expiry at which to warn, largest first.
    public var guaranteeExpiryDays = [30, 7]
    /// Days before an insurer's limit expires at which to warn.
    public var insurerExpiryDays = [30]

    public init() {}
}

/// The review's memory of one client, kept as the `position` source's snapshot.
public struct PositionWatch: Hashable, Sendable, Codable {
    /// Conditions alerted that still hold (`uncovered_exposure`, `overdue_amount`…), with the
    /// day they began: each alerts again only after it has cleared.
    public var holding: [String: CalendarDay] = [:]
    /// One-off facts already told: an expiry warning at a horizon, a cancellation, a stop in payments.
    public var told: [String] = []
    /// What the aged balance said, one sample per month, oldest first (13 at most): the trend
    /// of the payment delay, and what was owed at a judgment's date.
    public var months: [BalanceSample] = []

    public init() {}

    /// What the client owed at `day`: the last sample stated on or before it.
    public func owed(at day: CalendarDay) -> BalanceSample? {
        months.last { $0.asOf <= day }
    }
}

/// One month's aged balance, in brief.
public struct BalanceSample: Hashable, Sendable, Codable {
    /// `2026-11`.
    public var month: String
    public var asOf: CalendarDay
    public var outstanding: Money
    /// `AgedBalance.averageDelay`.
    public var averageDelay: Double

    public init(month: String, asOf: CalendarDay, outstanding: Money, averageDelay: Double) {
        self.month = month
        self.asOf = asOf
        self.outstanding = outstanding
        self.averageDelay = averageDelay
    }
}

/// Reviews one client's money at risk on a day, as a pure function of what is known: the
/// position, the insurers' decisions, the guarantees, the aged balance, and the review's own
/// memory. Conditions that hold (uncovered, overdue) alert when they begin, not on the first
/// review, which is the baseline; deadlines and cancellations alert at first sight, once.
public enum CoverageReview {
    public struct Input: Sendable {
        public var siren: SIREN
        public var position: Position?
        public var covers: [InsurerCover]
        public var guarantees: [Guarantee]
        public var balance: AgedBalance?
        public var previous: PositionWatch?
        public var day: CalendarDay
        public var settings: CoverageSettings

        public init(
            siren: SIREN, position: Position?, covers: [InsurerCover], guarantees: [Guarantee], balance: AgedBalance?,
            previous: PositionWatch?, day: CalendarDay, settings: CoverageSettings
        ) {
            self.siren = siren
            self.position = position
            self.covers = covers
            self.guarantees = guarantees
            self.balance = balance
            self.previous = previous
            self.day = day
            self.settings = settings
        }
    }

    public static func review(_ input: Input) -> (watch: PositionWatch, events: [DetectedEvent]) {
        var watch = input.previous ?? PositionWatch()
        let baseline = input.previous == nil
        let settings = input.settings, day = input.day
        var events: [DetectedEvent] = []

        func event(_ kind: CoverageEvent, _ severity: Severity, _ evidence: ObservationEvidence) {
            events.append(DetectedEvent(
                siren: input.siren, kind: kind.rawValue, severity: severity,
                title: CoverageWording.english.title(kind, evidence), evidence: .observation(evidence)
            ))
        }
        func evidence(_ source: String, on: CalendarDay = day, _ field: String, old: String? = nil, new: String?, reasons: [String] = [], amount: Money? = nil, reference: Money? = nil) -> ObservationEvidence {
            var evidence = ObservationEvidence(provider: source, observedOn: on, previousOn: nil, field: field, old: old, new: new, reasons: reasons)
            evidence.amount = amount
            evidence.reference = reference
            return evidence
        }
        /// A condition that holds: told when it begins (after the baseline), forgotten when it clears.
        func holding(_ kind: CoverageEvent, _ holds: Bool, _ make: () -> (Severity, ObservationEvidence)) {
            guard holds else {
                watch.holding[kind.rawValue] = nil
                return
            }
            guard watch.holding[kind.rawValue] == nil else { return }
            watch.holding[kind.rawValue] = day
            if !baseline {
                let (severity, evidence) = make()
                event(kind, severity, evidence)
            }
        }
        /// A deadline coming: the nearest horizon reached is told once; the farther ones with it.
        func deadline(_ kind: CoverageEvent, key: String, expires: CalendarDay, horizons: [Int], make: (Int) -> ObservationEvidence) {
            let left = day.days(until: expires)
            guard left >= 0 else { return }
            let reached = horizons.filter { left <= $0 }.sorted()
            guard let nearest = reached.first, !watch.told.contains("\(key):\(nearest)") else { return }
            for horizon in reached where !watch.told.contains("\(key):\(horizon)") { watch.told.append("\(key):\(horizon)") }
            event(kind, nearest == horizons.min() ? .high : .warning, make(nearest))
        }
        func once(_ key: String, _ make: () -> Void) {
            guard !watch.told.contains(key) else { return }
            watch.told.append(key)
            make()
        }

        for cover in input.covers {
            guard let expires = cover.expiresOn, let limit = cover.limit(on: day) else { continue }
            let source = CoverageSource.insurer(cover.insurer)
            deadline(.insurerLimitExpiring, key: "\(source):expiry:\(expires.iso)", expires: expires, horizons: settings.insurerExpiryDays) { horizon in
                evidence(source, on: day, "cover_expiry", old: limit.description, new: expires.iso, reasons: ["\(horizon)"], amount: limit)
            }
        }

        for guarantee in input.guarantees {
            let source = "guarantee:\(guarantee.issuer)"
            if let cancelled = guarantee.cancelledOn, cancelled <= day {
                once("\(source):cancelled:\(cancelled.iso)") {
                    event(.guaranteeCancelled, .high, evidence(source, on: cancelled, "guarantee", old: guarantee.issuer, new: cancelled.iso, reference: guarantee.maximum))
                }
                continue
            }
            if let expires = guarantee.expiresOn, guarantee.inForce(on: day) {
                deadline(.guaranteeExpiring, key: "\(source):expiry:\(expires.iso)", expires: expires, horizons: settings.guaranteeExpiryDays) { horizon in
                    evidence(source, on: day, "guarantee_expiry", old: guarantee.issuer, new: expires.iso, reasons: ["\(horizon)"], reference: guarantee.maximum)
                }
            }
        }
        let guarantee = input.guarantees.first { $0.inForce(on: day) }
        if let position = input.position {
            let owed = position.money(position.owed)
            holding(.guaranteeExceeded, guarantee.map { $0.maximum.currency == owed.currency && owed.amount > $0.maximum.amount } ?? false) {
                (.warning, evidence("guarantee:\(guarantee!.issuer)", "guarantee_maximum", old: guarantee!.maximum.description, new: owed.description, amount: owed, reference: guarantee!.maximum))
            }
            let uncovered = position.money(position.uncovered)
            holding(.uncoveredExposure, position.uncovered >= settings.uncoveredThreshold && position.uncovered > 0) {
                // Dated by the balance when there is one: a replay gives the same alert.
                (.warning, evidence(CoverageSource.position, on: position.asOf ?? day, "uncovered", new: uncovered.description, amount: uncovered, reference: owed))
            }
        }

        if let balance = input.balance {
            let overdue = Money(amount: balance.overdue, currency: balance.currency)
            holding(.overdueAmount, balance.overdue >= settings.overdueThreshold && balance.overdue > 0) {
                (.warning, evidence(CoverageSource.receivables, on: balance.asOf, "overdue", new: overdue.description, amount: overdue, reference: balance.owed))
            }
            holding(.overdueDays, balance.overdueDays > settings.overdueDays) {
                (balance.overdueDays > 90 ? .high : .warning, evidence(CoverageSource.receivables, on: balance.asOf, "overdue_days", new: "\(balance.overdueDays - 1)", amount: overdue))
            }
            if let paid = balance.lastPayment, balance.overdue > 0, paid.days(until: balance.asOf) >= settings.stoppedPayingDays {
                once("payments_stopped:\(paid.iso)") {
                    event(.paymentsStopped, .high, evidence(CoverageSource.receivables, on: balance.asOf, "last_payment", old: paid.iso, new: "\(paid.days(until: balance.asOf))", amount: overdue))
                }
            }
            let month = String(balance.asOf.iso.prefix(7))
            let sample = BalanceSample(month: month, asOf: balance.asOf, outstanding: balance.owed, averageDelay: balance.averageDelay)
            if let last = watch.months.last, last.month == month { watch.months[watch.months.count - 1] = sample } else if watch.months.last.map({ $0.asOf < balance.asOf }) ?? true { watch.months.append(sample) }
            watch.months = Array(watch.months.suffix(13))
            let window = settings.delayWindowMonths
            // Against the sample `window` months back (or the oldest kept): worse by the margin
            // is told once, and again only after the delay has come back.
            let earlier = watch.months.dropLast().last { monthsBetween($0.month, month) >= window }
            holding(.paymentDelayWorsening, earlier.map { sample.averageDelay - $0.averageDelay >= settings.delayWorseningDays } ?? false) {
                (.warning, evidence(
                    CoverageSource.receivables, on: balance.asOf, "payment_delay",
                    old: "\(Int(earlier!.averageDelay.rounded()))", new: "\(Int(sample.averageDelay.rounded()))", reasons: ["\(monthsBetween(earlier!.month, month))"]
                ))
            }
        }
        // The 64 latest one-off keys are kept, so the memory stays small: older ones are about
        // deadlines and stops long past.
        watch.told = Array(watch.told.suffix(64))
        return (watch, events)
    }

    /// Months from `2026-08` to `2026-11`: 3.
    static func monthsBetween(_ from: String, _ to: String) -> Int {
        func ordinal(_ month: String) -> Int {
            let parts = month.split(separator: "-").compactMap { Int($0) }
            return parts.count == 2 ? parts[0] * 12 + parts[1] : 0
        }
        return ordinal(to) - ordinal(from)
    }

    /// An insurer's new decision against the one before: a limit reduced, cancelled or refused.
    /// The first decision read is the baseline, unless it already refuses or cancels.
    public static func decision(_ cover: InsurerCover, previous: InsurerCover?, siren: SIREN, on day: CalendarDay) -> [DetectedEvent] {
        let source = CoverageSource.insurer(cover.insurer)
        let decided = cover.decidedOn ?? day
        func event(_ kind: CoverageEvent, _ severity: Severity, old: Money?, new: Money?) -> DetectedEvent {
            var evidence = ObservationEvidence(
                provider: source, observedOn: decided, previousOn: previous?.decidedOn, field: "cover",
                old: old?.description ?? previous?.decision.rawValue, new: new?.description ?? cover.decision.rawValue, reasons: [cover.decision.rawValue]
            )
            evidence.amount = new
            evidence.reference = old
            evidence.newLimit = new ?? Money(amount: 0, currency: old?.currency ?? "EUR")
            return DetectedEvent(siren: siren, kind: kind.rawValue, severity: severity, title: CoverageWording.english.title(kind, evidence), evidence: .observation(evidence))
        }
        let before = previous?.granted.flatMap { $0.amount > 0 && previous!.decision.covers ? $0 : nil }
        let now = cover.decision.covers ? cover.granted : nil
        if previous == cover { return [] }
        switch cover.decision {
        case .cancelled where before != nil:
            return [event(.insurerLimitCancelled, .high, old: before, new: nil)]
        case .refused where previous?.decision != .refused:
            return [event(.insurerLimitRefused, before == nil ? .warning : .high, old: before ?? cover.requested, new: nil)]
        case .cancelled, .refused, .underReview, .expired:
            return []
        case .approved, .partlyApproved, .conditional, .reduced:
            guard let before, let now, now.currency == before.currency, now.amount < before.amount else { return [] }
            return [event(now.amount == 0 ? .insurerLimitCancelled : .insurerLimitReduced, now.amount == 0 ? .high : .warning, old: before, new: now)]
        }
    }
}
