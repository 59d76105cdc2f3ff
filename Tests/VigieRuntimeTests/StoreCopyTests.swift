import Foundation
import Logging
import Testing
import VigieCore
import VigieRuntime
import VigieStore
import VigieTestSupport

@Suite("Moving from SQLite to PostgreSQL")
struct StoreCopyTests {
    @Test("a store copied into PostgreSQL goes on where SQLite stopped: same alerts, same deliveries, nothing raised or delivered twice")
    func copyThenContinue() async throws {
        let state = DemoWalkTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: state) }
        let clock = ManualWallClock()
        var configuration = DemoWalkTests.configuration(state: state)
        var raisedPerCycle: [[String]] = []
        do {
            let application = try await VigieApplication(configuration: configuration, clock: clock, logger: Logger(label: "test"))
            defer { application.shutdown() }
            raisedPerCycle += try await DemoWalkTests.walk(application, clock: clock, cycles: 3)
        }

        let source = try SQLiteWatchStore(configuration: .init(path: configuration.storePath, access: .reader))
        let location = try await TestPostgres.makeDatabase()
        let target = try await PostgresWatchStore(configuration: .init(location: location, replica: "copy"), access: .writer, logger: Logger(label: "test"))
        let report = try await StoreCopy.copy(from: source, to: target, logger: Logger(label: "test"))
        #expect((report.rows["alert"] ?? 0) > 0 && (report.rows["delivery_attempt"] ?? 0) > 0 && (report.rows["snapshot"] ?? 0) > 0)

        // Everything people read is the same on both sides.
        let before = try await source.alerts(since: nil, limit: nil)
        #expect(try await target.alerts(since: nil, limit: nil) == before)
        for alert in before {
            #expect(try await target.deliveries(alertID: alert.id) == source.deliveries(alertID: alert.id))
        }
        let sirens = Set(before.compactMap(\.siren))
        #expect(try await target.snapshots(for: sirens) == source.snapshots(for: sirens))
        for siren in sirens { #expect(try await target.observations(of: siren) == source.observations(of: siren)) }
        #expect(try await target.lastPolls() == source.lastPolls())
        #expect(try await target.sourceHealth() == source.sourceHealth())

        // A second copy into the same database is refused: histories are never mixed.
        await #expect(throws: StoreFailure.self) { try await StoreCopy.copy(from: source, to: target, logger: Logger(label: "test")) }

        // The walk goes on, on PostgreSQL, where it stopped.
        configuration.store = .postgres(.init(location: location, replica: "after-copy"))
        let application = try await VigieApplication(configuration: configuration, clock: clock, logger: Logger(label: "test"))
        defer { application.shutdown() }
        raisedPerCycle += try await DemoWalkTests.walk(application, clock: clock, cycles: 3)
        #expect(raisedPerCycle == DemoWalkTests.raisedPerCycle)
        // One log line per alert across both stores: nothing the SQLite process delivered went out again.
        let lines = try String(contentsOfFile: configuration.logPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == (try await application.store.alerts(since: nil, limit: nil)).filter { $0.disposition != .merged && $0.disposition != .recorded && $0.disposition != .inhibited }.count)
    }
}
