import Foundation
import VigieCore

/// A replayable story of what providers said, kept as files: the embedded default's data
/// source, and the way to try Vigie without an account.
///
/// A scenario folder holds `steps/<NN-label>/`, one folder per cycle, in name order. A step
/// holds any of:
/// - `creditsafe/*.json`: Creditsafe Connect company reports, one per file;
/// - `creditsafe.jsonl`: the same, one report per line (for large generated scenarios);
/// - `ellisphere/*.xml`, `pappers/*.json`: those providers' answers, served by `vigie mock-provider`;
/// - `bodacc.json`, `bodacc.jsonl`, `*.xml`: BODACC notices in any format Vigie reads.
public struct FixtureScenario: Sendable {
    public struct Step: Sendable, Hashable {
        /// The folder name, e.g. `03-receivership`.
        public var label: String
        public var folder: URL
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let folder: URL
    public let steps: [Step]

    public init(folder: URL) throws(Failure) {
        let stepsFolder = folder.appendingPathComponent("steps")
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: stepsFolder.path)
        } catch {
            throw Failure(description: "scenario \(folder.path) has no steps/ folder; a scenario holds steps/01-…/, steps/02-…/, one per cycle")
        }
        self.folder = folder
        self.steps = names.filter { !$0.hasPrefix(".") }.sorted()
            .map { Step(label: $0, folder: stepsFolder.appendingPathComponent($0)) }
    }

    /// The step a cursor points at: the cursor counts the steps already replayed.
    func step(after cursor: String?) -> (index: Int, step: Step)? {
        let index = cursor.flatMap(Int.init) ?? 0
        guard index >= 0, index < steps.count else { return nil }
        return (index, steps[index])
    }

    /// The date of a report without `dateOfOrder`. The fixture never reads the wall clock, so
    /// that a replay gives the same alerts, with the same ids, every time.
    public static let undated = CalendarDay(year: 2000, month: 1, day: 1)!

    /// Each Creditsafe report of a step, decoded as it is read, one at a time: a generated
    /// scenario's `creditsafe.jsonl` is read a megabyte at a time, never held whole.
    func forEachReport(in step: Step, _ body: (ScoreObservation) -> Void) throws(Failure) {
        let reportsFolder = step.folder.appendingPathComponent("creditsafe")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: reportsFolder.path)) ?? []).filter({ $0.hasSuffix(".json") }).sorted() {
            let path = reportsFolder.appendingPathComponent(name).path
            body(try decodeReport(try read(path), origin: path))
        }
        let lines = step.folder.appendingPathComponent("creditsafe.jsonl").path
        guard FileManager.default.fileExists(atPath: lines) else { return }
        do {
            try JSONLines.forEachLine(path: lines) { line, number in
                guard !line.isEmpty else { return }
                body(try decodeReport(line, origin: "\(lines):\(number)"))
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            let reason = (error as? JSONLines.ReadError).map { String(cString: strerror($0.errno)) } ?? "\(error)"
            throw Failure(description: "\(lines) cannot be read: \(reason)")
        }
    }

    /// Each report of a provider in a step as it is stored, undecoded (what a mock server sends
    /// back), with where it came from (`path`, or `path:line`) for errors. Reports are
    /// `<provider>/*.<suffix>` files, and for JSON, `<provider>.jsonl` lines.
    public func reportBodies(in step: Step, provider: String = "creditsafe", suffix: String = "json") throws(Failure) -> [(origin: String, body: Data)] {
        var bodies: [(origin: String, body: Data)] = []
        let reportsFolder = step.folder.appendingPathComponent(provider)
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: reportsFolder.path)) ?? []).filter({ $0.hasSuffix(".\(suffix)") }).sorted() {
            let path = reportsFolder.appendingPathComponent(name).path
            bodies.append((path, try read(path)))
        }
        guard suffix == "json" else { return bodies }
        let lines = step.folder.appendingPathComponent("\(provider).jsonl").path
        if FileManager.default.fileExists(atPath: lines) {
            for (index, line) in JSONLines.split(try read(lines)).enumerated() where !line.isEmpty {
                bodies.append(("\(lines):\(index + 1)", line))
            }
        }
        return bodies
    }

    func notices(in step: Step) throws(Failure) -> [BodaccNotice] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: step.folder.path)) ?? []).sorted()
        var notices: [BodaccNotice] = []
        for name in names where name.hasPrefix("bodacc") || name.hasSuffix(".xml") {
            let path = step.folder.appendingPathComponent(name).path
            do {
                notices.append(contentsOf: try NoticeFileReader.read(path: path))
            } catch {
                throw Failure(description: error.description)
            }
        }
        return notices
    }

    private func read(_ path: String) throws(Failure) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure(description: "\(path) cannot be read: \(error.localizedDescription)")
        }
    }

    private func decodeReport(_ data: some ContiguousBytes, origin: String) throws(Failure) -> ScoreObservation {
        do {
            return try CreditsafeReportDecoder.decode(data, observedOn: Self.undated)
        } catch {
            throw Failure(description: "\(origin): \(error.description)")
        }
    }
}

