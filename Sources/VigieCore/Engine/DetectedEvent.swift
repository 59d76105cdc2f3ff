/// Something the diff found, before it becomes an alert: kind, severity, title, evidence.
public struct DetectedEvent: Hashable, Sendable {
    public var siren: SIREN
    public var kind: String
    public var severity: Severity
    public var title: String
    public var evidence: Evidence

    public init(siren: SIREN, kind: String, severity: Severity, title: String, evidence: Evidence) {
        self.siren = siren
        self.kind = kind
        self.severity = severity
        self.title = title
        self.evidence = evidence
    }
}

/// The score events the diff can raise.
public enum ScoreEvent: String, Sendable, CaseIterable {
    case scoreDrop = "score_drop"
    case ratingDowngrade = "rating_downgrade"
    case creditLimitCut = "credit_limit_cut"
    case creditLimitCancelled = "credit_limit_cancelled"
    case companyCeased = "company_ceased"
    case companyStruckOff = "company_struck_off"
    /// The provider reports the company failing (in a collective procedure, "in situation of failure").
    case companyInFailure = "company_in_failure"
    /// A judgement the provider lists that it did not before.
    case providerJudgement = "provider_judgement"
    /// A collective procedure the provider lists that it did not before.
    case providerProcedure = "provider_procedure"
    /// More active tax or social privileges than before.
    case privilegeRegistered = "privilege_registered"
    /// The score came back past the hysteresis margin and stayed there: the weakening is over.
    case scoreRecovered = "score_recovered"
}
