import Foundation

/// Applies a BODACC notice to a watched company: raises the alert, or revises or retracts
/// an earlier one, and keeps the company's procedure status.
///
/// An open procedure is alerted the first time Vigie sees it. A rectificatif revises the
/// alert of the notice it corrects; an annulation or a retraction on third-party opposition
/// retracts it and raises a follow-up that says so. Applying the same notice twice changes
/// nothing.
public enum ProcedureTracker {
    /// Events a retraction on third-party opposition can undo.
    static let retractable: Set<String> = [
        NoticeEvent.opened.rawValue, NoticeEvent.converted.rawValue,
        NoticeEvent.extended.rawValue, NoticeEvent.planResolved.rawValue,
    ]

    public static func apply(
        _ notice: BodaccNotice, for company: WatchSet.Company, snapshot previous: Snapshot?,
        priorAlerts: [Alert], now: Date
    ) -> (snapshot: Snapshot, changes: [AlertChange]) {
        let siren = company.siren
        var snapshot = previous ?? Snapshot(siren: siren, source: "bodacc")
        let classification = NoticeClassifier.classify(notice)
        let evidence = NoticeEvidence(notice: notice, classification: classification)

        func alert(kind: String, severity: Severity, title: String, related: String? = nil) -> Alert {
            Alert(
                id: AlertIdentity.id(siren: siren, kind: kind, evidenceKey: Evidence.notice(evidence).identityKey),
                siren: siren, companyName: company.name ?? notice.companyName, kind: kind, severity: severity,
                title: title, evidence: .notice(evidence), watch: company.contexts, relatedAlertID: related, createdAt: now
            )
        }

        func retract(_ target: Alert) -> AlertChange {
            var retracted = target
            retracted.state = .retracted
            retracted.revision += 1
            retracted.updatedAt = now
            snapshot.procedureSteps.removeAll { $0.noticeID == target.noticeID }
            return .retracted(retracted)
        }

        switch classification.event {
        case .noticeCancelled, .retracted:
            let target = retractionTarget(of: notice, classification: classification, among: priorAlerts)
            var changes: [AlertChange] = []
            if let target, target.state == .active { changes.append(retract(target)) }
            let title = target.map { "\(classification.title): “\($0.title)” no longer stands" } ?? classification.title
            let severity: Severity = target == nil ? .info : max(classification.severity, .warning)
            changes.append(.raised(alert(kind: classification.event.rawValue, severity: severity, title: title, related: target?.id)))
            return (snapshot, changes)

        default:
            if notice.kind == .rectificatif, let corrected = notice.supersedes,
               let original = priorAlerts.first(where: { $0.restsOn(notice: corrected) }) {
                guard original.noticeID != notice.id, !original.restsOn(notice: notice.id) else { return (snapshot, []) }
                var revised = original
                revised.revision += 1
                revised.kind = classification.event.rawValue
                revised.severity = classification.severity
                revised.title = "\(classification.title) (corrected)"
                var corrections = evidence
                if case .notice(let before) = original.evidence {
                    corrections.corrects = (before.corrects ?? []) + [before.noticeID]
                }
                revised.evidence = .notice(corrections)
                revised.updatedAt = now
                if let index = snapshot.procedureSteps.firstIndex(where: { $0.noticeID == original.noticeID }) {
                    if let status = classification.statusAfter {
                        snapshot.procedureSteps[index] = ProcedureStep(noticeID: notice.id, status: status, on: notice.judgment?.date ?? notice.published)
                    } else {
                        snapshot.procedureSteps.remove(at: index)
                    }
                }
                return (snapshot, [.revised(revised)])
            }
            if let status = classification.statusAfter, !snapshot.procedureSteps.contains(where: { $0.noticeID == notice.id }) {
                snapshot.procedureSteps.append(ProcedureStep(noticeID: notice.id, status: status, on: notice.judgment?.date ?? notice.published))
            }
            return (snapshot, [.raised(alert(kind: classification.event.rawValue, severity: classification.severity, title: classification.title))])
        }
    }

    /// The alert an annulation or a retraction undoes: the notice it names when the record
    /// says; otherwise, for an annulation, the latest alert on the same nature, and for a
    /// retraction, the latest opening or conversion.
    static func retractionTarget(of notice: BodaccNotice, classification: NoticeClassification, among alerts: [Alert]) -> Alert? {
        if let superseded = notice.supersedes {
            return alerts.first { $0.restsOn(notice: superseded) && $0.kind != NoticeEvent.noticeCancelled.rawValue }
        }
        let candidates = alerts.filter { $0.noticeID != nil && $0.noticeID != notice.id && $0.kind != NoticeEvent.noticeCancelled.rawValue }
            .sorted { order($0) < order($1) }
        if classification.event == .noticeCancelled {
            return candidates.last { alert in
                if case .notice(let evidence) = alert.evidence { return evidence.nature == classification.nature }
                return false
            }
        }
        return candidates.last { retractable.contains($0.kind) }
    }

    /// Alerts in the order of the judgments they rest on.
    static func order(_ alert: Alert) -> String {
        guard case .notice(let evidence) = alert.evidence else { return "" }
        return "\(evidence.judgmentDate?.iso ?? evidence.published?.iso ?? "")|\(evidence.published?.iso ?? "")|\(evidence.noticeID)"
    }
}
