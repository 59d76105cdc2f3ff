import Foundation
import VigieCore

/// Alerts for delivery tests, built as the engine builds them.
enum Fixtures {
    static let siren = try! SIREN("881843924")

    static func alert(company: String = "PASARGAD", kind: NoticeEvent = .opened, revision: Int = 1, id: String? = nil) -> Alert {
        let notice = BodaccNotice(
            id: "A202600251234", kind: .initial, published: CalendarDay(year: 2026, month: 2, day: 5), sirens: [siren], companyName: company,
            tribunal: "Greffe du Tribunal de Commerce de Beauvais",
            judgment: Judgment(famille: "Jugement d'ouverture", nature: "Jugement d'ouverture d'une procédure de redressement judiciaire",
                               date: CalendarDay(year: 2026, month: 1, day: 27), complement: "Jugement prononçant l'ouverture d'une procédure de redressement judiciaire, date de cessation des paiements le 10 juin 2025.")
        )
        let classification = NoticeClassifier.classify(notice)
        return Alert(
            id: id ?? AlertIdentity.id(siren: siren, kind: classification.event.rawValue, evidenceKey: "notice:\(notice.id)"), revision: revision,
            siren: siren, companyName: company, kind: classification.event.rawValue, severity: classification.severity, title: classification.title,
            evidence: .notice(NoticeEvidence(notice: notice, classification: classification)),
            watch: [WatchContext(watchlist: "erp-export", owner: "julie.bernard@example.fr", tags: ["btp"], exposure: Money(amount: Decimal(string: "12480.50")!), insuredLimit: Money(amount: 15_000))],
            createdAt: Date()
        )
    }
}
