import Foundation
import Testing
import VigieCore

@Suite("Procedure tracking and alert identity")
struct ProcedureTrackerTests {
    static let siren = try! SIREN("881843924")
    static let now = Date(timeIntervalSince1970: 1_770_000_000)
    static let company = WatchSet([Watchlist(name: "erp", file: "erp.csv", entries: [
        WatchEntry(identifier: "881843924", siren: siren, name: "PASARGAD", owner: "julie@example.fr", exposure: Money(amount: 12_480.5)),
    ])])[siren]!

    static func notice(_ id: String, _ nature: String, kind: BodaccNotice.Kind = .initial, supersedes: String? = nil, day: Int = 5, famille: String? = nil) -> BodaccNotice {
        BodaccNotice(
            id: id, kind: kind, published: CalendarDay(year: 2026, month: 2, day: day), sirens: [siren], companyName: "PASARGAD",
            tribunal: "Greffe du Tribunal de Commerce de Beauvais",
            judgment: Judgment(type: kind == .annulation ? "annule" : "initial", famille: famille, nature: nature, date: CalendarDay(year: 2026, month: 1, day: 27), complement: nil),
            supersedes: supersedes
        )
    }

    /// Applies notices in order, carrying the snapshot and the alerts as the store would.
    static func replay(_ notices: [BodaccNotice]) -> (snapshot: Snapshot?, alerts: [String: Alert], changes: [[AlertChange]]) {
        var snapshot: Snapshot?
        var alerts: [String: Alert] = [:]
        var all: [[AlertChange]] = []
        for notice in notices {
            let (next, changes) = ProcedureTracker.apply(notice, for: company, snapshot: snapshot, priorAlerts: Array(alerts.values), now: now)
            snapshot = next
            for change in changes {
                if case .raised = change, alerts[change.alert.id] != nil { continue }
                alerts[change.alert.id] = change.alert
            }
            all.append(changes)
        }
        return (snapshot, alerts, all)
    }

    @Test("an opening found at first sight is alerted, with the evidence and what is at stake")
    func openingAtFirstSight() throws {
        let (snapshot, alerts, _) = Self.replay([Self.notice("A202600251234", "Jugement d'ouverture d'une procédure de redressement judiciaire")])
        let alert = try #require(alerts.values.first)
        #expect(alert.kind == "procedure_opened")
        #expect(alert.severity == .critical)
        #expect(alert.title == "Receivership (redressement judiciaire) opened")
        #expect(alert.watch.first?.owner == "julie@example.fr")
        #expect(alert.exposure == ["EUR": Decimal(string: "12480.5")!])
        guard case .notice(let evidence) = alert.evidence else { Issue.record("no notice evidence"); return }
        #expect(evidence.url == "https://www.bodacc.fr/pages/annonces-commerciales-detail/?q.id=id:A202600251234")
        #expect(snapshot?.procedureStatus == .receivership)
    }

    @Test("receivership then conversion: the status follows, each alerted once")
    func conversion() {
        let (snapshot, alerts, _) = Self.replay([
            Self.notice("A202600251234", "Jugement d'ouverture d'une procédure de redressement judiciaire"),
            Self.notice("A202600281500", "Jugement de conversion en liquidation judiciaire", day: 8),
        ])
        #expect(alerts.count == 2)
        #expect(snapshot?.procedureStatus == .liquidation)
        #expect(snapshot?.procedureSteps.map(\.status) == [.receivership, .liquidation])
    }

    @Test("the same notice twice changes nothing and keeps one alert")
    func idempotent() {
        let opening = Self.notice("A202600251234", "Jugement d'ouverture de liquidation judiciaire")
        let (snapshot, alerts, changes) = Self.replay([opening, opening])
        #expect(alerts.count == 1)
        #expect(changes[0].map(\.alert.id) == changes[1].map(\.alert.id))
        #expect(snapshot?.procedureSteps.count == 1)
    }

    @Test("a rectificatif revises the alert it corrects, under the same id")
    func rectificatif() throws {
        let (snapshot, alerts, changes) = Self.replay([
            Self.notice("A202600251234", "Jugement d'ouverture d'une procédure de redressement judiciaire"),
            Self.notice("A202600301777", "Jugement d'ouverture de liquidation judiciaire", kind: .rectificatif, supersedes: "A202600251234", day: 10),
        ])
        #expect(alerts.count == 1)
        let revised = try #require(changes[1].first)
        guard case .revised(let alert) = revised else { Issue.record("expected a revision, got \(revised)"); return }
        #expect(alert.id == changes[0].first?.alert.id)
        #expect(alert.revision == 2)
        #expect(alert.kind == "procedure_opened")
        #expect(alert.title == "Liquidation (liquidation judiciaire) opened (corrected)")
        #expect(alert.noticeID == "A202600301777")
        #expect(snapshot?.procedureStatus == .liquidation)
        #expect(snapshot?.procedureSteps.count == 1)
    }

    @Test("a rectificatif of a notice never seen is alerted on its own")
    func orphanRectificatif() {
        let (_, alerts, _) = Self.replay([Self.notice("A202600301777", "Jugement d'ouverture de liquidation judiciaire", kind: .rectificatif, supersedes: "A201900010001")])
        #expect(alerts.count == 1)
        #expect(alerts.values.first?.kind == "procedure_opened")
    }

