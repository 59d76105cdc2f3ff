import ArgumentParser
import Foundation
import VigieCore
import VigieProviders
import VigieRuntime

struct CoverageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Check insurer exports and aged balances before Vigie reads them.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the configured insurer exports and aged balance, or the files named.",
            discussion: """
                Prints each problem as file:line: message, with how to fix it, then one verdict line per file, all on standard output; exits 1 if any row cannot be read (its client keeps its last good figures in Vigie) or a file cannot be read at all. Warnings (a column Vigie does not use, a total that is not the sum of its buckets) do not fail the check.

                Examples:
                  vigie coverage check
                  vigie coverage check --insurer coface --preset coface exports/coface/2026-11.csv
                  vigie coverage check --receivables erp/balance-2026-11-30.csv
                """
        )

        @Argument(help: ArgumentHelp("Insurer exports to check (default: the configured insurers' folders).", valueName: "file"))
        var files: [String] = []

        @Option(name: .long, help: ArgumentHelp("The insurer the files named are from.", valueName: "name"))
        var insurer = "insurer"

        @Option(name: .long, help: ArgumentHelp("The column preset of the files named: \(InsurerExport.Preset.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "preset"))
        var preset = "generic"

        @Option(name: .long, help: ArgumentHelp("An aged balance to check (default: the configured one).", valueName: "file"))
        var receivables: String?

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            guard let preset = InsurerExport.Preset(rawValue: preset) else {
                throw ValidationError("--preset \(self.preset) is not a preset; use \(InsurerExport.Preset.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var output = OutputBuffer()
            var failed = false
            var exports: [(file: URL, insurer: String, preset: InsurerExport.Preset, columns: [String: String])] = files.map { (URL(fileURLWithPath: $0), insurer, preset, [:]) }
            var balance = receivables.map { URL(fileURLWithPath: $0) }
            if files.isEmpty && receivables == nil {
                let configuration = try options.load(secrets: .deferred)
                for source in configuration.insurers {
                    do {
                        exports += try CoverageFiles.list(source.folder, what: "\(source.insurer)'s exports").map { ($0, source.insurer, source.preset, source.columns) }
                    } catch {
                        output.line("\(error)")
                        failed = true
                    }
                }
                balance = configuration.receivables.map(configuration.resolve)
                if configuration.insurers.isEmpty && balance == nil {
                    output.line("no insurer export or aged balance is configured (insurers: and receivables: in vigie.yaml); name files to check them")
                }
            }
            for export in exports {
                guard let text = Self.text(export.file, &output) else { failed = true; continue }
                let result = InsurerExport.parse(text, file: export.file.relativePath, insurer: export.insurer, preset: export.preset, columns: export.columns)
                failed = Self.verdict(export.file, issues: result.issues, read: result.covers.count, what: ("buyer", "buyers"), &output) || failed
            }
            if let configured = balance {
                let url = (try? CoverageFiles.balanceFile(configured)) ?? configured
                if let text = Self.text(url, &output) {
                    let result = AgedBalanceReader.parse(text, file: url.relativePath, asOf: CoverageFiles.day(inName: url.lastPathComponent) ?? CalendarDay(SystemWallClock().now))
                    failed = Self.verdict(url, issues: result.issues, read: result.balances.count, what: ("client", "clients"), &output) || failed
                } else {
                    failed = true
                }
            }
            output.flush()
            if failed { throw ExitCode(1) }
        }

        /// The file's text as the sources read it, or its problem and a verdict.
        static func text(_ url: URL, _ output: inout OutputBuffer) -> String? {
            do {
                return try CoverageFiles.text(url)
            } catch {
                output.line("\(error)")
                output.line("\(url.relativePath): NOT READ")
                return nil
            }
        }

        /// Prints the problems and the file's verdict; true when it failed.
        static func verdict(_ url: URL, issues: [FileIssue], read: Int, what: (String, String), _ output: inout OutputBuffer) -> Bool {
            for issue in issues { output.line(issue.description) }
            let errors = issues.filter { !$0.isWarning }.count
            let warnings = issues.count - errors
            let warned = warnings > 0 ? ", " + counted(warnings, "warning") : ""
            if read == 0 && errors > 0 {
                output.line("\(url.relativePath): NOT USABLE: \(counted(errors, "problem")); Vigie keeps the last good figures")
            } else if errors > 0 {
                output.line("\(url.relativePath): \(counted(read, what.0, what.1)), \(counted(errors, "problem"))\(warned); the rows with problems keep their last good figures")
            } else {
                output.line("\(url.relativePath): \(counted(read, what.0, what.1)), OK\(warned)")
            }
            return errors > 0
        }
    }
}
