import ArgumentParser
import Foundation
import Logging
import VigieCore
import VigieRuntime

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check Vigie's configuration.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check vigie.yaml, the routes, the templates and the watchlists it names.",
            discussion: "Prints each problem as file:line: message and exits 1 if there is any. Secrets named by _env or _file must be readable; their values are not printed."
        )

        @Argument(help: ArgumentHelp("The configuration file.", valueName: "file"))
        var file = "vigie.yaml"

        func run() async throws {
            let configuration: VigieConfiguration
            switch VigieConfiguration.load(file: file) {
            case .failure(let error):
                print(error.description)
                throw ExitCode(1)
            case .success(let loaded):
                configuration = loaded
            }
            var problems = 0
            do {
                let application = try VigieApplication(configuration: configuration, logger: Logger(label: "vigie"))
                application.shutdown()
                printError("\(file): \(application.channels.count) channels (\(application.channels.map(\.name).joined(separator: ", "))), \(application.router.routes.count) routes")
            } catch {
                print("\(error)")
                problems += 1
            }
            for url in WatchlistLoader.files(at: configuration.watchlists.map(configuration.resolve)) {
                guard let text = WatchlistLoader.read(url) else {
                    print("\(url.path):1: cannot be read; check the path and permissions")
                    problems += 1
                    continue
                }
                let result = WatchlistLoader.parse(text, file: url.path)
                for issue in result.issues { print(issue.description) }
                problems += result.issues.count
            }
            if problems > 0 { throw ExitCode(1) }
            printError("\(file): OK")
        }
    }
}
