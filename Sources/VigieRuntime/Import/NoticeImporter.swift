import Foundation
import Logging
import VigieCore
import VigieProviders

/// Backfills BODACC notices from files (DILA XML, JSON, JSON lines): each notice about a watched
/// company goes through the same tracker as the live feed, so its alerts, snapshots and
/// deliveries are what the feed would have produced, and a notice already seen is skipped.
///
/// Resumable: every batch commits with a cursor naming the file (by path, size and date) and
/// how many of its notices are done; an interrupted import starts again after the last batch.
public struct NoticeImporter: Sendable {
    public struct Configuration: Sendable {
        public var batchSize = 5_000
        public init() {}
    }

    public struct Progress: Sendable {
        public var file: String
        public var fileIndex: Int
        public var files: Int
        public var done: Int
        public var total: Int
        public var alertsRaised: Int
        public var started: Date
    }

    public struct Report: Sendable {
        public var notices = 0
        public var matched = 0
        public var alertsRaised = 0
        public var skippedFiles = 0
    }

    let configuration: Configuration
    let registry: WatchlistRegistry
    let store: any CycleStore
    let router: Router
    let clock: any WallClock
    let cases: CaseSettings

    public init(
        configuration: Configuration = Configuration(), registry: WatchlistRegistry, store: any CycleStore, router: Router, clock: any WallClock,
        cases: CaseSettings = CaseSettings()
    ) {
        self.cases = cases
        self.configuration = configuration
        self.registry = registry
        self.store = store
        self.router = router
        self.clock = clock
    }

    public func run(files: [String], progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Report {
        let watch = WatchSet(try await registry.load().watchlists)
        var report = Report()
        let started = clock.now
        for (index, file) in files.enumerated() {
            let key = "import:\(try Self.identity(of: file))"
            // A file read to its end is skipped without reading it again (a year of DILA
            // notices is a few hundred megabytes to parse for nothing).
            let completeKey = key + ":complete"
            if try await store.cursor(for: completeKey) != nil {
                report.skippedFiles += 1
                continue
            }
            // Read as it goes: a year of DILA notices is never held at once. Notices already
            // imported (the cursor counts them) are read past.
            let notices = try NoticeFileReader.Stream(path: file)
            var done = Int(try await store.cursor(for: key) ?? "0") ?? 0
            for _ in 0..<done { _ = try notices.next() }
            var first = true
            while true {
                try Task.checkCancellation()
                var batch: [BodaccNotice] = []
                batch.reserveCapacity(configuration.batchSize)
                var ended = false
                while batch.count < configuration.batchSize {
                    guard let notice = try notices.next() else {
                        ended = true
                        break
                    }
                    batch.append(notice)
                }
                if batch.isEmpty {
                    // Every notice was imported before (by an import of an earlier version,
                    // which did not mark the file read to its end): skipped whole, and marked.
                    if first, done > 0 { report.skippedFiles += 1 }
                    _ = try await store.commit(CycleCommit(snapshots: [], observations: [], alertChanges: [], notices: [], cursors: [completeKey: String(done)], router: router, at: clock.now))
                    break
                }
                first = false
                let unseen = Set(try await store.seenNotices(batch.map(\.id)))
                let fresh = batch.filter { !unseen.contains($0.id) }
                let named = Set(fresh.flatMap(\.sirens)).filter { watch[$0] != nil }
                let outcome = WatchEngine.evaluate(WatchEngine.Input(
                    watch: watch, observations: [], notices: fresh, snapshots: try await store.snapshots(for: named),
                    priorAlerts: try await store.noticeAlerts(for: named), now: clock.now
                ))
                let matched = Set(outcome.matchedNotices.map(\.notice.id))
                done += batch.count
                var commit = CycleCommit(
                    snapshots: outcome.snapshots, observations: [], alertChanges: outcome.alertChanges, notices: outcome.matchedNotices,
                    ignoredNoticeIDs: fresh.map(\.id).filter { !matched.contains($0) },
                    cursors: ended ? [key: String(done), completeKey: String(done)] : [key: String(done)], router: router, at: clock.now
                )
                // An import is BODACC read: its judgments open procedure cases. Reminders wait
                // for the daemon's cycle, which sees every case.
                try await CaseDesk(store: store, router: router, bodaccRead: true, settings: cases).decide(&commit, watched: nil, covers: { _ in false }, now: clock.now)
                let summary = try await store.commit(commit)
                report.notices += batch.count
                report.matched += matched.count
                report.alertsRaised += summary.alertsRaised
                progress(Progress(file: file, fileIndex: index + 1, files: files.count, done: done, total: max(notices.count, done), alertsRaised: report.alertsRaised, started: started))
                if ended { break }
            }
        }
        return report
    }

    /// A file's identity for resuming: its path, size and modification date, so a replaced
    /// file is imported again.
    static func identity(of path: String) throws -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw NoticeDecodingError(file: path, message: "cannot be read; check the path and permissions")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(URL(fileURLWithPath: path).standardizedFileURL.path):\(size):\(Int(modified))"
    }
}
