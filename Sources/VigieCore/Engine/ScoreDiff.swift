import Foundation

/// Compares a provider's new observation with the snapshot and says what changed that matters.
///
/// Baseline first: with no snapshot, the observation seeds one and raises no score alert
/// (a company already ceased is still reported: that is today's news). A value the provider
/// did not state ("Not Rated", "Credit Limit not applicable", missing) changes nothing.
public enum ScoreDiff {
    public static func apply(
        _ observation: ScoreObservation, to previous: Snapshot?, thresholds: Thresholds
    ) -> (snapshot: Snapshot, events: [DetectedEvent]) {
        var next = previous ?? Snapshot(siren: observation.siren, source: observation.provider)
        var events: [DetectedEvent] = []
        let isBaseline = previous == nil
        let previousOn = previous?.observedOn

        func evidence(_ field: String, _ old: String?, _ new: String?, _ reasons: [String] = []) -> Evidence {
            var evidence = ObservationEvidence(
                provider: observation.provider, observedOn: observation.observedOn, previousOn: previousOn,
                field: field, old: old, new: new, reasons: reasons, latestLegalEvent: observation.legalEvents.first?.summary
            )
            if field == "credit_limit", case .amount(let amount, let currency) = observation.creditLimit {
                evidence.newLimit = Money(amount: Decimal(amount), currency: currency ?? "EUR")
            }
            return .observation(evidence)
        }

        var scoreDropped = false
        if case .value = observation.score, let newScore = observation.score {
            if !isBaseline, let oldScore = previous?.score {
                let (watch, event) = hysteresis(from: oldScore, to: newScore, watch: previous?.scoreWatch, on: observation.observedOn, thresholds: thresholds)
                next.scoreWatch = watch
                switch event {
                case .drop(let drop):
                    scoreDropped = true
                    events.append(DetectedEvent(
                        siren: observation.siren, kind: ScoreEvent.scoreDrop.rawValue, severity: drop.severity,
                        title: "\(ProviderName.display(observation.provider)) score dropped from \(oldScore.text) to \(newScore.text)",
                        evidence: evidence("score", oldScore.text, newScore.text, drop.reasons)
                    ))
                case .recovered:
                    events.append(DetectedEvent(
                        siren: observation.siren, kind: ScoreEvent.scoreRecovered.rawValue, severity: .info,
                        title: "\(ProviderName.display(observation.provider)) score recovered to \(newScore.text)",
                        evidence: evidence("score", oldScore.text, newScore.text, ["recovered"])
                    ))
                case nil: break
                }
            }
            next.score = newScore
        }

        if let newRating = observation.rating.flatMap(normalizedRating) {
            if !isBaseline, !scoreDropped, let oldRating = previous?.rating, newRating > oldRating {
                events.append(DetectedEvent(
                    siren: observation.siren, kind: ScoreEvent.ratingDowngrade.rawValue,
                    severity: newRating >= "D" ? .high : .warning,
                    title: "\(ProviderName.display(observation.provider)) rating downgraded from \(oldRating) to \(newRating)",
                    evidence: evidence("rating", oldRating, newRating)
                ))
            }
            next.rating = newRating
        }

        if case .amount(let newAmount, let currency) = observation.creditLimit {
            if !isBaseline, let oldAmount = previous?.creditLimit?.amount, oldAmount > 0, newAmount < oldAmount {
                let (oldLimit, newLimit) = (CreditLimit.amount(oldAmount, currency: currency), CreditLimit.amount(newAmount, currency: currency))
                let old = oldLimit.text, new = newLimit.text
                if newAmount == 0 {
                    events.append(DetectedEvent(
                        siren: observation.siren, kind: ScoreEvent.creditLimitCancelled.rawValue, severity: .high,
                        title: "\(ProviderName.display(observation.provider)) credit limit cancelled (was \(oldLimit.englishText))",
                        evidence: evidence("credit_limit", old, new)
                    ))
                } else if (oldAmount - newAmount) / oldAmount * 100 >= (thresholds.creditLimitCutPercent ?? 25) {
                    events.append(DetectedEvent(
                        siren: observation.siren, kind: ScoreEvent.creditLimitCut.rawValue, severity: .warning,
                        title: "\(ProviderName.display(observation.provider)) credit limit cut from \(oldLimit.englishText) to \(newLimit.englishText)",
                        evidence: evidence("credit_limit", old, new, ["percent"])
                    ))
                }
            }
            next.creditLimit = observation.creditLimit
        }

        if let status = observation.status {
            if status != .active, previous?.status != status {
                let ceased = status == .ceased
                events.append(DetectedEvent(
                    siren: observation.siren,
                    kind: (ceased ? ScoreEvent.companyCeased : ScoreEvent.companyStruckOff).rawValue,
                    severity: .high,
                    title: ceased ? "Company has ceased trading (\(observation.provider))" : "Company struck off the register (\(observation.provider))",
                    evidence: evidence("status", previous?.status?.rawValue, status.rawValue)
                ))
            }
            next.status = status
        }
        events += providerFacts(observation, previous: previous, into: &next, evidence: evidence)
        if let cover = observation.cover {
            events += CoverageReview.decision(cover, previous: previous?.detail?.cover, siren: observation.siren, on: observation.observedOn)
            next.detail = SnapshotDetail(cover: cover)
        }
        if let balance = observation.balance {
            // What a balance raises depends on the whole position: the cycle's review says.
            next.detail = SnapshotDetail(balance: balance)
        }
        next.observedOn = observation.observedOn
        return (next, events)
    }

