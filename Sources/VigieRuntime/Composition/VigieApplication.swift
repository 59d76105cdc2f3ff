import Foundation
import Logging
import VigieCore
import VigieProviders
import VigieStore

/// Builds Vigie's parts from a configuration: the one place that knows which adapter sits
/// behind each seam.
public struct VigieApplication: Sendable {
    public let configuration: VigieConfiguration
    public let store: SQLiteWatchStore
    public let cycle: WatchCycle
    public let dispatcher: OutboxDispatcher
    public let registry: WatchlistRegistry

    public init(configuration: VigieConfiguration, clock: any WallClock = SystemWallClock(), logger: Logger) throws {
        self.configuration = configuration
        store = try SQLiteWatchStore(configuration: .init(path: configuration.storePath))

        var providers: [any ScoreProvider] = []
        var feeds: [any ProcedureFeed] = []
        if let fixture = configuration.fixture {
            let scenario = try FixtureScenario(folder: configuration.resolve(fixture.scenario))
            providers.append(FixtureScoreProvider(scenario: scenario))
            feeds.append(FixtureProcedureFeed(scenario: scenario))
        }

        var channels: [any AlertChannel] = []
        if configuration.log.enabled { channels.append(LogChannel(configuration: .init(path: configuration.logPath))) }
        if configuration.terminal.enabled { channels.append(TerminalChannel()) }

        registry = WatchlistRegistry(
            configuration: .init(paths: configuration.watchlists.map(configuration.resolve)),
            store: store, clock: clock, logger: logger
        )
        cycle = WatchCycle(
            registry: registry, providers: providers, feeds: feeds, store: store,
            channels: channels.map(\.name), clock: clock, logger: logger
        )
        dispatcher = OutboxDispatcher(store: store, channels: channels, clock: clock, logger: logger)
    }

    public func pollerService() -> PollerService {
        PollerService(configuration: .init(interval: configuration.poller.interval), cycle: cycle, dispatcher: dispatcher, logger: Logger(label: "vigie.poller"))
    }
}
