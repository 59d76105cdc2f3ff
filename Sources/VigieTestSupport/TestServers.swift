import Foundation
import VigieTransport
#if canImport(Glibc)
import Glibc
#endif

/// A real server for tests, started from the Python scripts in `Tests/Support`, on a loopback
/// port it chose itself. Stopped when the value is released.
public final class TestServer: @unchecked Sendable {
    public let port: Int
    private let process: Process

    /// The Python that runs the helpers: `VIGIE_TEST_PYTHON` (set by `scripts/test` to a venv
    /// with `standardwebhooks`), else Debian's, which has `aiosmtpd`.
    public static var python: String {
        ProcessInfo.processInfo.environment["VIGIE_TEST_PYTHON"] ?? "/usr/bin/python3"
    }

    public static func script(_ name: String) -> String {
        RepositoryData.repositoryRoot.appendingPathComponent("Tests/Support/\(name)").path
    }

    /// Starts `script` with `arguments` and waits for the port it prints.
    public init(script: String, arguments: [String] = []) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Self.script(script)] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        while true {
            guard let byte = try output.fileHandleForReading.read(upToCount: 1)?.first else {
                throw TestServerError(message: "\(script) exited before printing its port")
            }
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            throw TestServerError(message: "\(script) printed \(String(decoding: line, as: UTF8.self)) instead of a port")
        }
        self.port = port
    }

    deinit {
        // SIGKILL, and no wait: Foundation's waitUntilExit can hang on Linux off the main run loop.
        kill(process.processIdentifier, SIGKILL)
    }

    /// Runs a helper script to completion with `input` on its standard input; returns its output.
    /// A script that exits non-zero throws, unless `allowFailure` (a checker whose output says
    /// what failed).
    public static func run(_ script: String, arguments: [String] = [], input: Data = Data(), allowFailure: Bool = false) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script(script)] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        // The pipes closed, so the script is ending; wait for its status without waitUntilExit.
        while process.isRunning { usleep(1_000) }
        guard process.terminationStatus == 0 || allowFailure else {
            throw TestServerError(message: "\(script) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return output
    }
}

public struct TestServerError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// The webhook receiver (`Tests/Support/receiver.py`): records requests, answers from a plan.
public final class WebhookReceiver: Sendable {
    public struct Request: Decodable, Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: String
        public var time: Double
    }

    public let server: TestServer
    private let control = CurlTransport(configuration: {
        var configuration = CurlTransport.Configuration()
        configuration.workers = 1
        return configuration
    }())

    /// Listens on `port`, or on one the system picks.
    public init(port: Int? = nil) throws {
        server = try TestServer(script: "receiver.py", arguments: port.map { [String($0)] } ?? [])
    }

    deinit {
        control.shutdown()
    }

    public var url: String { "http://127.0.0.1:\(server.port)/hook" }

    /// What the next requests get: `responses` once each, in order, then `fallback`.
    public func plan(_ responses: [[String: any Sendable]], fallback: [String: any Sendable] = ["status": 200, "body": "ok"]) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["responses": responses, "default": fallback])
        _ = try await control.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/_plan", body: Array(body)))
    }

    public func requests() async throws -> [Request] {
        let response = try await control.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/_requests"))
        return try JSONDecoder().decode([Request].self, from: Data(response.body))
    }
}

/// Loopback ports for a test that needs a port with nobody listening *now* and a server on it
/// *later* (a receiver that is down, then back).
///
/// A port the system picked and then released is the wrong choice: it sits in the kernel's
/// ephemeral range, so any other test's server started on port 0 meanwhile may be given it, and
/// receive the alerts meant for the receiver that is down (seen in CI: twelve stray deliveries in
/// one test, and the crash test's receiver unable to bind). A port below that range is never
/// handed out for port 0, so only a test that asks for it by number can take it.
public enum LoopbackPort {
    /// A free port below the ephemeral range, picked at random so concurrent runs rarely meet.
    public static func outsideEphemeralRange() throws -> Int {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))?
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) } ?? []
        let ephemeralStart = range.first ?? 32768
        let candidates = ephemeralStart > 11_000 ? 10_000..<ephemeralStart : 1_025..<ephemeralStart
        for _ in 0..<200 {
            let port = Int.random(in: candidates)
            if isFree(port) { return port }
        }
        throw TestServerError(message: "no free loopback port below \(ephemeralStart) after 200 tries")
    }

    /// Whether a listening socket can bind `port` on 127.0.0.1 right now.
    static func isFree(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
