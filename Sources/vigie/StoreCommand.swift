import ArgumentParser
import Foundation
import VigieCore
import Logging
import VigieRuntime
import VigieStore

struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Look after Vigie's store.",
        subcommands: [Migrate.self, Prune.self, Copy.self]
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

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move the embedded SQLite store into PostgreSQL, to run several replicas.",
            discussion: """
                Copies every snapshot, observation, notice, alert and its revisions, delivery and its attempts, cursor and provider id, in one PostgreSQL transaction, into a database that holds no store yet (it is migrated first). Alerts keep their ids: the replicas go on where the SQLite store stopped, without raising or delivering anything again. Stop the daemon first; the SQLite file is only read.

                --from is sqlite:PATH (default: the configuration's state_dir). --to is env:NAME, a variable holding the postgres:// URL (keeps the password out of the process list), or the URL itself (default: the configuration's store, when it is PostgreSQL).

                Examples:
                  vigie store copy --from sqlite:.vigie/vigie.sqlite --to env:VIGIE_DATABASE_URL
                  vigie store copy --config vigie-postgres.yaml
                """
        )

        @Option(name: .long, help: ArgumentHelp("The SQLite store to copy.", valueName: "sqlite:path"))
        var from: String?

        @Option(name: .long, help: ArgumentHelp("The PostgreSQL database to copy into.", valueName: "env:NAME|postgres://…"))
        var to: String?

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            options.bootstrapLogging(default: .warning)
            let configuration = try options.load(secrets: .deferred)
            let sourcePath: String
            switch from {
            case nil: sourcePath = configuration.storePath
            case let value? where value.hasPrefix("sqlite:"): sourcePath = String(value.dropFirst("sqlite:".count))
            case let value?: throw ValidationError("--from \(value): write it as sqlite:PATH, the SQLite store to copy")
            }
            let location: PostgresLocation
            switch to {
            case nil:
                guard case .postgres(let settings) = configuration.store else {
                    throw ValidationError("--to is missing and the configuration's store is SQLite: give --to env:NAME (a variable holding the postgres:// URL)")
                }
                guard let configured = settings.location else {
                    throw StoreFailure(description: "the store's PostgreSQL URL is not available here: export the variable store.url_env names")
                }
                location = configured
            case let value? where value.hasPrefix("env:"):
                let name = String(value.dropFirst("env:".count))
                guard let url = ProcessInfo.processInfo.environment[name], !url.isEmpty else {
                    throw ValidationError("--to \(value): the environment variable \(name) is not set; export it with the postgres:// URL")
                }
                location = try PostgresLocation(url: url, origin: "--to \(value)")
            case let value?:
                location = try PostgresLocation(url: value, origin: "--to")
            }
            let logger = Logger(label: "vigie.store")
            let source = try SQLiteWatchStore(configuration: .init(path: sourcePath, access: .reader))
            let target = try await PostgresWatchStore(
                configuration: .init(location: location, replica: "store-copy"), access: .writer, logger: logger
            )
            let report = try await StoreCopy.copy(from: source, to: target, logger: logger)
            print("copied \(sourcePath) into \(location):")
            for table in report.tables {
                print("  \(table): \(counted(report.rows[table] ?? 0, "row"))")
            }
        }
    }
}
