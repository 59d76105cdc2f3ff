import ArgumentParser
import Foundation
import Logging
import VigieCore
import VigieDelivery
import VigieRuntime

struct WatchlistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchlist",
        abstract: "Check, show and accept watchlists.",
        subcommands: [Check.self, Show.self, Accept.self]
    )

    /// The files named on the command line, or the configured watchlists.
    static func files(_ named: [String], options: ConfigOptions) throws -> [URL] {
        if !named.isEmpty { return WatchlistLoader.files(at: named.map { URL(fileURLWithPath: $0) }) }
        let configuration = try options.load(secrets: .deferred)
        return WatchlistLoader.files(at: configuration.watchlists.map(configuration.resolve))
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check watchlist files before Vigie uses them.",
            discussion: """
                Prints each problem as file:line: message, with how to fix it, then one verdict line per file, all on standard output; exits 1 if any line cannot be watched. Warnings (a column Vigie does not use) do not fail the check. YAML and CSV (from an ERP: ; or , separated, English or French column names, UTF-8, UTF-16 or Windows-1252) are read.

                Examples:
                  vigie watchlist check watchlists
                  vigie watchlist check export.csv key-accounts.yaml
                """
        )

        @Argument(help: ArgumentHelp("Watchlist files or folders (default: the configured watchlists).", valueName: "file"))
        var files: [String] = []

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            var failed = false
            var output = OutputBuffer()
            for url in try WatchlistCommand.files(files, options: options) {
                guard let text = WatchlistLoader.read(url) else {
                    output.line("\(url.relativePath):1: cannot be read; check the path and permissions")
                    output.line("\(url.relativePath): NOT READ")
                    failed = true
                    continue
                }
                let result = WatchlistLoader.parse(text, file: url.relativePath)
                for issue in result.issues { output.line(issue.description) }
                let count = result.watchlist?.entries.count ?? 0
                let warnings = result.issues.count - result.errors.count
                let warned = warnings > 0 ? ", " + counted(warnings, "warning") : ""
                if result.watchlist == nil {
                    output.line("\(url.relativePath): NOT USABLE: \(counted(result.errors.count, "problem")); Vigie keeps its last good version")
                    failed = true
                } else if !result.errors.isEmpty {
                    output.line("\(url.relativePath): \(counted(count, "company", "companies")), \(counted(result.errors.count, "problem"))\(warned); the lines with problems are not watched")
                    failed = true
                } else {
                    output.line("\(url.relativePath): \(counted(count, "company", "companies")), OK\(warned)")
                }
            }
            output.flush()
            if failed { throw ExitCode(1) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what Vigie understood from watchlists.",
            discussion: """
                For each list: its companies with identifier, name, owner, exposure, insured limit, guarantee and thresholds; the totals by owner. A company on several lists is marked, with the figure each list gives and the one alerts use (the largest: the same debt is never added twice).

                Examples:
                  vigie watchlist show
                  vigie watchlist show watchlists/erp-export.csv --format jsonl
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, jsonl
        }

        @Argument(help: ArgumentHelp("Watchlist files or folders (default: the configured watchlists).", valueName: "file"))
        var files: [String] = []

        @Option(name: .long, help: "Output format: text or jsonl (one object per entry).")
        var format: Format = .text

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            var lists: [Watchlist] = []
            var output = OutputBuffer()
            for url in try WatchlistCommand.files(files, options: options) {
                guard let text = WatchlistLoader.read(url) else { continue }
                let result = WatchlistLoader.parse(text, file: url.relativePath)
                for issue in result.errors { printError(issue.description) }
                if let list = result.watchlist { lists.append(list) }
            }
            let watch = WatchSet(lists)
            for list in lists {
                if format == .text {
                    output.line("\(list.name) (\(list.file)): \(counted(list.entries.count, "company", "companies"))")
                }
                var byOwner: [String: [String: Decimal]] = [:]
                for entry in list.entries {
                    let others = (watch[entry.siren]?.entries.count ?? 1) - 1
                    if let exposure = entry.exposure { byOwner[entry.owner ?? "(no owner)", default: [:]][exposure.currency, default: 0] += exposure.amount }
                    switch format {
                    case .jsonl:
                        output.line(Self.json(entry, list: list, company: watch[entry.siren]))
                    case .text:
                        var parts = ["  \(entry.siren.formatted)", entry.name ?? "—", entry.owner ?? "(no owner)"]
                        parts.append(entry.exposure.map { "exposure \($0.formatted(.english))" } ?? "no exposure")
                        if let limit = entry.insuredLimit { parts.append("insured \(limit.formatted(.english))") }
                        if let guarantee = entry.guarantee { parts.append("guarantee: \(Escape.controlCharacters(guarantee.summary(.english)))") }
                        parts.append(Self.thresholds(entry.thresholds))
                        if others > 0, let company = watch[entry.siren] {
                            let used = company.exposureInUse.map { $0.formatted(.english) }.joined(separator: ", ")
                            parts.append("also on \(others) other list\(others == 1 ? "" : "s"); alerts use \(used.isEmpty ? "no exposure" : used)")
                        }
                        output.line(parts.joined(separator: " · "))
                    }
                }
                if format == .text {
                    for (owner, sums) in byOwner.sorted(by: { $0.key < $1.key }) {
                        output.line("  total for \(owner): \(sums.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).formatted(.english) }.joined(separator: ", "))")
                    }
                }
            }
            if format == .text {
                let shared = watch.companies.filter { $0.entries.count > 1 }.count
                output.line("\(counted(watch.count, "company", "companies")) on \(counted(lists.count, "list"))\(shared > 0 ? ", \(shared) on more than one" : "")")
            }
            output.flush()
        }

        static func thresholds(_ thresholds: Thresholds) -> String {
            var parts: [String] = []
            if let points = thresholds.scoreDropPoints { parts.append("drop ≥ \(ScoreValue.text(points)) pts") }
            if let percent = thresholds.scoreDropPercent { parts.append("≥ \(ScoreValue.text(percent)) %") }
            if let cut = thresholds.creditLimitCutPercent { parts.append("limit cut ≥ \(ScoreValue.text(cut)) %") }
            return parts.isEmpty ? "default thresholds" : parts.joined(separator: ", ")
        }

        static func json(_ entry: WatchEntry, list: Watchlist, company: WatchSet.Company?) -> String {
            var object: [String: Any] = [
                "watchlist": list.name, "file": list.file, "line": entry.line, "identifier": entry.identifier, "siren": entry.siren.digits,
                "tags": entry.tags,
            ]
            object["name"] = entry.name
            object["owner"] = entry.owner
            if let exposure = entry.exposure { object["exposure"] = ["amount": "\(exposure.amount)", "currency": exposure.currency] }
            if let limit = entry.insuredLimit { object["insured_limit"] = ["amount": "\(limit.amount)", "currency": limit.currency] }
            if let guarantee = entry.guarantee {
                object["guarantee"] = ([
                    "issuer": guarantee.issuer, "maximum": ["amount": "\(guarantee.maximum.amount)", "currency": guarantee.maximum.currency], "rate": "\(guarantee.rate)",
                    "start": guarantee.startsOn?.iso, "expiry": guarantee.expiresOn?.iso, "cancelled": guarantee.cancelledOn?.iso,
                ] as [String: Any?]).compactMapValues { $0 }
            }
            object["thresholds"] = [
                "score_drop_points": entry.thresholds.scoreDropPoints as Any, "score_drop_percent": entry.thresholds.scoreDropPercent as Any,
                "credit_limit_cut_percent": entry.thresholds.creditLimitCutPercent as Any,
            ].compactMapValues { $0 is NSNull ? nil : $0 }
            if let company, company.entries.count > 1 {
                object["also_on"] = company.entries.map(\.watchlist).filter { $0 != list.name }
                object["exposure_in_use"] = company.exposureInUse.map { ["amount": "\($0.amount)", "currency": $0.currency] }
            }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm a watchlist that Vigie holds as suspect.",
            discussion: """
                A file that loses most of its companies at once (a truncated export) is suspect: Vigie keeps watching its last good version. When the new file is right, accept it: it becomes the last good version, and the next cycle watches it as it is.

                Example:
                  vigie watchlist accept watchlists/erp-export.csv
                """
        )

        @Argument(help: ArgumentHelp("The watchlist file to accept as it is now.", valueName: "file"))
        var file: String

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            options.bootstrapLogging(default: .warning)
            let configuration = try options.load()
            let url = URL(fileURLWithPath: file, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
            let store = try await StoreFactory.open(configuration, access: .writer)
            let registry = WatchlistRegistry(configuration: .init(paths: [url]), store: store, clock: SystemWallClock(), logger: Logger(label: "vigie"))
            let before = try await store.lastGoodWatchlist(file: url.path).flatMap { WatchlistLoader.parse($0, file: url.path).watchlist }
            let result = try await registry.accept(url)
            guard let list = result.watchlist else {
                for issue in result.issues { print(issue.description) }
                print("\(file): not accepted: it cannot be read as a whole")
                throw ExitCode(1)
            }
            print("\(file): accepted, \(list.entries.count) companies (last good version had \(before?.entries.count ?? 0))")
        }
    }
}