    @Test("an annulation retracts the alert it cancels, and a follow-up says so")
    func annulation() throws {
        let (snapshot, alerts, changes) = Self.replay([
            Self.notice("A202600251234", "Jugement de clôture pour insuffisance d'actif"),
            Self.notice("A202600301888", "Jugement de clôture pour insuffisance d'actif", kind: .annulation, supersedes: "A202600251234", day: 10),
        ])
        #expect(alerts.count == 2)
        let original = try #require(changes[0].first?.alert)
        #expect(alerts[original.id]?.state == .retracted)
        #expect(alerts[original.id]?.revision == 2)
        let followUp = try #require(alerts.values.first { $0.id != original.id })
        #expect(followUp.kind == "notice_cancelled")
        #expect(followUp.relatedAlertID == original.id)
        #expect(followUp.title.contains("no longer stands"))
        #expect(snapshot?.procedureSteps.isEmpty == true)
    }

    @Test("an annulation of the original retracts the alert a rectificatif revised, whichever revision it is at", arguments: [1, 2])
    func annulationAfterRectificatif(rectificatifs: Int) throws {
        var notices = [Self.notice("A202600251234", "Jugement d'ouverture d'une procédure de redressement judiciaire")]
        var corrected = "A202600251234"
        for index in 0..<rectificatifs {
            let id = "A20260030177\(index)"
            notices.append(Self.notice(id, "Jugement d'ouverture de liquidation judiciaire", kind: .rectificatif, supersedes: corrected, day: 10 + index))
            corrected = id
        }
        notices.append(Self.notice("A202600401888", "Jugement d'ouverture d'une procédure de redressement judiciaire", kind: .annulation, supersedes: "A202600251234", day: 20))
        let (snapshot, alerts, changes) = Self.replay(notices)
        let original = try #require(changes[0].first?.alert)
        #expect(alerts[original.id]?.state == .retracted)
        #expect(alerts[original.id]?.revision == rectificatifs + 2)
        #expect(alerts.count == 2, "the alert and one follow-up, nothing unrelated")
        let followUp = try #require(alerts.values.first { $0.id != original.id })
        #expect(followUp.kind == "notice_cancelled")
        #expect(followUp.relatedAlertID == original.id)
        #expect(followUp.severity >= .warning)
        #expect(snapshot?.procedureSteps.isEmpty == true)
        #expect(snapshot?.procedureStatus == nil)
    }

    @Test("an annulation of the rectificatif itself retracts the revised alert too")
    func annulationOfRectificatif() throws {
        let (_, alerts, changes) = Self.replay([
            Self.notice("A202600251234", "Jugement d'ouverture d'une procédure de redressement judiciaire"),
            Self.notice("A202600301777", "Jugement d'ouverture de liquidation judiciaire", kind: .rectificatif, supersedes: "A202600251234", day: 10),
            Self.notice("A202600401888", "Jugement d'ouverture de liquidation judiciaire", kind: .annulation, supersedes: "A202600301777", day: 20),
        ])
        let original = try #require(changes[0].first?.alert)
        #expect(alerts[original.id]?.state == .retracted)
        #expect(alerts.count == 2)
    }

    @Test("an annulation without a reference retracts the latest alert of the same nature")
    func annulationWithoutReference() {
        let (_, alerts, _) = Self.replay([
            Self.notice("BODACC-2026-02-02-1", "Jugement de clôture pour insuffisance d'actif", day: 2),
            Self.notice("BODACC-2026-02-05-3498", "Jugement de clôture pour insuffisance d'actif", kind: .annulation, day: 5),
        ])
        #expect(alerts.values.filter { $0.state == .retracted }.map(\.noticeID) == ["BODACC-2026-02-02-1"])
    }

    @Test("a retraction on third-party opposition undoes the opening it targets")
    func retraction() {
        let (snapshot, alerts, _) = Self.replay([
            Self.notice("A202600011000", "Jugement d'ouverture de liquidation judiciaire", day: 2),
            Self.notice("A202600041737", "Rétractation de jugement d'ouverture sur tierce opposition", day: 4, famille: "Rétractation sur tierce opposition"),
        ])
        #expect(alerts.values.filter { $0.state == .retracted }.map(\.kind) == ["procedure_opened"])
        #expect(alerts.values.contains { $0.kind == "judgment_retracted" && $0.relatedAlertID != nil })
        #expect(snapshot?.procedureStatus == nil)
    }

    @Test("alert ids depend on company, kind and evidence only")
    func identity() throws {
        let a = AlertIdentity.id(siren: Self.siren, kind: "procedure_opened", evidenceKey: "notice:A1")
        #expect(a == AlertIdentity.id(siren: Self.siren, kind: "procedure_opened", evidenceKey: "notice:A1"))
        #expect(a != AlertIdentity.id(siren: Self.siren, kind: "procedure_opened", evidenceKey: "notice:A2"))
        #expect(a != AlertIdentity.id(siren: try SIREN("337891287"), kind: "procedure_opened", evidenceKey: "notice:A1"))
        #expect(a.hasPrefix("vg_") && a.count == 35)
    }
}
