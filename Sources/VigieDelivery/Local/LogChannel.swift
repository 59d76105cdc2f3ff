import Foundation
import Synchronization
import VigieCore

/// Appends each alert to a JSON-lines file: what on-call engineers grep and ship to their
/// log pipeline. Each line is written with one `write(2)` on a file opened in append mode,
/// so concurrent writers never interleave within a line.
///
/// One line per alert revision, even across crashes: a process killed after writing a line but
/// before the outbox recorded it would write it again on restart. So the channel reads the
/// file's tail once (where such a line can only be) and never writes a revision it finds there.
public struct LogChannel: AlertChannel {
    public struct Configuration: Sendable {
        public var path: String

        public init(path: String) {
            self.path = path
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let name = "log"
    public let deliversInOrder = true
    let configuration: Configuration
    private let written: WrittenRevisions

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.written = WrittenRevisions()
    }

    public func deliver(_ alert: Alert) async throws {
        let revision = "\(alert.id)#\(alert.revision)"
        if written.contains(revision, loadingFrom: configuration.path) { return }
        let line = AlertRecord(alert).jsonLine() + "\n"
        let folder = (configuration.path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let descriptor = open(configuration.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot open the alert log \(configuration.path): \(String(cString: strerror(errno))); check channels.log.path")
        }
        defer { close(descriptor) }
        let count = line.utf8.count
        let result = line.utf8CString.withUnsafeBufferPointer { buffer in
            write(descriptor, buffer.baseAddress, count)
        }
        guard result == count else {
            throw Failure(description: "cannot write the alert log \(configuration.path): \(String(cString: strerror(errno)))")
        }
        written.insert(revision)
    }
}

/// The alert revisions the log already holds: its tail, read once, then what this process wrote.
final class WrittenRevisions: Sendable {
    /// How much of the file's end is read: far more than the lines in flight at a crash.
    static let tailBytes = 4 << 20

    private let state = Mutex<(loaded: Bool, revisions: Set<String>)>((false, []))

    func contains(_ revision: String, loadingFrom path: String) -> Bool {
        state.withLock { state in
            if !state.loaded {
                state.revisions = Self.revisions(inTailOf: path)
                state.loaded = true
            }
            return state.revisions.contains(revision)
        }
    }

    func insert(_ revision: String) {
        _ = state.withLock { $0.revisions.insert(revision) }
    }

    /// `id#revision` of every whole line in the file's last `tailBytes`.
    static func revisions(inTailOf path: String) -> Set<String> {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return [] }
        let start = size > UInt64(tailBytes) ? size - UInt64(tailBytes) : 0
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return [] }
        struct Line: Decodable {
            var id: String
            var revision: Int
        }
        let decoder = SkimmingJSONDecoder()
        var found: Set<String> = []
        // The first line may be cut by the offset: it fails to decode and is skipped.
        for line in data.split(separator: UInt8(ascii: "\n")) {
            if let record = try? decoder.decode(Line.self, from: line) { found.insert("\(record.id)#\(record.revision)") }
        }
        return found
    }
}
