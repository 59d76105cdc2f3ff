import ArgumentParser

@main
struct Vigie: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie",
        abstract: "Watches your clients' credit risk and raises one alert per real event.",
        discussion: """
            Vigie reads your watchlists (watchlists/*.yaml, *.csv), polls credit scores and BODACC
            collective-procedure notices, and alerts when a score drops or a safeguard, receivership
            or liquidation opens. With no configuration it runs on the embedded default: SQLite in
            .vigie/, the demo scenario, alerts to .vigie/alerts.jsonl and the terminal.
            """,
        subcommands: [RunCommand.self, DemoCommand.self, BodaccCommand.self, WatchlistCommand.self, AlertsCommand.self, ChannelsCommand.self, ProvidersCommand.self, MockProviderCommand.self, ConfigCommand.self]
    )
}
