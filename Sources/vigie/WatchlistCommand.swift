import ArgumentParser
import Foundation
import VigieRuntime

struct WatchlistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchlist",
        abstract: "Work with watchlists.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check watchlist files before Vigie uses them.",
            discussion: """
                Prints each problem as file:line: message, with how to fix it, and exits 1 if there is
                any. YAML and CSV (from an ERP: ; or , separated, English or French column names) are
                read. Folders are checked file by file.
                """
        )

        @Argument(help: ArgumentHelp("Watchlist files or folders.", valueName: "file"))
        var files: [String]

        func run() async throws {
            var problems = 0
            for url in WatchlistLoader.files(at: files.map { URL(fileURLWithPath: $0) }) {
                guard let text = WatchlistLoader.read(url) else {
                    print("\(url.path):1: cannot be read; check the path and permissions")
                    problems += 1
                    continue
                }
                let result = WatchlistLoader.parse(text, file: url.relativePath)
                for issue in result.issues { print(issue.description) }
                problems += result.issues.count
                if let watchlist = result.watchlist {
                    printError("\(url.relativePath): \(watchlist.entries.count) companies, OK")
                }
            }
            if problems > 0 { throw ExitCode(1) }
        }
    }
}
