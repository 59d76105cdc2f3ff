import ArgumentParser
import Foundation
import VigieCore
import VigieDelivery
import VigieRuntime

struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "Work the cases: one per company and situation, with its facts, owner and lifecycle.",
        discussion: """
            A case gathers everything about one company's one situation (its collective procedure, its cessation, its weakening), whatever the sources. Actions write beside a running daemon.

            Examples:
              vigie cases list --open
              vigie cases show vc_3f1c…
              vigie cases ack vc_3f1c… --note "calling the client"
              vigie cases snooze vc_3f1c… --until 2026-12-15
            """,
        subcommands: [List.self, Show.self, Ack.self, Assign.self, Snooze.self, Resolve.self, Reopen.self, ReleaseShift.self, DiscardShift.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List cases, the most money at stake first.",
            discussion: "Examples:\n  vigie cases list --open\n  vigie cases list --owner marie@example.fr --severity high\n  vigie cases list --sort age --format jsonl"
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, jsonl
        }

        @Flag(name: .long, help: "Only cases not resolved.")
        var open = false

        @Option(name: .long, help: ArgumentHelp("Only cases in this state: open, acknowledged, snoozed, resolved.", valueName: "state"))
        var state: CaseState?

        @Option(name: .long, help: ArgumentHelp("Only cases this person handles.", valueName: "email"))
        var owner: String?

        @Option(name: .long, help: ArgumentHelp("Only this company's cases (SIREN or SIRET).", valueName: "siren"))
        var siren: String?

        @Option(name: .long, help: ArgumentHelp("Only cases at least this severe: info, warning, high, critical.", valueName: "severity"))
        var severity: Severity?

        @Option(name: .long, help: ArgumentHelp("Order: exposure (money at stake first) or age (oldest first).", valueName: "order"))
        var sort: CaseFilter.Order = .exposure

        @Option(name: .long, help: "Output format: text or jsonl.")
        var format: Format = .text

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let company = try siren.map(parseSIRENOption)
            guard let store = try await AlertsCommand.store(options, access: .reader) else { return }
            let now = SystemWallClock().now
            let filter = CaseFilter(activeOnly: open, state: state, owner: owner, siren: company, minSeverity: severity, order: sort, asOf: now)
            let cases = try await store.cases(filter)
            var output = OutputBuffer()
            for item in cases {
                switch format {
                case .jsonl: output.line(CaseRecord(item, at: now).jsonLine())
                case .text: output.line(CasesCommand.line(item, at: now))
                }
            }
            output.flush()
            if format == .text { printError(counted(cases.count, "case")) }
        }
    }

    /// One line a credit manager scans: severity, company, what, money at stake, age, owner, state.
    static func line(_ item: Case, at now: Date) -> String {
        let exposure = item.exposure.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).formatted(.english) }.joined(separator: ", ")
        let state = item.state(at: now)
        var parts = [
            item.severity.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0),
            "\(Escape.controlCharacters(item.companyName ?? item.siren.formatted)) (\(item.siren.formatted))",
            Escape.controlCharacters(item.title),
            (exposure.isEmpty ? "no exposure given" : "\(exposure) at stake") + (item.position.map { ", \($0.money($0.uncovered).formatted(.english)) uncovered" } ?? ""),
            "\(item.ageDays(at: now)) d",
            item.owner.map { Escape.controlCharacters($0) } ?? "no owner",
            state == .snoozed ? "snoozed\(item.snoozedUntil.map { " until \($0.iso8601)" } ?? " until something new")" : state.rawValue,
        ]
        if let claims = item.claims, state.isActive { parts.append("declare by \(claims.deadline.iso)") }
        return "\(item.id)  " + parts.joined(separator: " · ")
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a case: its facts with their evidence, what to do, and its audit trail.",
            discussion: "Example:\n  vigie cases show vc_3f1c0b5e0f9d4a7c8e2b1a6d5c4f3e21"
        )

        @Argument(help: ArgumentHelp("The case's id (vc_…).", valueName: "id"))
        var id: String

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            guard let store = try await AlertsCommand.store(options, access: .reader), let item = try await store.case(id: id) else {
                printError("vigie: no case \(id); vigie cases list shows the ids")
                throw ExitCode(1)
            }
            let now = SystemWallClock().now
            print(CasesCommand.line(item, at: now))
            print("\(item.situation.rawValue) case, opened \(item.openedAt.iso8601), \(item.state(at: now).rawValue)\(item.resolution.map { " (\($0))" } ?? "")")
            if let position = item.position {
                print("\nMoney at stake: \(CoverageWording.english.position(position))")
                if let covers = CoverageWording.english.covers(position) { print("  covered: \(Escape.controlCharacters(covers))") }
                if let detail = CoverageWording.english.owedDetail(position) { print("  owed by the \(detail)") }
            }
            if let claims = item.claims {
                if let claim = item.position?.toDeclare {
                    print("\nClaim to declare: \(claim.formatted(.english))\(item.position?.toDeclareAsOf.map { " (what the aged balance of \($0.iso) says was owed before the judgment)" } ?? "")")
                }
                print("\nDeclare the claim by \(claims.deadline.iso) (\(claims.months) months after the BODACC publication of \(claims.published.iso))"
                    + (claims.mandataire.map { " to the \(claims.role ?? "mandataire judiciaire"): \(Escape.controlCharacters($0))" } ?? "; the notice names no officer: see the court's text"))
            }
            if item.state(at: now).isActive, let topic = NextActions.topic(of: item) {
                let actions = (try? VigieApplication.delivery(try options.load(secrets: .deferred)).1.actions) ?? NextActions()
                print("\nWhat to do:")
                for (index, action) in (actions.actions(topic, claims: item.claims)["en"] ?? []).enumerated() {
                    print("  \(index + 1). \(Escape.controlCharacters(action))")
                }
            }
            print("\nTimeline:")
            let entries = try await store.caseEntries(caseID: id)
            let alerts = try await CaseTimeline.alerts(of: id, entries: entries, store: store)
            for fact in item.facts {
                let marks = [fact.active ? nil : "retracted", fact.disposition == .notified ? nil : fact.disposition.rawValue].compactMap { $0 }
                print("  \(fact.at.iso8601)  \(fact.severity.rawValue.uppercased())  \(Escape.controlCharacters(fact.title))  [\(fact.source)]\(marks.isEmpty ? "" : " (\(marks.joined(separator: ", ")))")  \(fact.alertID)")
                guard let alert = alerts[fact.alertID] else { continue }
                let content = MessageContent(alert: alert, language: .en)
                for evidence in content.facts where !["Company", "Severity", "Watchlist", "Owner", "Exposure", "Case", "Insured limit", "What to do", "Declare the claim", "Uncovered", "Owed", "Covered", "Claim to declare"].contains(evidence.label) {
                    print("      \(evidence.label): \(Escape.controlCharacters(evidence.value))")
                }
                if let url = content.evidenceURL { print("      Evidence: \(url)") }
                if let text = content.courtText { print("      Court text: \(Escape.controlCharacters(text))") }
            }
            print("\nAudit trail:")
            for entry in entries {
                let move = entry.fromState.map { "\($0.rawValue) → \(entry.toState.rawValue)" } ?? entry.toState.rawValue
                print("  \(entry.at.iso8601)  \(Escape.controlCharacters(entry.actor))  \(entry.action)  \(move)\(entry.note.map { "  “\(Escape.controlCharacters($0))”" } ?? "")")
            }
        }
    }

    /// What every action takes: the case, a note, who acts.
    struct ActionOptions: ParsableArguments {
        @Argument(help: ArgumentHelp("The case's id (vc_…).", valueName: "id"))
        var id: String

        @OptionGroup var person: PersonOptions

        var note: String? { person.note }
        var actor: String { person.actor }

        /// Applies the action and writes it; a case changed meanwhile is read again and the
        /// action retried once, so two people acting at once both land or one is told why not.
        func perform(_ action: CaseAction) async throws {
            let (store, router) = try await person.editing()
            do {
                let next = try await CaseActions.perform(action, on: id, by: actor, note: note, store: store, router: router, clock: SystemWallClock())
                print(CasesCommand.line(next, at: SystemWallClock().now))
            } catch let failure as CaseActions.Failure {
                if case .notFound = failure {
                    printError("vigie: \(failure.description); vigie cases list shows the ids")
                } else {
                    printError("vigie: \(failure.description)")
                }
                throw ExitCode(1)
            }
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge a case: someone has it in hand; reminders stop.")
        @OptionGroup var action: ActionOptions
        func run() async throws { try await action.perform(.acknowledge) }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a case to a person.", discussion: "Example:\n  vigie cases assign vc_… --to marie@example.fr")
        @Option(name: .long, help: ArgumentHelp("Who handles it from now on.", valueName: "email"))
        var to: String
        @OptionGroup var action: ActionOptions
        func run() async throws { try await action.perform(.assign(to: to)) }
    }

    struct Snooze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a case aside until a date, or until something new happens.",
            discussion: "Without --until, the next new fact wakes it. With --until, it wakes on that date, or earlier on a graver fact.\n\nExamples:\n  vigie cases snooze vc_… --until 2026-12-15\n  vigie cases snooze vc_… --note \"waiting for the plan\""
        )
        @Option(name: .long, help: ArgumentHelp("Wake on this day (YYYY-MM-DD) or at this time (ISO 8601).", valueName: "date"))
        var until: String?
        @OptionGroup var action: ActionOptions
        func run() async throws {
            var date: Date?
            if let until {
                if let day = CalendarDay(iso: until), until.count == 10 {
                    date = try? Date("\(day.iso)T00:00:00Z", strategy: .iso8601)
                } else {
                    date = try? Date(until, strategy: .iso8601)
                }
                guard date != nil else {
                    printError("vigie: --until \"\(until)\" is not a date; write it as YYYY-MM-DD or 2026-12-15T09:00:00Z")
                    throw ExitCode(2)
                }
            }
            try await action.perform(.snooze(until: date))
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a case by hand (the claim is declared, the client paid…).")
        @OptionGroup var action: ActionOptions
        func run() async throws { try await action.perform(.resolve) }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a resolved case again.")
        @OptionGroup var action: ActionOptions
        func run() async throws { try await action.perform(.reopen) }
    }
}

