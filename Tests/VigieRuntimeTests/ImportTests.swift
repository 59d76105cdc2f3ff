import Foundation
import Logging
import Testing
import VigieCore
@testable import VigieRuntime
import VigieStore
import VigieTestSupport

@Suite("Importing BODACC files")
struct ImportTests {
    static let february2008 = Date(timeIntervalSince1970: 1_201_824_000)

    @Test("imported today, a 2008 file is the companies' history: their status is recorded, nothing is alerted as news", arguments: StoreUnderTest.allCases)
    func staleJudgments(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "siren;name\n384898094;EUROTEKNIK\n453752099;A S CONSTRUCTION\n".write(to: folder.appendingPathComponent("list.csv"), atomically: true, encoding: .utf8)
        let store = try await kind.make()
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_780_000_000))
        let registry = WatchlistRegistry(configuration: .init(paths: [folder]), store: store, clock: clock, logger: Logger(label: "test"))
        let importer = NoticeImporter(registry: registry, store: store, router: Router(always: ["log"]), clock: clock)
        let report = try await importer.run(files: [RepositoryData.url("bodacc/dila-PCL_BXA20080010.xml").path])
        #expect(report.matched == 2)
        #expect(report.alertsRaised == 0)
        let snapshot = try await store.snapshots(for: [try SIREN("453752099")])[SnapshotKey(siren: try SIREN("453752099"), source: "bodacc")]
        #expect(snapshot?.procedureStatus == .liquidation, "the company's standing is still known")
    }

    @Test("the DILA file's notices about watched companies become alerts; a second import skips the file; an interrupted one resumes", arguments: StoreUnderTest.allCases)
    func importDILA(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // EUROTEKNIK (closure, insufficient assets) and A S CONSTRUCTION & RENOVATION (a rectificatif) are in the file.
        try "siren;name\n384898094;EUROTEKNIK\n453752099;A S CONSTRUCTION\n".write(to: folder.appendingPathComponent("list.csv"), atomically: true, encoding: .utf8)
        let file = try Self.copyDILA(into: folder)
        let store = try await kind.make()
        // As on the day the file came out: its judgments are news then.
        let clock = ManualWallClock(Self.february2008)
        let registry = WatchlistRegistry(configuration: .init(paths: [folder]), store: store, clock: clock, logger: Logger(label: "test"))
        var configuration = NoticeImporter.Configuration()
        configuration.batchSize = 300
        let importer = NoticeImporter(configuration: configuration, registry: registry, store: store, router: Router(always: ["log"]), clock: clock)

        let first = try await importer.run(files: [file])
        #expect(first.notices == 943)
        #expect(first.matched == 2)
        #expect(first.alertsRaised == 2)
        let kinds = try await store.alerts(since: nil, limit: nil).map { "\($0.companyName ?? "") \($0.kind)" }.sorted()
        #expect(kinds == ["A S CONSTRUCTION procedure_converted", "EUROTEKNIK procedure_closed"])

        // Skipped without being read: the same file, its bytes made unreadable but its size
        // and date kept (what identifies it), is not parsed again.
        try Self.spoil(file)
        let again = try await importer.run(files: [file])
        #expect(again.skippedFiles == 1 && again.notices == 0)
        #expect(try await store.alerts(since: nil, limit: nil).count == 2)
    }

    @Test("a file an earlier version imported whole (its notices counted, no end marked) is read past once, then skipped unread", arguments: StoreUnderTest.allCases)
    func importedBefore(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "siren;name\n384898094;EUROTEKNIK\n".write(to: folder.appendingPathComponent("list.csv"), atomically: true, encoding: .utf8)
        let file = try Self.copyDILA(into: folder)
        let store = try await kind.make()
        let clock = ManualWallClock(Self.february2008)
        let router = Router(always: ["log"])
        _ = try await store.commit(CycleCommit(
            snapshots: [], observations: [], alertChanges: [], notices: [], cursors: ["import:\(try NoticeImporter.identity(of: file))": "943"], router: router, at: clock.now
        ))
        let registry = WatchlistRegistry(configuration: .init(paths: [folder]), store: store, clock: clock, logger: Logger(label: "test"))
        let importer = NoticeImporter(registry: registry, store: store, router: router, clock: clock)
        let first = try await importer.run(files: [file])
        #expect(first.skippedFiles == 1 && first.notices == 0)
        try Self.spoil(file)
        let second = try await importer.run(files: [file])
        #expect(second.skippedFiles == 1 && second.notices == 0)
        #expect(try await store.alerts(since: nil, limit: nil).isEmpty)
    }

    /// A copy of the DILA file that a test may spoil.
    static func copyDILA(into folder: URL) throws -> String {
        let file = folder.appendingPathComponent("PCL_BXA20080010.xml").path
        try FileManager.default.copyItem(atPath: RepositoryData.url("bodacc/dila-PCL_BXA20080010.xml").path, toPath: file)
        return file
    }

    /// Overwrites a file with bytes no reader accepts, keeping its size and modification date.
    static func spoil(_ path: String) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        try Data(repeating: UInt8(ascii: "#"), count: size).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: path)
    }

    @Test("an import stopped after some batches starts again after the last one", arguments: StoreUnderTest.allCases)
    func resume(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "siren;name\n384898094;EUROTEKNIK\n".write(to: folder.appendingPathComponent("list.csv"), atomically: true, encoding: .utf8)
        let file = RepositoryData.url("bodacc/dila-PCL_BXA20080010.xml").path
        let store = try await kind.make()
        let clock = ManualWallClock(Self.february2008)
        let registry = WatchlistRegistry(configuration: .init(paths: [folder]), store: store, clock: clock, logger: Logger(label: "test"))
        var configuration = NoticeImporter.Configuration()
        configuration.batchSize = 100
        let importer = NoticeImporter(configuration: configuration, registry: registry, store: store, router: Router(always: ["log"]), clock: clock)
        // Stop after the fourth batch, as an interrupted process would.
        let stopped = try await withThrowingTaskGroup(of: NoticeImporter.Report?.self) { group in
            let seen = BatchCounter()
            group.addTask {
                try? await importer.run(files: [file]) { _ in
                    if seen.increment() == 4 { withUnsafeCurrentTask { $0?.cancel() } }
                }
            }
            return try await group.next() ?? nil
        }
        _ = stopped
        let resumed = try await importer.run(files: [file])
        #expect(resumed.notices == 543, "resumed after the four batches already committed, read \(resumed.notices)")
        #expect(try await store.alerts(since: nil, limit: nil).count == 1)
    }
}

final class BatchCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; count += 1; return count }
}
