import Foundation
import Testing
import VigieTestSupport

/// The `vigie` binary itself, killed and restarted.
@Suite("Crash recovery", .serialized)
struct CrashRecoveryTests {
    /// The demo walk's alerts that are told: sixteen raised, five only recorded on their
    /// cases (LE JULES VERNE's failure, which BODACC tells; PASARGAD's weakening and overdue
    /// during its receivership). The log also gets the notice that PASARGAD's weakening case
    /// goes on in its receivership's case; the webhook route does not follow cases.
    static let told = 10
    static let logged = 11

    static var binary: String { RepositoryData.repositoryRoot.appendingPathComponent(".build/debug/vigie").path }

    static func start(config: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run", "--config", config, "--log-level", "error"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func lines(_ path: String) -> Int {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test("killed with SIGKILL while the receiver is down, restarted with it up: every alert arrives, none twice")
    func sigkillMidDispatch() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build vigie first (scripts/test does)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-crash-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        // A port with nobody listening, that the receiver will take later, and that no other
        // test's server can be given meanwhile.
        let port = try LoopbackPort.outsideEphemeralRange()
        let repository = RepositoryData.repositoryRoot.path
        let config = folder.appendingPathComponent("vigie.yaml").path
        try """
            state_dir: \(folder.path)/state
            watchlists: [\(repository)/watchlists]
            interval: 200ms
            http:
              listen: 127.0.0.1:0
            providers:
              fixture:
                scenario: \(repository)/scenarios/demo
            channels:
              terminal:
                enabled: false
              signed:
                type: webhook
                url: http://127.0.0.1:\(port)/hook
                secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
            delivery:
              probe_interval: 200ms
              max_probe_interval: 1s
              retry:
                base_delay: 100ms
                max_delay: 500ms
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let log = "\(folder.path)/state/alerts.jsonl"

        let first = try Self.start(config: config)
        // Generous deadlines, left as soon as the condition holds: a loaded machine only makes
        // the test slower. While the receiver is down, the channel is probed, not hammered:
        // no delivery spends its attempts, so none is dead-lettered however long this takes.
        let deadline = Date().addingTimeInterval(180)
        while Self.lines(log) < Self.logged, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        try await Task.sleep(for: .milliseconds(500))
        kill(first.processIdentifier, SIGKILL)
        #expect(Self.lines(log) == Self.logged, "the whole scenario was walked before the kill")

        let receiver = try WebhookReceiver(port: port)
        let second = try Self.start(config: config)
        var ids: [String] = []
        let until = Date().addingTimeInterval(180)
        while Date() < until {
            ids = try await receiver.requests().compactMap { $0.headers["webhook-id"] }
            if Set(ids).count >= Self.told { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .milliseconds(500))
        kill(second.processIdentifier, SIGTERM)
        ids = try await receiver.requests().compactMap { $0.headers["webhook-id"] }
        #expect(Set(ids).count == Self.told, "every alert arrived")
        #expect(ids.count == Self.told, "none twice: \(ids.count) requests")
        #expect(Self.lines(log) == Self.logged, "the log channel did not repeat itself either")
    }
}