/// The fixture scenario's score reports, one step per cycle.
public struct FixtureScoreProvider: ScoreProvider {
    public let scenario: FixtureScenario
    public var name: String { "creditsafe" }
    /// Its cursor is the scenario's step, the same for every company.
    public var sharding: PollSharding { .wholePortfolio }

    public init(scenario: FixtureScenario) {
        self.scenario = scenario
    }

    public func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll {
        guard let (index, step) = scenario.step(after: cursor) else {
            return ScorePoll(observations: [], cursor: nil)
        }
        let watched = Set(companies)
        // At most one report a company: room for them all at once, where an array grown by
        // doubling held up to twice what it needed (25 MB for 19 of 100 000 observations).
        var observations: [ScoreObservation] = []
        observations.reserveCapacity(watched.count)
        try scenario.forEachReport(in: step) { if watched.contains($0.siren) { observations.append($0) } }
        return ScorePoll(observations: observations, cursor: String(index + 1))
    }
}

/// The fixture scenario's BODACC notices, one step per cycle.
public struct FixtureProcedureFeed: ProcedureFeed {
    public let scenario: FixtureScenario
    public var name: String { "bodacc" }

    public init(scenario: FixtureScenario) {
        self.scenario = scenario
    }

    public func poll(watching: Set<SIREN>, cursor: String?) async throws -> FeedPoll {
        guard let (index, step) = scenario.step(after: cursor) else {
            return FeedPoll(notices: [], cursor: nil)
        }
        return FeedPoll(notices: try scenario.notices(in: step), cursor: String(index + 1))
    }

    /// Like the live feed: the notices of the steps already published (before the cursor)
    /// that name these companies, so that a company added to a watchlist mid-scenario gets
    /// its past, as it would from BODACC.
    public func history(of companies: [SIREN], cursor: String?) async throws -> [BodaccNotice]? {
        let wanted = Set(companies)
        let published = min(max(cursor.flatMap(Int.init) ?? 0, 0), scenario.steps.count)
        return try scenario.steps.prefix(published).flatMap { try scenario.notices(in: $0) }
            .filter { !wanted.isDisjoint(with: $0.sirens) }
    }

    /// Like the live feed: the published notices that name no SIREN, in these postcodes.
    public func unregisteredHistory(postcodes: Set<String>) async throws -> [BodaccNotice] {
        try scenario.steps.flatMap { try scenario.notices(in: $0) }
            .filter { $0.sirens.isEmpty && postcodes.contains($0.postalCode ?? "") }
    }
}

/// The fixture scenario's money at risk: an insurer's export (`insurers/<name>.csv`) and the
/// aged balance (`receivables.csv`) of a step, read by the same readers as the live files. A
/// step without the file leaves what the last one said.
public struct FixtureCoverageSource: ScoreProvider {
    public enum Kind: Sendable, Hashable {
        case insurer(String)
        case receivables
    }

    public let scenario: FixtureScenario
    public let kind: Kind
    public var name: String {
        switch kind {
        case .insurer(let insurer): CoverageSource.insurer(insurer)
        case .receivables: CoverageSource.receivables
        }
    }
    public var sharding: PollSharding { .wholePortfolio }

    public init(scenario: FixtureScenario, kind: Kind) {
        self.scenario = scenario
        self.kind = kind
    }

    /// The sources a scenario's steps hold: every insurer named in an `insurers/` folder, and
    /// the aged balance when any step has one.
    public static func sources(in scenario: FixtureScenario) -> [FixtureCoverageSource] {
        var insurers: Set<String> = []
        var receivables = false
        for step in scenario.steps {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: step.folder.appendingPathComponent("insurers").path)) ?? []
            insurers.formUnion(names.filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) })
            receivables = receivables || FileManager.default.fileExists(atPath: step.folder.appendingPathComponent("receivables.csv").path)
        }
        return insurers.sorted().map { FixtureCoverageSource(scenario: scenario, kind: .insurer($0)) } + (receivables ? [FixtureCoverageSource(scenario: scenario, kind: .receivables)] : [])
    }

    public func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll {
        guard let (index, step) = scenario.step(after: cursor) else { return ScorePoll(observations: [], cursor: nil) }
        var poll: ScorePoll
        switch kind {
        case .insurer(let insurer):
            let folder = step.folder.appendingPathComponent("insurers")
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(insurer).csv").path) {
                poll = try await InsurerExportSource(configuration: .init(insurer: insurer, folder: folder, preset: .generic), clock: FixedClock(FixtureScenario.undated)).poll(companies, cursor: nil)
            } else {
                poll = ScorePoll(observations: [], cursor: nil)
            }
        case .receivables:
            let file = step.folder.appendingPathComponent("receivables.csv")
            if FileManager.default.fileExists(atPath: file.path) {
                poll = try await ReceivablesSource(path: file, clock: FixedClock(FixtureScenario.undated)).poll(companies, cursor: nil)
            } else {
                poll = ScorePoll(observations: [], cursor: nil)
            }
        }
        poll.cursor = String(index + 1)
        return poll
    }
}

/// A clock stopped at one day: the fixture never reads the machine's.
struct FixedClock: WallClock {
    let day: CalendarDay
    init(_ day: CalendarDay) { self.day = day }
    var now: Date { Date(timeIntervalSince1970: Double(day.ordinal) * 86_400) }
}
