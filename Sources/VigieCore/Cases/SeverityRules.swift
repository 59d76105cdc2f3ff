import Foundation

/// Money at risk decides how urgent a fact is: the same limit cut is a warning at a client who
/// owes nothing and an emergency at one who owes more than the new limit covers. Rules, in
/// order, each raising an alert's severity to at least its level when its conditions hold.
public struct SeverityRule: Hashable, Sendable {
    public var name: String
    /// Alert kinds; nil matches all.
    public var kinds: Set<String>?
    public var situations: Set<CaseSituation>?
    /// Only alerts already at least this severe (a procedural step is not escalated).
    public var minSeverity: Severity?
    /// What the client owes, in its currency, at least.
    public var minExposure: Decimal?
    /// What the client owes beyond what covers it (the insured limit, the provider's new
    /// limit), at least; 0 asks only that something be uncovered.
    public var minUncovered: Decimal?
    public var raiseTo: Severity

    public init(
        name: String, kinds: Set<String>? = nil, situations: Set<CaseSituation>? = nil, minSeverity: Severity? = nil,
        minExposure: Decimal? = nil, minUncovered: Decimal? = nil, raiseTo: Severity
    ) {
        self.name = name
        self.kinds = kinds
        self.situations = situations
        self.minSeverity = minSeverity
        self.minExposure = minExposure
        self.minUncovered = minUncovered
        self.raiseTo = raiseTo
    }

    public func matches(_ alert: Alert) -> Bool {
        if let kinds, !kinds.contains(alert.kind) { return false }
        if let situations, !(CaseSituation.of(kind: alert.kind).map(situations.contains) ?? false) { return false }
        if let minSeverity, alert.severity < minSeverity { return false }
        if let minExposure, !alert.exposure.values.contains(where: { $0 >= minExposure }) { return false }
        if let minUncovered, !Self.uncovered(alert).values.contains(where: { $0 > 0 && $0 >= minUncovered }) { return false }
        return true
    }

    /// What the client owes beyond what covers it, by currency: the exposure less the larger of
    /// the insured limit and the limit the provider now recommends. Nothing known to cover it
    /// leaves the whole exposure uncovered.
    public static func uncovered(_ alert: Alert) -> [String: Decimal] {
        if let position = alert.position {
            // Known from the insurers, the guarantee and the balance; a limit the alert itself
            // reports lowered counts at its new figure.
            var uncovered = position.uncovered
            if case .observation(let observation) = alert.evidence, let limit = observation.newLimit, limit.currency == position.currency,
               CoverageSource.isInsurer(observation.provider) == false {
                uncovered = max(0, position.owed - min(position.owed, max(limit.amount, position.insured) + position.guaranteed))
            }
            return [position.currency: uncovered]
        }
        var cover: [String: Decimal] = [:]
        for limit in alert.watch.compactMap(\.insuredLimit) { cover[limit.currency] = max(cover[limit.currency] ?? 0, limit.amount) }
        if case .observation(let observation) = alert.evidence, let limit = observation.newLimit {
            cover[limit.currency] = max(cover[limit.currency] ?? 0, limit.amount)
        }
        return alert.exposure.reduce(into: [:]) { result, exposure in
            result[exposure.key] = max(0, exposure.value - (cover[exposure.key] ?? 0))
        }
    }
}

/// The severity rules in force: `alerts/severity.yaml`, else these defaults.
public struct SeverityRules: Hashable, Sendable {
    public var rules: [SeverityRule]

    public init(rules: [SeverityRule] = SeverityRules.defaults) {
        self.rules = rules
    }

    /// - a limit cut or cancelled below what the client owes is high;
    /// - a safeguard, receivership or liquidation at a client with 10 000 or more uncovered is critical;
    /// - a weakening at a client owing 100 000 or more is high.
    public static let defaults = [
        SeverityRule(
            name: "a limit cut below what the client owes",
            kinds: [
                ScoreEvent.creditLimitCut.rawValue, ScoreEvent.creditLimitCancelled.rawValue,
                CoverageEvent.insurerLimitReduced.rawValue, CoverageEvent.insurerLimitCancelled.rawValue, CoverageEvent.insurerLimitRefused.rawValue,
            ],
            minUncovered: 0, raiseTo: .high
        ),
        SeverityRule(name: "a procedure with 10 000 or more uncovered", situations: [.procedure], minSeverity: .high, minUncovered: 10_000, raiseTo: .critical),
        SeverityRule(name: "a weakening at a client owing 100 000 or more", situations: [.deterioration], minSeverity: .warning, minExposure: 100_000, raiseTo: .high),
    ]

    /// The alert with its severity raised by the first rule that matches and raises it; the
    /// rule's name is kept on the alert so that people see why.
    public func apply(_ alert: Alert) -> Alert {
        guard alert.siren != nil, let rule = rules.first(where: { $0.matches(alert) && $0.raiseTo > alert.severity }) else { return alert }
        var raised = alert
        raised.severity = rule.raiseTo
        raised.escalatedBy = rule.name
        return raised
    }

    public func apply(_ change: AlertChange) -> AlertChange {
        switch change {
        case .raised(let alert): .raised(apply(alert))
        case .revised(let alert): .revised(apply(alert))
        case .retracted: change
        }
    }
}
