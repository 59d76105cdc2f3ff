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

@Suite("Old judgments are history, not news")
struct StaleJudgmentTests {
    typealias T = ProcedureTrackerTests

    static func opening(_ id: String, judged: CalendarDay) -> BodaccNotice {
        var notice = T.notice(id, "Jugement d'ouverture d'une procédure de redressement judiciaire")
        notice.judgment?.date = judged
        notice.published = judged.adding(days: 10)
        return notice
    }

    @Test("a procedure opened over ten years ago with no closure published is not alerted as an opening today")
    func olderThanTenYears() {
        let outcome = HistoryTests.evaluate(history: [Self.opening("A201200251234", judged: CalendarDay(year: 2012, month: 3, day: 1)!)])
        #expect(outcome.alertChanges.isEmpty)
        #expect(outcome.snapshots.first?.procedureStatus == .receivership, "the status is still recorded")
        let imported = HistoryTests.evaluate(history: [], notices: [Self.opening("A201200251234", judged: CalendarDay(year: 2012, month: 3, day: 1)!)], joining: false)
        #expect(imported.alertChanges.isEmpty, "nor when a file brings it as a notice")
    }

    @Test("a procedure found in the company's past carries its judgment date and age in the alert")
    func ageInTitle() throws {
        let outcome = HistoryTests.evaluate(history: [Self.opening("A202400251234", judged: CalendarDay(year: 2024, month: 1, day: 27)!)])
        let alert = try #require(outcome.alertChanges.first?.alert)
        #expect(alert.title == "Receivership (redressement judiciaire) opened (judgment of 2024-01-27, 2 years ago)")
    }
}

@Suite("Notices that name no SIREN")
struct WeakMatchTests {
    static let siren = try! SIREN("881843924")

    static func evaluate(postcode: String?, name: String = "Jean Dupont", notice: BodaccNotice, history: Bool = false) -> WatchEngine.Outcome {
        var entry = WatchEntry(identifier: siren.digits, siren: siren, name: name)
        entry.postcode = postcode
        let watch = WatchSet([Watchlist(name: "erp", file: "erp.csv", entries: [entry])])
        return WatchEngine.evaluate(WatchEngine.Input(
            watch: watch, observations: [], notices: history ? [] : [notice], snapshots: [:], priorAlerts: [:],
            history: history ? [notice] : [], joining: history ? [siren] : [], now: ProcedureTrackerTests.now
        ))
    }

    static func soleTrader(_ name: String = "DUPONT, Jean", postcode: String = "75002") -> BodaccNotice {
        var notice = ProcedureTrackerTests.notice("A202600301999", "Jugement d'ouverture de liquidation judiciaire")
        notice.sirens = []
        notice.companyName = name
        notice.postalCode = postcode
        return notice
    }

    @Test("same name and postcode: a possible match, at most a warning, said as such; the company's status is not changed", arguments: [false, true])
    func possibleMatch(history: Bool) throws {
        let outcome = Self.evaluate(postcode: "75002", notice: Self.soleTrader(), history: history)
        let alert = try #require(outcome.alertChanges.first?.alert)
        #expect(outcome.alertChanges.count == 1)
        #expect(alert.severity == .warning, "a liquidation by SIREN would be critical")
        #expect(alert.title.hasPrefix("Possible match by name and postcode (the notice names no SIREN): "))
        #expect(alert.isWeakMatch)
        #expect(outcome.snapshots.isEmpty, "a namesake must not change the company's procedure status")
    }

    @Test("another postcode, another name, or no postcode on the watchlist: no match", arguments: [
        ("75002", "DUPONT, Pierre", "75002"), ("75002", "DUPONT, Jean", "69001"), (nil, "DUPONT, Jean", "75002"),
    ] as [(String?, String, String)])
    func noMatch(entryPostcode: String?, noticeName: String, noticePostcode: String) {
        #expect(Self.evaluate(postcode: entryPostcode, notice: Self.soleTrader(noticeName, postcode: noticePostcode)).alertChanges.isEmpty)
    }

    @Test("names match whatever their order, case, accents and legal form")
    func names() {
        #expect(WeakMatch.words("DUPONT, Jean") == WeakMatch.words("Jean Dupont"))
        #expect(WeakMatch.words("SARL Boulangerie Hélène") == WeakMatch.words("BOULANGERIE HELENE"))
        #expect(WeakMatch.words("DUPONT, Jean") != WeakMatch.words("DUPONT, Jeanne"))
    }
}
