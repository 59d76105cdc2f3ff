import Foundation
import VigieCore

/// Appends each alert to a JSON-lines file: what on-call engineers grep and ship to their
/// log pipeline. Each line is written with one `write(2)` on a file opened in append mode,
/// so concurrent writers never interleave within a line.
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
    let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public func deliver(_ alert: Alert) async throws {
        let line = AlertRecord(alert).jsonLine() + "\n"
        let folder = (configuration.path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let descriptor = open(configuration.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot open the alert log \(configuration.path): \(String(cString: strerror(errno))); check channels.log.path")
        }
        defer { close(descriptor) }
        let written = line.utf8CString.withUnsafeBufferPointer { buffer in
            write(descriptor, buffer.baseAddress, buffer.count - 1)
        }
        guard written == line.utf8.count else {
            throw Failure(description: "cannot write the alert log \(configuration.path): \(String(cString: strerror(errno)))")
        }
    }
}