    /// Failure, judgements, procedures and privileges: a move into failure is news even at
    /// first sight (like a procedure found on the first pass); a judgement, a procedure or a
    /// privilege is news only once the provider's earlier facts are known, so that a company's
    /// history (nine old judgements) is its baseline.
    static func providerFacts(
        _ observation: ScoreObservation, previous: Snapshot?, into next: inout Snapshot,
        evidence: (String, String?, String?, [String]) -> Evidence
    ) -> [DetectedEvent] {
        var events: [DetectedEvent] = []
        let provider = ProviderName.display(observation.provider)
        var record = previous?.facts ?? ProviderFacts()
        if let failing = observation.inFailure {
            if failing, previous?.facts?.inFailure != true {
                events.append(DetectedEvent(
                    siren: observation.siren, kind: ScoreEvent.companyInFailure.rawValue, severity: .critical,
                    title: "\(provider) reports the company failing",
                    evidence: evidence("failure", previous?.facts?.inFailure == false ? "no" : nil, "yes", [])
                ))
            }
            record.inFailure = failing
        }
        if let facts = observation.facts {
            let known = Set(record.keys)
            let firstRecord = !(previous?.facts?.listed ?? false)
            record.listed = true
            for fact in facts where fact.kind != .privileges && !known.contains(fact.key) {
                record.keys.append(fact.key)
                guard !firstRecord else { continue }
                let judgement = fact.kind == .judgement
                events.append(DetectedEvent(
                    siren: observation.siren,
                    kind: (judgement ? ScoreEvent.providerJudgement : ScoreEvent.providerProcedure).rawValue,
                    severity: severity(of: fact),
                    title: "\(provider) reports a new \(judgement ? "judgement" : "collective procedure"): \(fact.summary)",
                    evidence: evidence(fact.kind.rawValue, nil, fact.summary, [])
                ))
            }
            if let privileges = facts.first(where: { $0.kind == .privileges })?.count {
                if let before = record.privileges, privileges > before, !firstRecord {
                    events.append(DetectedEvent(
                        siren: observation.siren, kind: ScoreEvent.privilegeRegistered.rawValue, severity: .high,
                        title: "\(provider) reports new tax or social privileges (\(before) → \(privileges) active)",
                        evidence: evidence("privileges", String(before), String(privileges), [])
                    ))
                }
                record.privileges = privileges
            }
        }
        if record != ProviderFacts() || previous?.facts != nil { next.facts = record }
        return events
    }

