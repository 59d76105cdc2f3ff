import Foundation
import Testing
import VigieCore

@Suite("A joining company's BODACC history")
struct HistoryTests {
    typealias T = ProcedureTrackerTests

    static func evaluate(history: [BodaccNotice], notices: [BodaccNotice] = [], joining: Bool = true) -> WatchEngine.Outcome {
        let watch = WatchSet([Watchlist(name: "erp", file: "erp.csv", entries: [WatchEntry(identifier: "881843924", siren: T.siren, name: "PASARGAD")])])
        return WatchEngine.evaluate(WatchEngine.Input(
            watch: watch, observations: [], notices: notices, snapshots: [:], priorAlerts: [:],
            history: history, joining: joining ? [T.siren] : [], now: T.now
        ))
    }

    @Test("a procedure under way is alerted once, by the judgment that put the company where it stands")
    func ongoing() throws {
        let outcome = Self.evaluate(history: [
            T.notice("A202600281500", "Jugement de conversion en liquidation judiciaire", day: 8),
            T.notice("A202600251234", "Jugement d'ouverture d'une procédure de redressement judiciaire"),
            T.notice("A202600291600", "Dépôt de l'état des créances", day: 9, famille: "Avis de dépôt"),
        ])
        #expect(outcome.alertChanges.count == 1)
        let alert = try #require(outcome.alertChanges.first?.alert)
        #expect(alert.kind == "procedure_converted")
        #expect(alert.noticeID == "A202600281500")
        #expect(outcome.matchedNotices.count == 3, "every notice is recorded, so none comes back as news")
        #expect(outcome.snapshots.first?.procedureStatus == .liquidation)
    }

    @Test("a procedure that ended is the company's past: recorded, not alerted")
    func closed() {
        let outcome = Self.evaluate(history: [
            T.notice("A202600251234", "Jugement d'ouverture de liquidation judiciaire"),
            T.notice("A202600401700", "Jugement de clôture pour insuffisance d'actif", day: 20, famille: "Jugement de clôture"),
        ])
        #expect(outcome.alertChanges.isEmpty)
        #expect(outcome.snapshots.first?.procedureStatus == .closed)
        #expect(outcome.matchedNotices.count == 2)
    }

    @Test("a notice both new and in the history is news: alerted as the feed brings it")
    func newAndPast() {
        let opening = T.notice("A202600251234", "Jugement d'ouverture d'une procédure de redressement judiciaire")
        let outcome = Self.evaluate(history: [opening], notices: [opening])
        #expect(outcome.alertChanges.map(\.alert.kind) == ["procedure_opened"])
        #expect(outcome.matchedNotices.count == 1)
    }

    @Test("history of companies not joining is ignored")
    func notJoining() {
        let outcome = Self.evaluate(history: [T.notice("A202600251234", "Jugement d'ouverture de liquidation judiciaire")], joining: false)
        #expect(outcome.alertChanges.isEmpty)
        #expect(outcome.matchedNotices.isEmpty)
    }
}
