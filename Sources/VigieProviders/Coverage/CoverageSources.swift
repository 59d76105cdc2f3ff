import Foundation
import VigieCore

/// What an insurer's exports or an aged balance say about the companies asked for, as a poll:
/// one observation per company the file states, a failure (at `file:line`) per company whose
/// rows could not be read — its last good figures stay — and per row that names no company.
enum CoveragePoll {
    static func poll(
        _ source: String, asked: [SIREN], on day: CalendarDay, issues: [FileIssue], unreadable: [SIREN: FileIssue],
        observe: (SIREN) -> ScoreObservation?
    ) -> ScorePoll {
        var observations: [ScoreObservation] = []
        var failures: [ProviderFailure] = []
        for siren in asked {
            if let issue = unreadable[siren] {
                failures.append(ProviderFailure(siren: siren, message: issue.description, reason: .malformed))
            } else if let observation = observe(siren) {
                observations.append(observation)
            }
        }
        // Rows that name no company (or a bad SIREN) cannot be tied to one: each is a failure
        // of the source. Rows of companies no list watches are not Vigie's business.
        let attributed = Set(unreadable.values.map { "\($0.file):\($0.line)" })
        let rowsOfOthers = Set(issues.map { "\($0.file):\($0.line)" }).subtracting(attributed)
        for issue in issues where !issue.isWarning && rowsOfOthers.contains("\(issue.file):\(issue.line)") && (issue.field == "siren" || issue.field == "identifier" || issue.field == nil) {
            failures.append(ProviderFailure(siren: nil, message: issue.description, reason: .malformed))
        }
        return ScorePoll(observations: observations, failures: failures, cursor: nil, asked: asked.count)
    }

    static func observation(_ siren: SIREN, source: String, on day: CalendarDay) -> ScoreObservation {
        ScoreObservation(siren: siren, provider: source, observedOn: day)
    }
}

/// A file the sources could not read as a whole: the source fails this cycle, and every
/// company keeps its last good figures.
public struct CoverageFileError: Error, CustomStringConvertible {
    public var issues: [FileIssue]
    public var description: String { issues.map(\.description).joined(separator: "; ") }
}

/// A credit insurer's limit decisions, read every cycle from the exports its portal writes
/// into a folder (`*.csv`, read in name order: a later file's decision for a buyer replaces an
/// earlier one's, unless it is older).
public struct InsurerExportSource: ScoreProvider {
    public struct Configuration: Sendable, Hashable {
        /// `allianz-trade`: the source is `insurer:allianz-trade`.
        public var insurer: String
        public var folder: URL
        public var preset: InsurerExport.Preset
        /// Keys (`granted`, `decision`…) to the export's own header names.
        public var columns: [String: String]

        public init(insurer: String, folder: URL, preset: InsurerExport.Preset = .generic, columns: [String: String] = [:]) {
            self.insurer = insurer
            self.folder = folder
            self.preset = preset
            self.columns = columns
        }
    }

    public let configuration: Configuration
    let clock: any WallClock
    public var name: String { CoverageSource.insurer(configuration.insurer) }

    public init(configuration: Configuration, clock: any WallClock) {
        self.configuration = configuration
        self.clock = clock
    }

    public func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll {
        let result = try Self.read(configuration)
        let day = CalendarDay(clock.now)
        return CoveragePoll.poll(name, asked: companies, on: day, issues: result.issues, unreadable: result.unreadable) { siren in
            result.covers[siren].map { cover in
                // Dated by the decision, as providers' data is dated by their observation.
                var observation = CoveragePoll.observation(siren, source: name, on: cover.decidedOn ?? day)
                // The decision only, not a `creditLimit`: an insurer's cut is its own event.
                observation.cover = cover
                return observation
            }
        }
    }

