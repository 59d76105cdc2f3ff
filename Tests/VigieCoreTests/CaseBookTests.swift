import Foundation
import Testing
import VigieCore

/// Cases as a pure function: correlation, inhibition, the lifecycle and its reminders, all on
/// a manual clock (dates passed in).
@Suite("Cases")
struct CaseBookTests {
    static let siren = try! SIREN("881843924")
    static let start = Date(timeIntervalSince1970: 1_780_000_000)
    static let watch = [WatchContext(watchlist: "key-accounts", owner: "julie@example.fr", tags: [], exposure: Money(amount: 12_480, currency: "EUR"), insuredLimit: nil)]

    static func observed(_ kind: ScoreEvent, provider: String, severity: Severity = .high, title: String? = nil, new: String = "yes", day: Int = 2) -> Alert {
        let evidence = Evidence.observation(ObservationEvidence(
            provider: provider, observedOn: CalendarDay(year: 2026, month: 2, day: day)!, previousOn: nil, field: kind.rawValue, old: nil, new: new
        ))
        return Alert(
            id: AlertIdentity.id(siren: siren, kind: kind.rawValue, evidenceKey: evidence.identityKey), siren: siren, companyName: "PASARGAD",
            kind: kind.rawValue, severity: severity, title: title ?? "\(provider) \(kind.rawValue)", evidence: evidence, watch: watch, createdAt: start
        )
    }

    static func notice(_ event: NoticeEvent, status: ProcedureStatus?, procedure: Procedure? = .receivership, id: String = "BODACC-1", severity: Severity = .critical) -> Alert {
        var evidence = NoticeEvidence(
            notice: BodaccNotice(id: id, kind: .initial, published: CalendarDay(year: 2026, month: 2, day: 5), sirens: [siren], companyName: "PASARGAD", judgment: nil),
            classification: NoticeClassification(event: event, procedure: procedure, statusAfter: status, severity: severity)
        )
        evidence.claims = ClaimsDeadline(published: CalendarDay(year: 2026, month: 2, day: 5)!, months: 2, mandataire: "Maître Wallyn, 87 rue Pierre Brossolette, 02100 Saint Quentin", role: "mandataire judiciaire")
        return Alert(
            id: AlertIdentity.id(siren: siren, kind: event.rawValue, evidenceKey: "notice:\(id)"), siren: siren, companyName: "PASARGAD",
            kind: event.rawValue, severity: severity, title: "\(procedure?.rawValue ?? "") \(event.rawValue)", evidence: .notice(evidence), watch: watch, createdAt: start
        )
    }

