import Foundation
import Testing
import VigieCore
@testable import VigieProviders
import VigieTestSupport

@Suite("JSON-lines files read as a stream")
struct JSONLinesTests {
    static func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-lines-\(UUID()).jsonl").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("every line, numbered, whatever the chunk boundaries: lines longer than the chunk, empty lines, no last line feed")
    func lines() throws {
        var generator = SystemRandomNumberGenerator()
        let chunk = 64
        for round in 0..<200 {
            // Lines of every size around the chunk's, empty ones among them.
            let lengths = (0..<Int.random(in: 1...30, using: &generator)).map { _ -> Int in
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: 0
                case 1: Int.random(in: 1...10, using: &generator)
                case 2: chunk - 1 + Int.random(in: 0...2, using: &generator)
                case 3: Int.random(in: 1...(5 * chunk), using: &generator)
                default: Int.random(in: 20...80, using: &generator)
                }
            }
            let lines = lengths.enumerated().map { index, length in [UInt8](repeating: UInt8(0x41 + index % 26), count: length) }
            var bytes = Array(lines.joined(separator: [0x0A]))
            let finalFeed = round % 2 == 0
            if finalFeed { bytes.append(0x0A) }
            let path = try Self.file(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            var read: [[UInt8]] = []
            var numbers: [Int] = []
            try JSONLines.forEachLine(path: path, chunk: chunk) { line, number in
                read.append(Array(line))
                numbers.append(number)
            }
            // An empty last line without a line feed after it is no line: the file ends in one.
            let expected = !finalFeed && lines.last?.isEmpty == true ? Array(lines.dropLast()) : lines
            #expect(read.count == expected.count && read.map(\.count) == expected.map(\.count) && read == expected, "round \(round): lengths \(lengths)")
            #expect(numbers == (0..<expected.count).map { $0 + 1 })
        }
    }

    @Test("a file that cannot be read says so; an empty file has no line")
    func missing() throws {
        #expect(throws: JSONLines.ReadError.self) { try JSONLines.forEachLine(path: "/nonexistent/vigie.jsonl") { _, _ in } }
        let path = try Self.file([])
        defer { try? FileManager.default.removeItem(atPath: path) }
        var count = 0
        try JSONLines.forEachLine(path: path) { _, _ in count += 1 }
        #expect(count == 0)
    }

    @Test("a generated scenario's creditsafe.jsonl: each report read, a bad one named by file and line")
    func fixtureLines() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-scenario-\(UUID())")
        let step = folder.appendingPathComponent("steps/01-baseline")
        try FileManager.default.createDirectory(at: step, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = String(decoding: try RepositoryData.data("providers/creditsafe-company-report.json"), as: UTF8.self)
        let compact = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(report.utf8)))
        let line = String(decoding: compact, as: UTF8.self)
        let real = try CreditsafeReportDecoder.decode(compact, observedOn: FixtureScenario.undated)
        let path = step.appendingPathComponent("creditsafe.jsonl")
        try ([line, "", line].joined(separator: "\n") + "\n").write(to: path, atomically: true, encoding: .utf8)
        let provider = FixtureScoreProvider(scenario: try FixtureScenario(folder: folder))
        let poll = try await provider.poll([real.siren], cursor: nil)
        #expect(poll.observations == [real, real])

        try ([line, "", String(line.prefix(50_000))].joined(separator: "\n")).write(to: path, atomically: true, encoding: .utf8)
        do {
            _ = try await provider.poll([real.siren], cursor: nil)
            Issue.record("a report cut short was read")
        } catch {
            #expect("\(error)".hasPrefix("\(path.path):3: "), "\(error)")
        }
    }
}
