import ArgumentParser
import Foundation
import VigieCore
import VigieRuntime
import VigieStore

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Read the alerts Vigie raised.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List alerts from the store, oldest first.",
            discussion: "jsonl prints the same objects as the alert log, one per line, each with its id."
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, jsonl
        }

        @Option(name: .long, help: "Output format: text or jsonl.")
        var format: Format = .text

        @Option(name: .long, help: ArgumentHelp("Only alerts raised on or after this day (YYYY-MM-DD).", valueName: "date"))
        var since: String?

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            options.bootstrapLogging(default: .warning)
            let configuration = try options.load()
            var sinceDate: Date?
            if let since {
                guard let day = CalendarDay(iso: since), since.count == 10 else {
                    printError("vigie: --since \"\(since)\" is not a date; write it as YYYY-MM-DD")
                    throw ExitCode(2)
                }
                sinceDate = ISO8601DateFormatter().date(from: "\(day.iso)T00:00:00Z")
            }
            let store = try SQLiteWatchStore(configuration: .init(path: configuration.storePath))
            var output = OutputBuffer()
            for alert in try await store.alerts(since: sinceDate, limit: nil) {
                switch format {
                case .jsonl: output.line(AlertRecord(alert).jsonLine())
                case .text: output.line("\(alert.id)  \(TerminalChannel.line(for: alert, colour: false))")
                }
            }
            output.flush()
        }
    }
}