    static func apply(_ alerts: [Alert], to cases: [Case] = [], bodacc: Bool = true, at now: Date = start) -> CaseBook.Outcome {
        CaseBook.apply(alerts.map { .raised($0) }, to: Dictionary(cases.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last }), policy: .init(bodaccRead: bodacc), now: now)
    }

    static func told(_ outcome: CaseBook.Outcome) -> [Alert] {
        outcome.changes.map(\.alert).filter { !outcome.quiet.contains($0.id) }
    }

    // MARK: Correlation

    @Test("the same strike-off from two and from three sources is one case and one message listing every source")
    func mergedSources() {
        for sources in [["creditsafe", "pappers"], ["creditsafe", "pappers", "ellisphere"]] {
            let outcome = Self.apply(sources.map { Self.observed(.companyStruckOff, provider: $0) })
            #expect(outcome.updates.count == 1)
            let case_ = outcome.updates[0].after
            #expect(case_.situation == .cessation)
            #expect(case_.facts.map(\.disposition) == [.notified] + Array(repeating: .merged, count: sources.count - 1))
            let messages = Self.told(outcome)
            #expect(messages.count == 1)
            #expect(messages.first?.alsoReportedBy == Array(sources.dropFirst()))
            #expect(messages.allSatisfy { $0.caseID == case_.id })
        }
    }

    @Test("a second source a cycle later joins the case without a message, and re-polls never tell twice")
    func laterSource() {
        let first = Self.apply([Self.observed(.companyStruckOff, provider: "creditsafe")])
        let cases = first.updates.map(\.after)
        let second = Self.apply([Self.observed(.companyStruckOff, provider: "pappers")], to: cases, at: Self.start + 3600)
        #expect(Self.told(second).isEmpty)
        #expect(second.updates[0].after.facts.last?.disposition == .merged)
        let again = Self.apply([Self.observed(.companyStruckOff, provider: "creditsafe")], to: second.updates.map(\.after), at: Self.start + 7200)
        #expect(Self.told(again).isEmpty, "the same alert seen again is no news")
        #expect(again.updates.isEmpty, "and the case is left as it was")
    }

    @Test("a procedure from BODACC and from a provider is one case: the provider's judgement waits for BODACC when BODACC is read")
    func procedureAcrossSources() {
        let judgement = Self.observed(.providerJudgement, provider: "creditsafe", severity: .critical, title: "Creditsafe reports a new judgement: Redressement judiciaire")
        let quiet = Self.apply([judgement])
        #expect(Self.told(quiet).isEmpty)
        #expect(quiet.updates[0].after.situation == .procedure)
        #expect(quiet.updates[0].after.procedure == .receivership)
        let opened = Self.apply([Self.notice(.opened, status: .receivership)], to: quiet.updates.map(\.after), at: Self.start + 3600)
        #expect(Self.told(opened).map(\.kind) == [NoticeEvent.opened.rawValue])
        #expect(opened.updates.count == 1 && opened.updates[0].after.facts.count == 2)
        #expect(opened.updates[0].after.claims?.deadline == CalendarDay(year: 2026, month: 4, day: 5))
    }

    @Test("without BODACC, a provider's judgement opens the procedure case and is told")
    func providerWithoutBodacc() {
        let judgement = Self.observed(.providerProcedure, provider: "pappers", severity: .critical, title: "Pappers reports a new collective procedure: Liquidation judiciaire")
        let outcome = Self.apply([judgement], bodacc: false)
        #expect(Self.told(outcome).count == 1)
        #expect(outcome.updates[0].after.procedure == .liquidation)
    }

    // MARK: Inhibition

    @Test("during a receivership or liquidation, weakening joins the procedure case unsent; during a safeguard it is told")
    func inhibition() {
        for (status, procedure, inhibited) in [(ProcedureStatus.receivership, Procedure.receivership, true), (.liquidation, .liquidation, true), (.safeguard, .safeguard, false)] {
            let opened = Self.apply([Self.notice(.opened, status: status, procedure: procedure)])
            let drop = Self.observed(.scoreDrop, provider: "creditsafe", severity: .warning)
            let later = Self.apply([drop, Self.observed(.creditLimitCut, provider: "creditsafe", severity: .warning)], to: opened.updates.map(\.after), at: Self.start + 3600)
            if inhibited {
                #expect(Self.told(later).isEmpty, "\(status)")
                #expect(later.updates.map(\.after.situation) == [.procedure])
                #expect(later.updates[0].after.facts.suffix(2).map(\.disposition) == [.inhibited, .inhibited])
            } else {
                #expect(Self.told(later).count == 2, "\(status)")
                #expect(later.updates.map(\.after.situation) == [.deterioration])
            }
        }
    }

    // MARK: Lifecycle

    static let router = Router(
        always: ["log"],
        routes: [Router.Route(name: "credit", minSeverity: .high, channels: ["mail"], repeatInterval: .seconds(86_400), sendResolved: true)]
    )

    @Test("reminders on a manual clock: every repeat_interval while open; ack stops them; a snooze until a date holds them until then")
    func reminders() throws {
        var case_ = Self.apply([Self.notice(.opened, status: .receivership)]).updates[0].after
        func remind(at hours: Double) -> CaseBook.Outcome {
            let outcome = CaseBook.reminders([case_], router: Self.router, claimsDays: [], now: Self.start + hours * 3600)
            if let update = outcome.updates.first { case_ = update.after }
            return outcome
        }
        #expect(remind(at: 23).changes.isEmpty, "not a day yet")
        let first = remind(at: 24.5)
        #expect(first.changes.map(\.alert.kind) == [CaseNotice.reminder.rawValue])
        #expect(first.destinations.values.first?.map(\.channel) == ["log", "mail"])
        #expect(first.changes[0].alert.title == "Receivership for 1 day, 12,480 EUR at stake, not acknowledged")
        #expect(remind(at: 30).changes.isEmpty, "the route's interval counts from the last reminder")
        #expect(remind(at: 49).changes.count == 1)

        (case_, _) = try case_.applying(.acknowledge, by: "julie", note: "on it", at: Self.start + 50 * 3600)
        #expect(remind(at: 200).changes.isEmpty, "acknowledged: no reminder")

        (case_, _) = try case_.applying(.snooze(until: Self.start + 300 * 3600), by: "julie", note: nil, at: Self.start + 201 * 3600)
        #expect(remind(at: 250).changes.isEmpty, "snoozed")
        #expect(remind(at: 301).changes.count == 1, "the snooze ran out")
    }

    @Test("a new fact reopens a resolved case and wakes a snoozed one; a lesser fact leaves a dated snooze asleep")
    func newFacts() throws {
        var case_ = Self.apply([Self.observed(.scoreDrop, provider: "creditsafe", severity: .warning)]).updates[0].after
        (case_, _) = try case_.applying(.resolve, by: "marie", note: "paid", at: Self.start + 60)
        let reopened = Self.apply([Self.observed(.creditLimitCut, provider: "creditsafe", severity: .warning, day: 9)], to: [case_], at: Self.start + 3600)
        #expect(reopened.updates[0].after.state == .open)
        #expect(reopened.entries.map(\.action) == ["reopened"])
        #expect(Self.told(reopened).count == 1)

        case_ = reopened.updates[0].after
        (case_, _) = try case_.applying(.snooze(until: Self.start + 30 * 86_400), by: "marie", note: nil, at: Self.start + 7200)
        let lesser = Self.apply([Self.observed(.ratingDowngrade, provider: "creditsafe", severity: .warning, day: 10)], to: [case_], at: Self.start + 86_400)
        #expect(lesser.updates[0].after.state == .snoozed)
        #expect(Self.told(lesser).isEmpty)
        let graver = Self.apply([Self.observed(.creditLimitCancelled, provider: "creditsafe", severity: .high, day: 11)], to: [lesser.updates[0].after], at: Self.start + 2 * 86_400)
        #expect(graver.updates[0].after.state == .open)
        #expect(Self.told(graver).count == 1)

        (case_, _) = try graver.updates[0].after.applying(.snooze(until: nil), by: "marie", note: nil, at: Self.start + 3 * 86_400)
        let woken = Self.apply([Self.observed(.privilegeRegistered, provider: "creditsafe", severity: .warning, day: 12)], to: [case_], at: Self.start + 4 * 86_400)
        #expect(woken.updates[0].after.state == .open, "snoozed until something new: this is new")
    }

    @Test("a procedure's closure resolves the case and tells the routes that asked; an action on a resolved case is refused")
    func resolution() throws {
        let opened = Self.apply([Self.notice(.opened, status: .receivership)]).updates[0].after
        let closed = Self.apply([Self.notice(.closed, status: .closed, id: "BODACC-2", severity: .warning)], to: [opened], at: Self.start + 86_400)
        let case_ = closed.updates[0].after
        #expect(case_.state == .resolved && case_.resolution == "procedure_closed")
        let resolved = closed.changes.map(\.alert).filter { $0.kind == CaseNotice.resolved.rawValue }
        #expect(resolved.count == 1)
        #expect(Self.router.channels(for: resolved[0]) == ["log", "mail"])
        #expect(Router(always: ["log"], routes: [Router.Route(name: "chat", channels: ["slack"])], defaultChannels: ["slack"]).channels(for: resolved[0]) == ["log"],
                "a route that did not ask for resolutions gets none, nor do the default channels")
        #expect(throws: CaseActionError.self) { try case_.applying(.acknowledge, by: "x", note: nil, at: Self.start + 2 * 86_400) }
        #expect(throws: CaseActionError.self) { try case_.applying(.snooze(until: Self.start), by: "x", note: nil, at: Self.start + 2 * 86_400) }
        let (reopened, entry) = try case_.applying(.reopen, by: "julie", note: "plan failed", at: Self.start + 2 * 86_400)
        #expect(reopened.state == .open && entry.fromState == .resolved && entry.note == "plan failed")
    }

    @Test("a case changed by a person while a cycle ran keeps the person's state; the cycle's facts are kept too")
    func mergeWithPerson() throws {
        let base = Self.apply([Self.observed(.scoreDrop, provider: "creditsafe", severity: .warning)]).updates[0].after
        let cycle = Self.apply([Self.observed(.ratingDowngrade, provider: "creditsafe", severity: .warning, day: 3)], to: [base], at: Self.start + 60).updates[0]
        let (person, _) = try base.applying(.acknowledge, by: "marie", note: nil, at: Self.start + 30)
        let merged = cycle.merged(over: person)
        #expect(merged.state == .acknowledged)
        #expect(merged.facts.count == 2)
        #expect(merged.version == person.version + 1)

        // Another replica added a fact meanwhile: it stays beside this cycle's.
        var theirs = base
        theirs.facts.append(CaseFact(alert: Self.observed(.creditLimitCut, provider: "pappers", severity: .warning, day: 4), disposition: .notified, at: Self.start + 45))
        theirs.version += 1
        let both = cycle.merged(over: theirs)
        #expect(both.facts.map(\.source) == ["creditsafe", "pappers", "creditsafe"])
    }

    @Test("the claims deadline is recalled 14 and 3 days before it, once each")
    func claimsReminders() {
        let case_ = Self.apply([Self.notice(.opened, status: .receivership)]).updates[0].after
        let deadline = Date(timeIntervalSince1970: 1_775_347_200) // 2026-04-05
        let early = CaseBook.reminders([case_], router: Self.router, now: deadline - 20 * 86_400)
        #expect(early.changes.filter { $0.alert.kind == CaseNotice.claimsDeadline.rawValue }.isEmpty)
        let fortnight = CaseBook.reminders([case_], router: Self.router, now: deadline - 13 * 86_400)
        let claims = fortnight.changes.map(\.alert).filter { $0.kind == CaseNotice.claimsDeadline.rawValue }
        #expect(claims.count == 1)
        #expect(claims.first?.title == "Declare the claim by 2026-04-05 (13 days left) to Maître Wallyn, 87 rue Pierre Brossolette, 02100 Saint Quentin")
        let after = fortnight.updates[0].after
        #expect(CaseBook.reminders([after], router: Self.router, now: deadline - 12 * 86_400).changes.filter { $0.alert.kind == CaseNotice.claimsDeadline.rawValue }.isEmpty)
        #expect(CaseBook.reminders([after], router: Self.router, now: deadline - 2 * 86_400).changes.filter { $0.alert.kind == CaseNotice.claimsDeadline.rawValue }.count == 1)
    }

    @Test("every alert kind Vigie raises about a company has a situation, or is deliberately none")
    func situations() {
        let none: Set<String> = [NoticeEvent.accountsFiled.rawValue, NoticeEvent.registryNotice.rawValue, NoticeEvent.unclassified.rawValue]
        for kind in NoticeEvent.allCases.map(\.rawValue) + ScoreEvent.allCases.map(\.rawValue) {
            #expect((CaseSituation.of(kind: kind) == nil) == none.contains(kind), "\(kind)")
        }
    }
}

