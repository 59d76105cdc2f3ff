import ArgumentParser
import Foundation
import VigieCore
import VigieDelivery
import VigieRuntime

struct CompanyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "company",
        abstract: "Show what Vigie knows of one company: money at stake, scores over time, cases, the timeline.",
        discussion: """
            Reads the store only (beside a running daemon, on a read-only store). For each source, a sparkline of its scores over time on Vigie's 0–100 scale, with the first and latest values; then the money at stake (owed, covered, uncovered) when an aged balance, an insurer or a guarantee says; the cases; and the timeline of observations, notices and alerts, oldest first.

            Examples:
              vigie company 881843924 --state-dir .vigie-demo
              vigie company "881 843 924"
            """
    )

    @Argument(help: ArgumentHelp("The company's SIREN (or a SIRET of it).", valueName: "siren"))
    var company: String

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let siren: SIREN
        do {
            siren = try CompanyIdentifier(company).siren
        } catch {
            throw ValidationError("\(company) is not a SIREN or SIRET: \(error)")
        }
        guard let store = try await AlertsCommand.store(options, access: .reader) else { throw ExitCode(1) }
        let now = SystemWallClock().now
        let observations = try await store.observations(of: siren)
        let alerts = try await store.alerts(since: nil, limit: nil).filter { $0.siren == siren }
        let cases = try await store.cases(CaseFilter(siren: siren, order: .age, asOf: now))
        guard !observations.isEmpty || !alerts.isEmpty || !cases.isEmpty else {
            printError("vigie: Vigie knows nothing of SIREN \(siren.digits) yet; is it on a watchlist, and has a cycle run?")
            throw ExitCode(1)
        }
        let name = alerts.last?.companyName ?? cases.first?.companyName ?? observations.last?.companyName
        var output = OutputBuffer()
        output.line("\(Escape.controlCharacters(name ?? siren.formatted)) (\(siren.formatted))")
        for context in alerts.last?.watch ?? cases.first?.watch ?? [] {
            let parts = [context.watchlist, context.owner.map { "owner \(Escape.controlCharacters($0))" }, context.exposure.map { "exposure \($0.formatted(.english))" }]
            output.line("  on \(parts.compactMap { $0 }.joined(separator: " · "))")
        }
        if let position = alerts.last(where: { $0.position != nil })?.position ?? cases.lazy.compactMap(\.position).first {
            output.line("\nMoney at stake: \(CoverageWording.english.position(position))")
        }

        let scored = Dictionary(grouping: observations.filter { $0.score?.normalized != nil }, by: \.provider)
        if !scored.isEmpty { output.line("\nScores (0–100, oldest to latest):") }
        for (source, series) in scored.sorted(by: { $0.key < $1.key }) {
            let levels = series.compactMap { $0.score?.normalized }
            let (first, last) = (series.first!, series.last!)
            output.line("  \(ProviderName.display(source).padding(toLength: 12, withPad: " ", startingAt: 0)) \(Sparkline.text(levels))  \(first.score!.text) (\(first.observedOn.iso)) → \(last.score!.text) (\(last.observedOn.iso))")
        }

        if !cases.isEmpty { output.line("\nCases:") }
        for item in cases {
            output.line("  \(item.id)  \(item.severity.rawValue.uppercased())  \(item.situation.rawValue)  \(item.state(at: now).rawValue)\(item.resolution.map { " (\($0))" } ?? "")  \(Escape.controlCharacters(item.title))")
        }

        // Observations that changed something, and alerts, by the day they are about.
        var timeline: [(day: String, order: Int, text: String)] = []
        for observation in observations {
            let values = [observation.score.map { "score \($0.text)" }, observation.rating.map { "rating \($0)" }, observation.creditLimit.map { "limit \($0.englishText)" },
                          observation.status.map { "status \($0.rawValue)" }, observation.cover.map { "cover \($0.decision.rawValue)\($0.granted.map { " \($0.formatted(.english))" } ?? "")" },
                          observation.balance.map { "owed \($0.owed.formatted(.english)), overdue \(Money(amount: $0.overdue, currency: $0.currency).formatted(.english))" }].compactMap { $0 }
            guard !values.isEmpty else { continue }
            timeline.append((observation.observedOn.iso, 0, "\(ProviderName.display(observation.provider)): \(values.joined(separator: ", "))"))
        }
        for alert in alerts {
            let day: String = switch alert.evidence {
            case .notice(let notice): (notice.judgmentDate ?? notice.published)?.iso ?? alert.createdAt.iso8601.prefix(10).description
            case .observation(let observation): observation.observedOn.iso
            default: String(alert.createdAt.iso8601.prefix(10))
            }
            let quiet = alert.disposition.flatMap { $0 == .notified ? nil : " (\($0.rawValue))" } ?? ""
            timeline.append((day, 1, "\(alert.severity.rawValue.uppercased()) \(Escape.controlCharacters(alert.title))\(quiet)"))
        }
        if !timeline.isEmpty { output.line("\nTimeline:") }
        for entry in timeline.sorted(by: { ($0.day, $0.order) < ($1.day, $1.order) }) {
            output.line("  \(entry.day)  \(entry.text)")
        }
        output.flush()
    }
}

/// Levels on 0–100 as a line of block characters, one per value: a score's history at a glance
/// in a terminal.
enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func text(_ levels: [Double]) -> String {
        String(levels.suffix(60).map { level in
            let clamped = min(100, max(0, level.isFinite ? level : 0))
            return blocks[min(blocks.count - 1, Int(clamped / 100 * Double(blocks.count)))]
        })
    }
}