/// Who acts, and why: what every action by a person records.
struct PersonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Why, for the audit trail.", valueName: "text"))
    var note: String?

    @Option(name: .long, help: ArgumentHelp("Who acts, for the audit trail (default: the user name).", valueName: "name"))
    var by: String?

    @OptionGroup var options: ConfigOptions

    var actor: String {
        by ?? ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "cli"
    }

    /// The store, opened to write beside a running daemon, and the routes in force.
    func editing() async throws -> (any WatchStore, Router) {
        guard let store = try await AlertsCommand.store(options, access: .editor) else { throw ExitCode(1) }
        return (store, try VigieApplication.delivery(try options.load(secrets: .deferred)).1)
    }
}

/// What a mass-shift decision takes: the `source_shift` alert, a note, who decides.
struct ShiftOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The source_shift alert's id (vg_…).", valueName: "id"))
    var id: String

    @OptionGroup var person: PersonOptions

    func decide(_ decision: ShiftEvidence.Decision) async throws {
        let (store, router) = try await person.editing()
        do {
            let released = try await SourceShifts.decide(id, decision, by: person.actor, note: person.note, store: store, router: router, now: SystemWallClock().now)
            print(decision == .released ? "\(counted(released, "held alert")) released: they join their cases and go out with the next delivery" : "shift \(id) discarded: its held alerts stay in its evidence, never sent")
        } catch let failure as SourceShifts.Failure {
            printError("vigie: \(failure.description)")
            throw ExitCode(1)
        }
    }
}

extension CasesCommand {
    struct ReleaseShift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release-shift",
            abstract: "Send the alerts a mass shift held: the provider's moves were real.",
            discussion: "Example:\n  vigie cases release-shift vg_… --note \"checked with Creditsafe: real downgrades\""
        )
        @OptionGroup var shift: ShiftOptions
        func run() async throws { try await shift.decide(.released) }
    }

    struct DiscardShift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "discard-shift",
            abstract: "Drop the alerts a mass shift held: the provider's batch was wrong.",
            discussion: "The held alerts stay in the shift's evidence for the record; none is sent.\n\nExample:\n  vigie cases discard-shift vg_… --note \"Creditsafe rescaled its scores\""
        )
        @OptionGroup var shift: ShiftOptions
        func run() async throws { try await shift.decide(.discarded) }
    }
}

extension CaseState: ExpressibleByArgument {}
extension CaseFilter.Order: ExpressibleByArgument {}