@Suite("What to do")
struct NextActionsTests {
    @Test("a receivership opening says what to do in English and French, with the officer and the deadline filled in")
    func receivership() throws {
        let alert = CaseBookTests.notice(.opened, status: .receivership)
        let actions = try #require(NextActions().actions(for: alert))
        #expect(actions["en"]?[1] == "Declare the claim to Maître Wallyn, 87 rue Pierre Brossolette, 02100 Saint Quentin by 2026-04-05.")
        #expect(actions["fr"]?[1] == "Déclarer la créance auprès de Maître Wallyn, 87 rue Pierre Brossolette, 02100 Saint Quentin avant le 2026-04-05.")
        #expect(actions["en"]?.first == "Stop selling on credit; deliver only against payment.")
    }

    @Test("a closure, a procedural step and a recovery call for nothing new; a weakening and a strike-off do")
    func topics() {
        #expect(NextActions().actions(for: CaseBookTests.notice(.closed, status: .closed, severity: .warning)) == nil)
        #expect(NextActions().actions(for: CaseBookTests.notice(.claimsFiling, status: nil, severity: .info)) == nil)
        #expect(NextActions().actions(for: CaseBookTests.observed(.scoreRecovered, provider: "creditsafe", severity: .info)) == nil)
        #expect(NextActions().actions(for: CaseBookTests.observed(.scoreDrop, provider: "creditsafe"))?["en"]?.first == "Review the client's credit limit against what it owes.")
        #expect(NextActions().actions(for: CaseBookTests.observed(.companyStruckOff, provider: "pappers"))?["fr"]?.count == 2)
    }

    @Test("without an officer named in the judgment, the text says where to find one")
    func noOfficer() {
        let actions = NextActions().actions(.liquidation, claims: nil)
        #expect(actions["en"]?[1] == "Declare the claim to the mandataire judiciaire named in the judgment by two months after the BODACC publication.")
    }
}
