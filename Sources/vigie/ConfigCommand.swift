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
            discussion: """
                Prints each problem as file:line: message and exits 1 if there is any. A secret named by _env or _file that this machine does not have is reported as a warning (it must exist where Vigie runs); secret values are never printed. Opens no store and creates nothing.

                Example:
                  vigie config check deploy/vigie.example.yaml
                """
        )

        @Argument(help: ArgumentHelp("The configuration file.", valueName: "file"))
        var file = "vigie.yaml"

        func run() async throws {
            let configuration: VigieConfiguration
            switch VigieConfiguration.load(file: file, secrets: .deferred) {
            case .failure(let error):
                print(error.description)
                throw ExitCode(1)
            case .success(let loaded):
                configuration = loaded
            }
            // Secrets this machine does not have are said, not failed: the configuration can be
            // checked where it is written (CI, a laptop) as well as where Vigie runs.
            for issue in configuration.unresolvedSecrets { print(issue.description) }
            var problems = 0
            do {
                let (_, router) = try VigieApplication.delivery(configuration)
                if let fixture = configuration.fixture, configuration.creditsafe == nil || configuration.bodacc == nil {
                    _ = try configuration.fixtureScenario(fixture)
                }
                let channels = (configuration.log.enabled ? ["log"] : []) + (configuration.terminal.enabled ? ["terminal"] : []) + configuration.channels.map(\.name)
                printError("\(file): \(counted(channels.count, "channel")) (\(channels.joined(separator: ", "))), \(counted(router.routes.count, "route"))")
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
                problems += result.errors.count
            }
            if problems > 0 { throw ExitCode(1) }
            print("\(file): OK\(configuration.unresolvedSecrets.isEmpty ? "" : " (\(counted(configuration.unresolvedSecrets.count, "secret")) to provide where Vigie runs)")")
        }
    }
}
