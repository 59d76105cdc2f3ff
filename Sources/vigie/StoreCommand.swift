import ArgumentParser
import Foundation
import VigieCore
import VigieRuntime

struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Look after Vigie's store.",
        subcommands: [Prune.self]
    )

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete history older than the retention (vigie run does it once a day).",
            discussion: """
                Observations older than retention.observations_days (730 by default) go, except each company's latest from each source; delivery attempts older than retention.delivery_attempts_days (180) go, except those of deliveries still pending. Alerts and their deliveries stay.

                Examples:
                  vigie store prune --dry-run
                  vigie store prune
                """
        )

        @Flag(name: .long, help: "Count what would go, delete nothing.")
        var dryRun = false

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            options.bootstrapLogging(default: .warning)
            let configuration = try options.load(secrets: .deferred)
            let store = try StoreFactory.open(configuration, access: .writer)
            let now = Date()
            let report = try await store.prune(
                observationsBefore: configuration.retention.observationsDays.map { now.addingTimeInterval(-Double($0) * 86_400) },
                attemptsBefore: configuration.retention.attemptsDays.map { now.addingTimeInterval(-Double($0) * 86_400) }, dryRun: dryRun
            )
            print("\(dryRun ? "would delete" : "deleted") \(counted(report.observations, "observation")) and \(counted(report.attempts, "delivery attempt"))")
        }
    }
}
