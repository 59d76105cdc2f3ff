import ArgumentParser
import Foundation
import VigieCore
import VigieRuntime

struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Look after Vigie's store.",
        subcommands: [Migrate.self, Prune.self]
    )

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the store's schema up to this Vigie (vigie run does it at start).",
            discussion: """
                Lists the migrations applied and those pending, then applies the pending ones in one go under the writer's lock: a running daemon holds that lock, so stop it first. A migration is not undone: back the store up before an upgrade (deploy/README.md). A store written by a newer Vigie is refused, never changed.

                Examples:
                  vigie store migrate --dry-run
                  vigie store migrate
                """
        )

        @Flag(name: .long, help: "Say what would be applied, change nothing (works beside a running daemon).")
        var dryRun = false

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            options.bootstrapLogging(default: .warning)
            let configuration = try options.load(secrets: .deferred)
            let status = try await StoreFactory.schemaStatus(configuration)
            guard status.unknown.isEmpty else {
                throw StoreFailure(description: "the store at \(status.location) was written by a newer Vigie (\(status.unknown.joined(separator: ", "))); run that version, or restore a backup taken before the upgrade")
            }
            print(status.exists ? "store \(status.location): \(counted(status.applied.count, "migration")) applied" : "no store at \(status.location) yet: it will be created")
            guard !status.pending.isEmpty else {
                print("up to date")
                return
            }
            for migration in status.pending {
                print("\(dryRun ? "would apply" : "applying") \(migration)")
            }
            guard !dryRun else { return }
            _ = try await StoreFactory.open(configuration, access: .writer)
            print("applied \(counted(status.pending.count, "migration"))")
        }
    }

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
            let store = try await StoreFactory.open(configuration, access: .writer)
            let report = try await configuration.retention.prune(store, now: SystemWallClock().now, dryRun: dryRun)
            print("\(dryRun ? "would delete" : "deleted") \(counted(report.observations, "observation")) and \(counted(report.attempts, "delivery attempt"))")
        }
    }
}