    /// Every export in the folder, merged: the latest decision per buyer.
    public static func read(_ configuration: Configuration) throws -> InsurerExport.Result {
        let files = try CoverageFiles.list(configuration.folder, what: "\(configuration.insurer)'s exports")
        var merged = InsurerExport.Result()
        for file in files {
            let text = try CoverageFiles.text(file)
            let result = InsurerExport.parse(text, file: file.path, insurer: configuration.insurer, preset: configuration.preset, columns: configuration.columns)
            if !result.errors.isEmpty, result.covers.isEmpty, result.unreadable.isEmpty { throw CoverageFileError(issues: result.errors) }
            merged.issues += result.issues
            for (siren, cover) in result.covers {
                if let known = merged.covers[siren], let knownDay = known.decidedOn, let day = cover.decidedOn, day < knownDay { continue }
                merged.covers[siren] = cover
                merged.lines[siren] = result.lines[siren]
                merged.unreadable[siren] = nil
            }
            for (siren, issue) in result.unreadable where merged.covers[siren] == nil { merged.unreadable[siren] = issue }
        }
        return merged
    }
}

/// The ERP's aged balance, read every cycle: a file, or the newest `*.csv` of a folder (ERPs
/// write one export a day). Its figures replace the watchlists' static exposure.
public struct ReceivablesSource: ScoreProvider {
    public let path: URL
    let clock: any WallClock
    public var name: String { CoverageSource.receivables }

    public init(path: URL, clock: any WallClock) {
        self.path = path
        self.clock = clock
    }

    public func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll {
        let day = CalendarDay(clock.now)
        let result = try Self.read(path, today: day)
        return CoveragePoll.poll(name, asked: companies, on: day, issues: result.issues, unreadable: result.unreadable) { siren in
            result.balances[siren].map { balance in
                var observation = CoveragePoll.observation(siren, source: name, on: balance.asOf)
                observation.balance = balance
                return observation
            }
        }
    }

    /// The balance the path holds; rows without a date are stated at the date in the file's
    /// name (`balance-2026-11-30.csv`, `20261130`), else at `today`.
    public static func read(_ path: URL, today: CalendarDay) throws -> AgedBalanceReader.Result {
        guard FileManager.default.fileExists(atPath: path.path) else {
            throw CoverageFileError(issues: [FileIssue(file: path.path, line: 1, message: "no such file or folder; export the aged balance there, or fix receivables.file in vigie.yaml")])
        }
        let file = try CoverageFiles.balanceFile(path)
        let result = AgedBalanceReader.parse(try CoverageFiles.text(file), file: file.path, asOf: CoverageFiles.day(inName: file.lastPathComponent) ?? today)
        if !result.errors.isEmpty, result.balances.isEmpty, result.unreadable.isEmpty { throw CoverageFileError(issues: result.errors) }
        return result
    }
}

/// Reading export files: one way for the insurer and receivables sources and the fixture.
public enum CoverageFiles {
    /// The `*.csv` files of a folder, in name order; an error when there are none.
    public static func list(_ folder: URL, what: String) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw CoverageFileError(issues: [FileIssue(file: folder.path, line: 1, message: "the folder of \(what) cannot be read; create it, or fix the folder in vigie.yaml")])
        }
        let files = names.filter { $0.lowercased().hasSuffix(".csv") && !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
        guard !files.isEmpty else {
            throw CoverageFileError(issues: [FileIssue(file: folder.path, line: 1, message: "no .csv file of \(what) in the folder yet; export one there")])
        }
        return files
    }

    public static func text(_ file: URL) throws -> String {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw CoverageFileError(issues: [FileIssue(file: file.path, line: 1, message: "cannot be read; check its permissions")])
        }
        guard let text = ExportText.decode(data) else {
            throw CoverageFileError(issues: [FileIssue(file: file.path, line: 1, message: "is neither UTF-8, UTF-16 nor Windows-1252 text; export it again as CSV")])
        }
        return text
    }

    /// The aged balance a configured path names: the file, or the newest `*.csv` of a folder
    /// (ERPs write one export a day, named by its date).
    public static func balanceFile(_ path: URL) throws -> URL {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isFolder), isFolder.boolValue else { return path }
        return try list(path, what: "aged balances").last!
    }

    /// `2026-11-30` or `20261130` in a file's name.
    public static func day(inName name: String) -> CalendarDay? {
        let digits = name.split(whereSeparator: { !$0.isNumber && $0 != "-" })
        for part in digits {
            if let day = CalendarDay(iso: part) { return day }
            let plain = part.filter(\.isNumber)
            if plain.count == 8, let year = Int(plain.prefix(4)), let month = Int(plain.dropFirst(4).prefix(2)), let day = Int(plain.suffix(2)),
               let found = CalendarDay(year: year, month: month, day: day) {
                return found
            }
        }
        return nil
    }
}
