import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import VigieCore
import VigieRuntime
import VigieTestSupport
import VigieTransport

@Suite("Health: /healthz and /readyz")
struct HealthTests {
    static let start = Date(timeIntervalSince1970: 1_770_000_000)

    @Test("ready while the last cycle ended within twice the interval; unready when it is older, before a first one for as long, or while draining")
    func readiness() {
        let interval = Duration.seconds(900)
        var health = PollerHealth(startedAt: Self.start)
        #expect(health.unreadiness(now: Self.start.addingTimeInterval(600), interval: interval) == nil)
        #expect(health.unreadiness(now: Self.start.addingTimeInterval(1_900), interval: interval)?.hasPrefix("no cycle has ended") == true)
        health.cycleStarted(at: Self.start.addingTimeInterval(10))
        health.cycleEnded(at: Self.start.addingTimeInterval(1_000), failed: false)
        #expect(health.unreadiness(now: Self.start.addingTimeInterval(2_500), interval: interval) == nil)
        #expect(health.unreadiness(now: Self.start.addingTimeInterval(2_900), interval: interval)?.hasPrefix("the last cycle ended 1900 s ago") == true)
        health.cycleEnded(at: Self.start.addingTimeInterval(2_900), failed: false)
        health.drain()
        #expect(health.unreadiness(now: Self.start.addingTimeInterval(2_901), interval: interval)?.hasPrefix("draining") == true)
    }

    @Test("the poller is alive while it cycles and waits on time; stuck when a cycle overruns or none starts; a failed cycle is not stuck")
    func verdicts() {
        let interval = Duration.seconds(900)
        var health = PollerHealth(startedAt: Self.start)
        #expect(health.verdict(now: Self.start.addingTimeInterval(60), interval: interval) == .alive, "starting")
        #expect(health.verdict(now: Self.start.addingTimeInterval(1_600), interval: interval) != .alive, "no first cycle for 1 600 s")
        health.cycleStarted(at: Self.start.addingTimeInterval(10))
        #expect(health.verdict(now: Self.start.addingTimeInterval(1_400), interval: interval) == .alive, "a long cycle, within interval + patience")
        guard case .stuck(let reason) = health.verdict(now: Self.start.addingTimeInterval(1_600), interval: interval) else {
            Issue.record("a cycle running 1 590 s is not stuck")
            return
        }
        #expect(reason.contains("has not ended"))
        health.cycleEnded(at: Self.start.addingTimeInterval(100), failed: true)
        #expect(health.verdict(now: Self.start.addingTimeInterval(900), interval: interval) == .alive, "a failed cycle, then the wait")
        #expect(health.verdict(now: Self.start.addingTimeInterval(1_700), interval: interval) != .alive, "no cycle since 1 600 s")
    }

    /// Runs a health server on a free loopback port for `body`.
    static func serving(
        heartbeat: PollerHeartbeat, clock: ManualWallClock, ready: @escaping @Sendable () async throws -> Void,
        _ body: (String) async throws -> Void
    ) async throws {
        let port = Mutex(0)
        let server = HealthServer(
            configuration: .init(host: "127.0.0.1", port: 0, interval: .seconds(900), readinessTimeout: .milliseconds(300)),
            heartbeat: heartbeat, clock: clock, ready: ready, onReady: { chosen in port.withLock { $0 = chosen } }, logger: Logger(label: "test")
        )
        let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
            try await body("http://127.0.0.1:\(port.withLock { $0 })")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func get(_ url: String) async throws -> (Int, [String: String]) {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let response = try await transport.send(HTTPRequest(method: "GET", url: url))
        let body = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: String] ?? [:]
        return (response.status, body)
    }

    @Test("over HTTP: 200 while alive and the store answers; 503 with the reason when the poller is stuck, the store fails or hangs")
    func overHTTP() async throws {
        let clock = ManualWallClock(Self.start)
        let heartbeat = PollerHeartbeat(startedAt: Self.start)
        let failing = Mutex<String?>(nil)
        let hanging = Mutex(false)
        try await Self.serving(heartbeat: heartbeat, clock: clock, ready: {
            if hanging.withLock({ $0 }) { try await Task.sleep(for: .seconds(30)) }
            if let message = failing.withLock({ $0 }) { throw StoreFailure(description: message) }
        }) { base in
            var (status, body) = try await Self.get(base + "/healthz")
            #expect(status == 200 && body["status"] == "ok")
            (status, body) = try await Self.get(base + "/readyz")
            #expect(status == 200 && body["status"] == "ready")

            clock.advance(by: 2_000)
            (status, body) = try await Self.get(base + "/healthz")
            #expect(status == 503 && body["status"] == "stuck")
            #expect(body["reason"]?.contains("no cycle has started") == true)

            failing.withLock { $0 = "cannot open the store at postgres://vigie@db:5432/vigie: connection refused" }
            (status, body) = try await Self.get(base + "/readyz")
            #expect(status == 503 && body["reason"]?.contains("connection refused") == true)
            failing.withLock { $0 = nil }
            hanging.withLock { $0 = true }
            (status, body) = try await Self.get(base + "/readyz")
            #expect(status == 503 && body["reason"]?.contains("no answer within") == true)
            (status, _) = try await Self.get(base + "/nothing-here")
            #expect(status == 404)
        }
    }
}

@Suite("vigie run when its HTTP port is taken")
struct ListenFailureTests {
    @Test("the health server says which address and what to do, and the poller and dispatcher stop with it instead of spinning", .timeLimit(.minutes(1)))
    func portTaken() async throws {
        let state = DemoWalkTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: state) }
        let holder = PollerHeartbeat(startedAt: HealthTests.start)
        try await HealthTests.serving(heartbeat: holder, clock: ManualWallClock(), ready: {}) { base in
            let port = Int(base.split(separator: ":").last!)!
            var configuration = DemoWalkTests.configuration(state: state)
            configuration.http = .init(host: "127.0.0.1", port: port)
            let application = try await VigieApplication(configuration: configuration, logger: Logger(label: "test"))
            defer { application.shutdown() }
            let health = try #require(application.healthService())
            let group = ServiceGroup(services: [application.pollerService(), application.dispatcherService(), health], logger: Logger(label: "test"))
            do {
                try await group.run()
                Issue.record("the group ran on a port already taken")
            } catch let failure as HealthServer.ListenFailure {
                #expect(failure.description == "cannot listen on 127.0.0.1:\(port) (http.listen in vigie.yaml): address already in use; another process may hold the port: set http.listen to a free one, or http: false")
            }
        }
    }
}
