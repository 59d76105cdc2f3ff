import ArgumentParser
import Foundation
import Logging
import VigieCore
import VigieDelivery
import VigieRuntime

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Read the alerts Vigie raised and follow their delivery.",
        subcommands: [List.self, Show.self, Dead.self, Redeliver.self, Deliver.self]
    )

    /// The store named by the configuration in force. Reading needs no secret, takes no lock
    /// (it works beside a running daemon) and never creates a file; nil when there is no store yet.
    static func store(_ options: ConfigOptions, access: StoreFactory.Access) async throws -> (any WatchStore)? {
        options.bootstrapLogging(default: .warning)
        // The store needs no channel or provider secret, whether it is read or written.
        let configuration = try options.load(secrets: .deferred)
        do {
            return try await StoreFactory.open(configuration, access: access)
        } catch let failure as StoreFailure where failure.kind == .missing {
            printError("vigie: \(failure.description)")
            return nil
        } catch let failure as StoreFailure {
            printError("vigie: \(failure.description)")
            throw ExitCode(2)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List alerts from the store, oldest first.",
            discussion: """
                jsonl prints the same objects as the alert log, one per line, each with its id. Filters combine: every one given must hold.

                Examples:
                  vigie alerts list --severity high
                  vigie alerts list --siren 881843924 --format jsonl
                  vigie alerts list --state-dir .vigie-demo --kind procedure_opened
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, jsonl
        }

        @Option(name: .long, help: "Output format: text or jsonl.")
        var format: Format = .text

        @Option(name: .long, help: ArgumentHelp("Only alerts raised on or after this day (YYYY-MM-DD).", valueName: "date"))
        var since: String?

        @Option(name: .long, help: ArgumentHelp("Only alerts about this company (SIREN or SIRET).", valueName: "siren"))
        var siren: String?

        @Option(name: .long, help: ArgumentHelp("Only alerts at least this severe: info, warning, high, critical.", valueName: "severity"))
        var severity: Severity?

        @Option(name: .long, help: ArgumentHelp("Only alerts of this kind (procedure_opened, score_drop…).", valueName: "kind"))
        var kind: String?

        @Option(name: .long, help: ArgumentHelp("Only alerts about a company this person owns on a watchlist.", valueName: "email"))
        var owner: String?

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            var sinceDate: Date?
            if let since {
                guard let day = CalendarDay(iso: since), since.count == 10 else {
                    printError("vigie: --since \"\(since)\" is not a date; write it as YYYY-MM-DD")
                    throw ExitCode(2)
                }
                sinceDate = try? Date("\(day.iso)T00:00:00Z", strategy: .iso8601)
            }
            let company = try siren.map(parseSIRENOption)
            guard let store = try await AlertsCommand.store(options, access: .reader) else { return }
            var output = OutputBuffer()
            for alert in try await store.alerts(since: sinceDate, limit: nil) {
                if let company, alert.siren != company { continue }
                if let severity, alert.severity < severity { continue }
                if let kind, alert.kind != kind { continue }
                if let owner, !alert.watch.contains(where: { $0.owner?.lowercased() == owner.lowercased() }) { continue }
                switch format {
                case .jsonl: output.line(AlertRecord(alert).jsonLine())
                case .text:
                    // What a case only recorded says so: it was not sent.
                    let quiet = alert.disposition.map { $0 == .notified ? "" : "  [\($0.rawValue), not sent]" } ?? ""
                    output.line("\(alert.createdAt.iso8601)  \(alert.id)  \(TerminalChannel.line(for: alert, colour: false))\(quiet)")
                }
            }
            output.flush()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one alert, its evidence and every delivery attempt: time, channel, status, error.",
            discussion: "Example:\n  vigie alerts show vg_41b3f590b0d71877043e45781ff22098"
        )

        @Argument(help: ArgumentHelp("The alert's id (vg_…).", valueName: "id"))
        var id: String

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            guard let store = try await AlertsCommand.store(options, access: .reader), let alert = try await store.alert(id: id) else {
                printError("vigie: no alert \(id); vigie alerts list shows the ids")
                throw ExitCode(1)
            }
            print(TerminalChannel.line(for: alert, colour: false))
            print("id \(alert.id), revision \(alert.revision), \(alert.state.rawValue), raised \(alert.createdAt.iso8601)\(alert.revision > 1 ? ", updated \(alert.updatedAt.iso8601)" : "")")
            if let related = alert.relatedAlertID { print("about alert \(related)") }
            // The evidence, as every channel shows it: court, dates, the notice and its link, the court's words.
            let content = MessageContent(alert: alert, language: .en)
            print("")
            for fact in content.facts { print("\(fact.label): \(Escape.controlCharacters(fact.value))") }
            if let url = content.evidenceURL { print("Evidence: \(url)") }
            if let text = content.courtText { print("\nCourt text:\n\(Escape.controlCharacters(text))") }
            for delivery in try await store.deliveries(alertID: id) {
                var line = "\n\(delivery.channel) (revision \(delivery.revision)): \(delivery.status.rawValue)"
                if let due = delivery.nextAttemptAt, delivery.status == .pending { line += ", next attempt \(due.iso8601)" }
                if let reason = delivery.deadReason { line += " — \(reason)" }
                print(line)
                for attempt in delivery.attempts {
                    let status = attempt.httpStatus.map { " HTTP \($0)" } ?? ""
                    print("  \(attempt.at.iso8601)  \(attempt.outcome.rawValue)\(status)\(attempt.error.map { "  \($0)" } ?? "")")
                }
            }
        }
    }

    struct Dead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List deliveries Vigie gave up on (dead letters), with why.",
            discussion: "Fix the cause (a webhook URL, a password), then vigie alerts redeliver.\n\nExamples:\n  vigie alerts dead\n  vigie alerts redeliver --all-dead"
        )

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            guard let store = try await AlertsCommand.store(options, access: .reader) else { return }
            let dead = try await store.deadDeliveries()
            for delivery in dead {
                // A delivery dead because its alert cannot be read is still listed, with that reason.
                let alert: Alert?
                var readable = true
                do { alert = try await store.alert(id: delivery.alertID) } catch {
                    alert = nil
                    readable = false
                }
                let subject = alert.map { alert in alert.siren.map { "\(alert.companyName ?? "?") (\($0.formatted))" } ?? alert.title } ?? (readable ? "?" : "(alert unreadable)")
                let died = delivery.attempts.last?.at ?? delivery.queuedAt
                print("\(died.iso8601)  \(delivery.channel)  \(subject) — \(alert?.kind ?? "?")  \(delivery.alertID) r\(delivery.revision)  after \(counted(delivery.attempts.count, "attempt")): \(delivery.deadReason ?? "no reason recorded")")
            }
            printError(counted(dead.count, "dead delivery", "dead deliveries"))
        }
    }

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver what is queued in the outbox, then exit.",
            discussion: """
                Attempts every delivery that is due. With --wait, keeps going, honouring each retry's backoff, until nothing is pending (delivered or dead-lettered). For setups that poll and deliver in separate steps, or to flush the outbox before a maintenance.

                Example:
                  vigie alerts deliver --wait
                """
        )

        @Flag(name: .long, help: "Wait for retries until nothing is pending.")
        var wait = false

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            options.bootstrapLogging(default: .warning)
            let application = try await VigieApplication(configuration: try options.load(), logger: Logger(label: "vigie"))
            defer { application.shutdown() }
            var total = OutboxDispatcher.Report()
            repeat {
                total = total + (try await application.dispatcher.drain())
                guard wait, let due = try await application.dispatcher.nextDue() else { break }
                try await Task.sleep(for: .milliseconds(Int64(max(10, due.timeIntervalSinceNow * 1000))))
            } while true
            let pending = try await application.dispatcher.nextDue() == nil ? "nothing pending" : "some deliveries wait for a retry"
            print("\(total.delivered) delivered, \(counted(total.failed, "failed attempt")), \(total.dead) dead-lettered; \(pending)")
            if total.dead > 0 {
                printError("vigie: \(counted(total.dead, "delivery", "deliveries")) given up on; see vigie alerts dead")
                throw ExitCode(1)
            }
        }
    }

    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue dead deliveries again: one alert's, or all of them.",
            discussion: "The next `vigie run` (or the running daemon, within a second) delivers them.\n\nExamples:\n  vigie alerts redeliver vg_41b3f590b0d71877043e45781ff22098\n  vigie alerts redeliver --all-dead"
        )

        @Argument(help: ArgumentHelp("The alert whose dead deliveries to requeue.", valueName: "id"))
        var id: String?

        @Flag(name: .long, help: "Requeue every dead delivery.")
        var allDead = false

        @OptionGroup var options: ConfigOptions

        func validate() throws {
            if (id == nil) == !allDead { throw ValidationError("give an alert id, or --all-dead") }
        }

        func run() async throws {
            guard let store = try await AlertsCommand.store(options, access: .editor) else { throw ExitCode(1) }
            if let id, !allDead, try await store.alert(id: id) == nil {
                printError("vigie: no alert \(id); vigie alerts dead lists the dead deliveries and their alerts")
                throw ExitCode(1)
            }
            let count = try await store.redeliver(alertID: allDead ? nil : id, at: SystemWallClock().now)
            print("\(counted(count, "delivery", "deliveries")) queued again")
        }
    }
}
