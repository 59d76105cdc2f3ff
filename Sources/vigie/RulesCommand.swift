import ArgumentParser
import Foundation
import Logging
import VigieCore
import VigieDelivery
import VigieRuntime

struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Try changed thresholds, severity rules, routes and inhibition on what is stored.",
        subcommands: [Preview.self]
    )

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay the stored history through a changed configuration; print what it would raise next to what was raised.",
            discussion: """
                The observations and notices in the store are replayed day by day through the new configuration's watchlists (their thresholds), alerts/severity.yaml, the routes file's inhibit rules and routes, into a scratch store in memory. Nothing is delivered; the store is only read. Lines start with + (raised only now), - (no longer raised) or ~ (raised both times, with another severity, or told one time and not the other).

                Examples:
                  vigie rules preview --config new.yaml
                  vigie rules preview --config new.yaml --state-dir .vigie-demo
                """
        )

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            guard let store = try await AlertsCommand.store(options, access: .reader) else { throw ExitCode(1) }
            let configuration = try options.load(secrets: .deferred)
            let router: Router
            do {
                router = try VigieApplication.delivery(configuration).1
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            let preview = RulesPreview(store: store, watchlists: configuration.watchlists.map(configuration.resolve), router: router, coverage: configuration.coverage, logger: Logger(label: "vigie.preview"))
            let result = try await preview.run()
            print("Replayed \(counted(result.observations, "observation")) and \(counted(result.notices, "notice")) over \(counted(result.days, "day")), \(counted(result.companies, "company", "companies")) watched.")
            print("(Providers' judgements, failure flags and privileges are not kept in the history: their alerts are left out of both sides.)")
            let told = { (alerts: [Alert]) in alerts.filter(RulesPreview.Result.told).count }
            print("Raised then: \(counted(result.then.count, "alert")) (\(told(result.then)) told) · under the new rules: \(counted(result.now.count, "alert")) (\(told(result.now)) told)")
            func line(_ alert: Alert) -> String {
                let marks = RulesPreview.Result.told(alert) ? "" : " (\(alert.disposition?.rawValue ?? "quiet"))"
                return "\(alert.severity.rawValue.uppercased()) \(Escape.controlCharacters(alert.companyName ?? alert.siren?.formatted ?? "?")) · \(Escape.controlCharacters(alert.title))\(marks)"
            }
            if !result.added.isEmpty || !result.removed.isEmpty || !result.changed.isEmpty { print("") }
            for alert in result.added { print("+ \(line(alert))") }
            for alert in result.removed { print("- \(line(alert))") }
            for (then, now) in result.changed {
                var what: [String] = []
                if then.severity != now.severity { what.append("\(then.severity.rawValue) → \(now.severity.rawValue)\(now.escalatedBy.map { " (\($0))" } ?? "")") }
                if RulesPreview.Result.told(then) != RulesPreview.Result.told(now) { what.append("\(then.disposition?.rawValue ?? "told") → \(now.disposition?.rawValue ?? "told")") }
                print("~ \(line(now)): \(what.joined(separator: ", "))")
            }
            func cases(_ list: [Case]) -> String {
                let bySeverity = Dictionary(grouping: list.filter(\.state.isActive), by: \.severity).mapValues(\.count)
                let parts = Severity.allCases.reversed().compactMap { severity in bySeverity[severity].map { "\($0) \(severity.rawValue)" } }
                return "\(counted(list.filter(\.state.isActive).count, "open case")) (\(parts.isEmpty ? "none" : parts.joined(separator: ", ")))"
            }
            print("\nCases then: \(cases(result.casesThen)) · under the new rules: \(cases(result.casesNow))")
            if result.added.isEmpty && result.removed.isEmpty && result.changed.isEmpty { print("No difference: the new rules raise what was raised.") }
        }
    }
}
