import Foundation
import Logging
import VigieCore

/// The watchlists in force. A broken file never silently empties the watch:
///
/// - a bad line costs that line only: the others are watched, the problem is reported, and
///   the companies of the last good version that the file no longer lists stay watched until
///   the file is fixed (the bad line may be one of them);
/// - a file that cannot be read as a whole (no SIREN column, broken YAML) is replaced by its
///   last good version, even across a restart;
/// - a file that loses most of its companies at once (a truncated export, a header row alone)
///   is suspect: the last good version stays in force until someone confirms the new one with
///   `vigie watchlist accept FILE`.
///
/// Only a file read cleanly, and not suspect, becomes the new last good version.
public struct WatchlistRegistry: Sendable {
    public struct Configuration: Sendable {
        public var paths: [URL]
        public var shrinkGuard: ShrinkGuard

        public init(paths: [URL], shrinkGuard: ShrinkGuard = ShrinkGuard()) {
            self.paths = paths
            self.shrinkGuard = shrinkGuard
        }
    }

    /// When a file that shrinks is suspect rather than trusted.
    public struct ShrinkGuard: Sendable, Hashable {
        /// A file that loses more than this share of its last good version's companies at once.
        public var maxLossPercent: Double = 50
        /// Lists smaller than this are not held to the share (losing 1 of 2 is ordinary); a list
        /// that loses every company is always suspect.
        public var minCompanies = 4

        public init(maxLossPercent: Double = 50, minCompanies: Int = 4) {
            self.maxLossPercent = maxLossPercent
            self.minCompanies = minCompanies
        }

        /// Why the current version is suspect next to the last good one, or nil.
        func suspicion(current: Watchlist, lastGood: Watchlist) -> String? {
            let now = Set(current.entries.map(\.siren))
            let before = Set(lastGood.entries.map(\.siren))
            let lost = before.subtracting(now).count
            guard lost > 0 else { return nil }
            if now.isEmpty || (before.count >= minCompanies && Double(lost) * 100 > maxLossPercent * Double(before.count)) {
                return "lost \(lost) of its \(before.count) companies at once (\(now.count) left); the last good version stays in force. If the file is right, confirm it with: vigie watchlist accept \(current.file)"
            }
            return nil
        }
    }

    /// What one file came to this cycle.
    public struct FileState: Sendable {
        public var file: String
        /// Every problem found, warnings included.
        public var issues: [FileIssue]
        /// The problems that people must act on: errors, and a suspect shrink.
        public var problems: [FileIssue]
        /// Companies watched from the last good version rather than the file as it is.
        public var keptFromLastGood: Int
        /// The file is not read at all: its last good version (if any) stands in for it.
        public var unreadable: Bool
        public var suspect: Bool
    }

    public struct Loaded: Sendable {
        public var watchlists: [Watchlist]
        /// Problems found, including in files whose last good version was used instead.
        public var issues: [FileIssue]
        /// Files read, at least partly, from their last good version.
        public var fallbacks: [String]
        public var files: [FileState]
    }

    let configuration: Configuration
    let store: any WatchlistArchive
    let clock: any WallClock
    let logger: Logger

    public init(configuration: Configuration, store: any WatchlistArchive, clock: any WallClock, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    public func load() async throws -> Loaded {
        var loaded = Loaded(watchlists: [], issues: [], fallbacks: [], files: [])
        for url in WatchlistLoader.files(at: configuration.paths) {
            let (watchlist, state) = try await load(url)
            if let watchlist { loaded.watchlists.append(watchlist) }
            loaded.issues += state.issues
            if state.keptFromLastGood > 0 || (state.unreadable && watchlist != nil) { loaded.fallbacks.append(state.file) }
            loaded.files.append(state)
        }
        return loaded
    }

    func load(_ url: URL) async throws -> (Watchlist?, FileState) {
        let file = url.path
        let text = WatchlistLoader.read(url)
        let result = text.map { WatchlistLoader.parse($0, file: file) }
            ?? WatchlistParseResult(watchlist: nil, issues: [FileIssue(file: file, line: 1, message: "cannot be read; check the path and permissions")])
        let lastGoodText = try await store.lastGoodWatchlist(file: file)
        // Most cycles read the very text kept as the last good version: it is not parsed twice.
        let lastGood = lastGoodText.flatMap { $0 == text ? result.watchlist : WatchlistLoader.parse($0, file: file).watchlist }
        var state = FileState(file: file, issues: result.issues, problems: result.errors, keptFromLastGood: 0, unreadable: false, suspect: false)
        for issue in result.issues where !issue.isWarning {
            logger.error("watchlist.invalid", metadata: ["watchlist.problem": "\(issue)"])
        }

        guard let current = result.watchlist else {
            state.unreadable = true
            if let lastGood {
                state.keptFromLastGood = lastGood.entries.count
                logger.warning("watchlist.last_good_kept", metadata: ["watchlist.file": "\(file)", "watchlist.entries": "\(lastGood.entries.count)"])
            }
            return (lastGood, state)
        }
        if let lastGood, let suspicion = configuration.shrinkGuard.suspicion(current: current, lastGood: lastGood) {
            let issue = FileIssue(file: file, line: 1, message: suspicion)
            state.suspect = true
            state.issues.append(issue)
            state.problems.append(issue)
            logger.error("watchlist.suspect", metadata: ["watchlist.file": "\(file)", "watchlist.entries": "\(current.entries.count)", "watchlist.last_good_entries": "\(lastGood.entries.count)"])
            return (Self.merged(current, keeping: lastGood, state: &state), state)
        }
        if result.isClean, let text {
            if lastGoodText != text { try await store.saveGoodWatchlist(file: file, text: text, at: clock.now) }
            return (current, state)
        }
        guard let lastGood else { return (current, state) }
        return (Self.merged(current, keeping: lastGood, state: &state), state)
    }

    /// The file's readable entries, plus the last good version's companies it no longer lists.
    static func merged(_ current: Watchlist, keeping lastGood: Watchlist, state: inout FileState) -> Watchlist {
        let listed = Set(current.entries.map(\.siren))
        let kept = lastGood.entries.filter { !listed.contains($0.siren) }
        state.keptFromLastGood = Set(kept.map(\.siren)).count
        var merged = current
        merged.entries += kept
        return merged
    }

    /// Makes the file as it is now its last good version: `vigie watchlist accept`, after a
    /// suspect shrink the user confirms. Refused when the file cannot be read as a whole.
    public func accept(_ url: URL) async throws -> WatchlistParseResult {
        guard let text = WatchlistLoader.read(url) else {
            return WatchlistParseResult(watchlist: nil, issues: [FileIssue(file: url.path, line: 1, message: "cannot be read; check the path and permissions")])
        }
        let result = WatchlistLoader.parse(text, file: url.path)
        if result.watchlist != nil { try await store.saveGoodWatchlist(file: url.path, text: text, at: clock.now) }
        return result
    }
}
