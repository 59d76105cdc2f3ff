import Foundation
import Logging
import VigieCore

/// The watchlists in force. A file that parses is saved as its last good version; a file
/// that does not is reported, and its last good version stays in force, even across a
/// restart. A broken file never silently empties the watch.
public struct WatchlistRegistry: Sendable {
    public struct Configuration: Sendable {
        public var paths: [URL]

        public init(paths: [URL]) {
            self.paths = paths
        }
    }

    public struct Loaded: Sendable {
        public var watchlists: [Watchlist]
        /// Problems found, including in files whose last good version was used instead.
        public var issues: [FileIssue]
        /// Files read from their last good version because the current one is broken.
        public var fallbacks: [String]
    }

    let configuration: Configuration
    let store: any WatchStore
    let clock: any WallClock
    let logger: Logger

    public init(configuration: Configuration, store: any WatchStore, clock: any WallClock, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    public func load() async throws -> Loaded {
        var loaded = Loaded(watchlists: [], issues: [], fallbacks: [])
        for url in WatchlistLoader.files(at: configuration.paths) {
            let file = url.path
            let result: WatchlistParseResult
            if let text = WatchlistLoader.read(url) {
                result = WatchlistLoader.parse(text, file: file)
                if let watchlist = result.watchlist {
                    if try await store.lastGoodWatchlist(file: file) != text {
                        try await store.saveGoodWatchlist(file: file, text: text, at: clock.now)
                    }
                    loaded.watchlists.append(watchlist)
                    continue
                }
            } else {
                result = WatchlistParseResult(watchlist: nil, issues: [FileIssue(file: file, line: 1, message: "cannot be read; check the path and permissions")])
            }
            loaded.issues.append(contentsOf: result.issues)
            for issue in result.issues {
                logger.error("watchlist.invalid", metadata: ["watchlist.problem": "\(issue)"])
            }
            if let previous = try await store.lastGoodWatchlist(file: file), let watchlist = WatchlistLoader.parse(previous, file: file).watchlist {
                loaded.watchlists.append(watchlist)
                loaded.fallbacks.append(file)
                logger.warning("watchlist.last_good_kept", metadata: ["watchlist.file": "\(file)", "watchlist.entries": "\(watchlist.entries.count)"])
            }
        }
        return loaded
    }
}