    /// A judgement or procedure as grave as what it pronounces: a liquidation or a
    /// receivership is critical, a safeguard high, anything else (a claims list, a closure) a warning.
    static func severity(of fact: ProviderFact) -> Severity {
        let text = TextRepair.fold("\(fact.code ?? "") \(fact.label)")
        if ["liquidation", "receivership", "redressement", " rj", " lj"].contains(where: { (" " + text).includes($0) }) && !text.includes("closure") && !text.includes("cloture") {
            return .critical
        }
        if text.includes("safeguard") || text.includes("sauvegarde") { return .high }
        return .warning
    }

    enum ScoreMove {
        case drop((reasons: [String], severity: Severity))
        /// Back past the margin for long enough: re-armed.
        case recovered
    }

    /// A score move through the hysteresis, as a pure state machine with the observation day
    /// passed in. Armed (no watch), a drop that crosses the thresholds alerts and disarms at
    /// the new level. Disarmed, only a fall below the level alerted at that would itself be a
    /// drop alerts (an escalation); a score back `hysteresisPoints` above that level for
    /// `hysteresisDays` re-arms, and says the weakening is over.
    static func hysteresis(
        from old: ScoreValue, to new: ScoreValue, watch: ScoreWatch?, on day: CalendarDay, thresholds: Thresholds
    ) -> (watch: ScoreWatch?, move: ScoreMove?) {
        guard let oldLevel = old.normalized, let newLevel = new.normalized else { return (watch, nil) }
        guard var watch else {
            guard let drop = scoreDrop(from: oldLevel, to: newLevel, thresholds: thresholds) else { return (nil, nil) }
            return (ScoreWatch(alertedLevel: newLevel), .drop(drop))
        }
        if newLevel < watch.alertedLevel, let drop = scoreDrop(from: watch.alertedLevel, to: newLevel, thresholds: thresholds) {
            return (ScoreWatch(alertedLevel: newLevel), .drop(drop))
        }
        let margin = thresholds.hysteresisPoints ?? Thresholds.standard.hysteresisPoints ?? 5
        guard newLevel >= watch.alertedLevel + margin - 1e-9 else {
            watch.recoveringSince = nil
            return (watch, nil)
        }
        let since = watch.recoveringSince ?? day
        let days = Double(since.days(until: day))
        if days >= (thresholds.hysteresisDays ?? Thresholds.standard.hysteresisDays ?? 7) - 1e-9 {
            return (nil, .recovered)
        }
        watch.recoveringSince = since
        return (watch, nil)
    }

    /// Whether a score fell far enough, and why: by points, by percent, into a worse band.
    public static func scoreDrop(from old: ScoreValue, to new: ScoreValue, thresholds: Thresholds) -> (reasons: [String], severity: Severity)? {
        guard let oldScore = old.normalized, let newScore = new.normalized else { return nil }
        return scoreDrop(from: oldScore, to: newScore, thresholds: thresholds)
    }

    /// The same on normalized (0–100) levels.
    static func scoreDrop(from oldScore: Double, to newScore: Double, thresholds: Thresholds) -> (reasons: [String], severity: Severity)? {
        guard newScore < oldScore else { return nil }
        let drop = oldScore - newScore
        var reasons: [String] = []
        if let points = thresholds.scoreDropPoints, drop >= points - 1e-9 { reasons.append("points") }
        if let percent = thresholds.scoreDropPercent, oldScore > 0, drop / oldScore * 100 >= percent - 1e-9 { reasons.append("percent") }
        let oldBand = RiskBand(normalized: oldScore), newBand = RiskBand(normalized: newScore)
        if newBand > oldBand { reasons.append("band") }
        guard !reasons.isEmpty else { return nil }
        let severity: Severity = newBand == .d && oldBand != .d ? .high : .warning
        return (reasons, severity)
    }

    /// A single rating letter A–E, upper-cased; anything else is not a rating Vigie can compare.
    static func normalizedRating(_ raw: String) -> String? {
        let letter = raw.trimmingCharacters(in: .whitespaces).uppercased()
        return ["A", "B", "C", "D", "E"].contains(letter) ? letter : nil
    }
}
