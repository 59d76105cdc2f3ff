import Foundation
import Testing
import VigieCore
@testable import VigieProviders
import VigieTestSupport

/// Reading BODACC files as streams gives what reading them whole gives: the same notices, in
/// the same order, counted the same, whether pushed (`forEach`) or pulled (`Stream`).
@Suite("BODACC files read as streams")
struct NoticeStreamTests {
    @Test("the DILA file, pushed and pulled, notice for notice; its count read from its bytes", arguments: ["bodacc/dila-PCL_BXA20080010.xml", "bodacc/collective-notices-sample.json"])
    func sameNotices(_ file: String) throws {
        let path = RepositoryData.url(file).path
        let whole = try NoticeFileReader.decode(try RepositoryData.data(file), file: path)
        var pushed: [BodaccNotice] = []
        try NoticeFileReader.forEach(path: path) { pushed.append($0) }
        let stream = try NoticeFileReader.Stream(path: path)
        var pulled: [BodaccNotice] = []
        while let notice = try stream.next() { pulled.append(notice) }
        #expect(!whole.isEmpty)
        #expect(pushed == whole)
        #expect(pulled == whole)
        #expect(stream.count == whole.count)
    }

    @Test("a file cut in the middle of a notice fails at its line when pulled, as when read whole")
    func truncated() throws {
        let text = try String(contentsOf: RepositoryData.url("bodacc/dila-PCL_BXA20080010.xml"), encoding: .utf8)
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-cut-\(UUID()).xml")
        defer { try? FileManager.default.removeItem(at: cut) }
        try String(text.prefix(text.count / 2)).write(to: cut, atomically: true, encoding: .utf8)
        let stream = try NoticeFileReader.Stream(path: cut.path)
        var read = 0
        do {
            while try stream.next() != nil { read += 1 }
            Issue.record("a cut file read to its end")
        } catch {
            #expect(error.description.contains("is the file complete?"), "\(error)")
            #expect(read > 0, "the notices before the cut were read")
        }
    }
}

extension NoticeStreamTests {
    /// `forEach` parses on a thread of its own, ahead of the body: what it hands over and the
    /// errors it throws are those of a parse in turn with the body.
    @Test("a cut file pushed: every notice before the cut, in order, then the error at its line")
    func truncatedPushed() throws {
        let file = RepositoryData.url("bodacc/dila-PCL_BXA20080010.xml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let whole = try NoticeFileReader.read(path: file.path)
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-cut-\(UUID()).xml")
        defer { try? FileManager.default.removeItem(at: cut) }
        try String(text.prefix(text.count / 2)).write(to: cut, atomically: true, encoding: .utf8)
        var pushed: [BodaccNotice] = []
        do {
            try NoticeFileReader.forEach(path: cut.path) { pushed.append($0) }
            Issue.record("a cut file read to its end")
        } catch {
            #expect(error.description.contains("is the file complete?"), "\(error)")
            #expect(error.line != nil)
        }
        #expect(pushed.count > 0)
        #expect(pushed == Array(whole.prefix(pushed.count)))
    }

    @Test("notices are counted over the bytes, a marker cut between two reads included, none twice", arguments: [1 << 20, 9, 10, 17, 64, 1_000])
    func counted(readSize: Int) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-count-\(UUID()).xml")
        defer { try? FileManager.default.removeItem(at: file) }
        var generator = SplitMix(state: 14)
        let marker = Array("<annonce>".utf8)
        var bytes = Array("<PCL_REDIFF>".utf8)
        var expected = 0
        for _ in 0..<3_000 {
            bytes += Array(repeating: UInt8(ascii: "<"), count: Int.random(in: 0...3, using: &generator))
            bytes += Array(repeating: UInt8(ascii: "a"), count: Int.random(in: 0...900, using: &generator)) + marker
            expected += 1
        }
        bytes += Array("<annonc".utf8)
        try Data(bytes).write(to: file)
        #expect(NoticeFileReader.countNotices(path: file.path, readSize: readSize) == expected)
    }

    @Test("a path that is no file says what it is and what to give instead")
    func notAFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-folder-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let folderError = #expect(throws: NoticeDecodingError.self) { try NoticeFileReader.read(path: folder.path) }
        #expect(folderError?.description.contains("is a folder, not a file") == true, "\(String(describing: folderError))")
        let missing = #expect(throws: NoticeDecodingError.self) { try NoticeFileReader.read(path: folder.appendingPathComponent("missing.xml").path) }
        #expect(missing?.description.contains("does not exist; check the path") == true, "\(String(describing: missing))")
    }

    @Test("a body that fails stops the read: its error is thrown, nothing after it is handed over")
    func bodyFails() throws {
        struct Refused: Error {}
        let path = RepositoryData.url("bodacc/dila-PCL_BXA20080010.xml").path
        var handed = 0
        do {
            try NoticeFileReader.forEach(path: path) { _ in
                handed += 1
                if handed == 3 { throw Refused() }
            }
            Issue.record("the body's error was lost")
        } catch {
            #expect(error.file == path)
            #expect(error.message.contains("Refused"), "\(error)")
        }
        #expect(handed == 3)
    }
}

@Suite("JSON lines written by hand")
struct JSONLineTests {
    struct Sample: Encodable {
        var a: String?
        var b: [String]
        var c: String
    }

    @Test("the same bytes as JSONEncoder with sorted keys and unescaped slashes, on every kind of character")
    func sameAsEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let texts = ["plain", "quote \" and \\ backslash", "line\nbreak\r\ttab", "bell\u{07} nul\u{00} esc\u{1B} unit\u{1F}", "é à ü — 😀", "https://x/y?z=1", "\u{08}\u{0C}", ""]
        for text in texts {
            var line = JSONLine()
            line.field("a", text)
            line.field("b", [text, "x"])
            line.field("c", text)
            let expected = String(decoding: try encoder.encode(Sample(a: text, b: [text, "x"], c: text)), as: UTF8.self)
            #expect(line.text == expected, "\(text.debugDescription)")
        }
        var absent = JSONLine()
        absent.field("a", nil as String?)
        #expect(absent.text == #"{"a":null}"#)
    }
}
