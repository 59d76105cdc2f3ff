import ArgumentParser

@main
struct Vigie: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie",
        abstract: "Watches your clients' credit risk and raises one alert per real event.",
        discussion: """
            Vigie reads your watchlists (watchlists/*.yaml, *.csv), polls credit scores and BODACC collective-procedure notices, and alerts when a score drops or a safeguard, receivership or liquidation opens. With no configuration it runs on the embedded default: SQLite in .vigie/, the demo scenario, alerts to .vigie/alerts.jsonl and the terminal.

            Examples:
              vigie demo
              vigie run --once
              vigie alerts list --severity high
              vigie watchlist check watchlists
              vigie <command> --help
            """,
        version: VigieVersion.description,
        subcommands: [RunCommand.self, DemoCommand.self, BodaccCommand.self, WatchlistCommand.self, CoverageCommand.self, CompanyCommand.self, AlertsCommand.self, CasesCommand.self, RulesCommand.self, StatusCommand.self, ServeCommand.self, ChannelsCommand.self, ProvidersCommand.self, StoreCommand.self, MockProviderCommand.self, ConfigCommand.self]
    )
}

/// What `vigie --version` prints.
enum VigieVersion {
    static let number = "0.9.0"
    static var description: String { "vigie \(number)" }
}
