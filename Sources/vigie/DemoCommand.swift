import ArgumentParser
import Foundation
import Logging
import VigieCore
import VigieProviders
import VigieRuntime

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Replay the demo scenario from the start, one cycle per step.",
        discussion: """
            Starts from an empty store in .vigie-demo/ and runs the demo scenario's steps in order: the baseline, a score drop, a receivership, a conversion to liquidation and more, then one cycle past the end to show that nothing is alerted twice. Your own .vigie/ state is not touched.

            Examples:
              vigie demo
              vigie alerts list --state-dir .vigie-demo --severity high
            """
    )

    @Option(name: .long, help: ArgumentHelp("The scenario folder to replay.", valueName: "folder"))
    var scenario = "scenarios/demo"

    @Option(name: .long, help: ArgumentHelp("Where the demo keeps its store and alert log (emptied first).", valueName: "folder"))
    var stateDir = ".vigie-demo"

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        var configuration = VigieConfiguration(root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        configuration.stateDirectory = stateDir
        configuration.fixture = .init(scenario: scenario)
        try? FileManager.default.removeItem(at: configuration.resolve(stateDir))

        let application: VigieApplication
        let steps: [FixtureScenario.Step]
        do {
            steps = try FixtureScenario(folder: configuration.resolve(scenario)).steps
            application = try await VigieApplication(configuration: configuration, logger: Logger(label: "vigie.demo"))
        } catch {
            printError("vigie demo: \(error)")
            throw ExitCode(2)
        }
        for (index, step) in (steps.map(\.label) + ["past the end"]).enumerated() {
            print("\n── cycle \(index + 1): \(step)")
            let report = try await application.cycle.run()
            let delivered = try await application.dispatcher.drain()
            print("   \(CycleSummary(report: report, delivered: delivered).line)")
        }
        // Where a credit manager starts the day: the open cases, the most money at stake first.
        let now = SystemWallClock().now
        let cases = try await application.store.cases(CaseFilter(activeOnly: true, asOf: now))
        print("\n── open cases, the most money at stake first (vigie cases list --open --state-dir \(stateDir))")
        for item in cases { print(CasesCommand.line(item, at: now)) }
        application.shutdown()
        print("\nAlert log: \(configuration.logPath)")
        if let first = cases.first {
            print("Next: vigie cases show \(first.id) --state-dir \(stateDir)   (then ack, assign, snooze or resolve it)")
        }
    }
}
