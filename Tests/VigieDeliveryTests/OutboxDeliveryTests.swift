import Foundation
import Logging
import Testing
import VigieCore
import VigieDelivery
import VigieRuntime
import VigieStore
import VigieTestSupport
import VigieTransport

@Suite("Delivering from the outbox over real HTTP")
struct OutboxDeliveryTests {
    static func setUp(channel: (CurlTransport) throws -> any AlertChannel, alerts: [Alert] = [Fixtures.alert()], logger: Logger = Logger(label: "test"), retry: (inout RetryPolicy.Configuration) -> Void = { _ in })
        throws -> (SQLiteWatchStore, OutboxDispatcher, CurlTransport, [Alert]) {
        let store = try SQLiteWatchStore(configuration: .init(path: nil))
        let transport = CurlTransport()
        let channel = try channel(transport)
        var configuration = OutboxDispatcher.Configuration()
        configuration.retry.baseDelay = .milliseconds(100)
        configuration.retry.maxDelay = .milliseconds(300)
        configuration.breaker = CircuitBreaker.Configuration(threshold: 3, cooldown: .milliseconds(100), maxCooldown: .milliseconds(300))
        retry(&configuration.retry)
        let dispatcher = OutboxDispatcher(configuration: configuration, store: store, channels: [channel], clock: SystemWallClock(), logger: logger)
        return (store, dispatcher, transport, alerts)
    }

    static func commit(_ alerts: [Alert], to store: SQLiteWatchStore, channel: String) async throws {
        _ = try await store.commit(CycleCommit(snapshots: [], observations: [], alertChanges: alerts.map { .raised($0) }, notices: [], cursors: [:], router: Router(always: [channel]), at: Date()))
    }

    /// Drains until nothing is pending, or the deadline passes.
    static func deliverAll(_ dispatcher: OutboxDispatcher, within seconds: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            _ = try await dispatcher.drain()
            guard let due = try await dispatcher.nextDue() else { return }
            try await Task.sleep(for: .milliseconds(Int64(max(10, min(500, due.timeIntervalSinceNow * 1000)))))
        }
    }

    static func webhook(_ url: String, secret: String = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") -> (CurlTransport) throws -> any AlertChannel {
        { transport in WebhookChannel(configuration: .init(name: "hook", url: url), format: try StandardWebhookFormat(secret: secret), transport: transport) }
    }

    @Test("500 five times then 200: delivered once, six attempts recorded")
    func fiveFailuresThenSuccess() async throws {
        let receiver = try WebhookReceiver()
        try await receiver.plan(Array(repeating: ["status": 500, "body": "boom"], count: 5))
        let (store, dispatcher, transport, alerts) = try Self.setUp(channel: Self.webhook(receiver.url))
        defer { transport.shutdown() }
        try await Self.commit(alerts, to: store, channel: "hook")
        try await Self.deliverAll(dispatcher)
        let requests = try await receiver.requests()
        #expect(requests.count == 6)
        #expect(Set(requests.map { $0.headers["webhook-id"] }) == [alerts[0].id], "the same webhook-id on every attempt")
        let history = try await store.deliveries(alertID: alerts[0].id)
        #expect(history.first?.status == .delivered)
        #expect(history.first?.attempts.map(\.outcome) == [.failed, .failed, .failed, .failed, .failed, .delivered])
        #expect(history.first?.attempts.prefix(5).allSatisfy { $0.httpStatus == 500 } == true)
    }

    @Test("429 with Retry-After: 2: no attempt sooner than two seconds later")
    func retryAfter() async throws {
        let receiver = try WebhookReceiver()
        try await receiver.plan([["status": 429, "headers": ["Retry-After": "2"], "body": "slow down"]])
        let (store, dispatcher, transport, alerts) = try Self.setUp(channel: Self.webhook(receiver.url))
        defer { transport.shutdown() }
        try await Self.commit(alerts, to: store, channel: "hook")
        try await Self.deliverAll(dispatcher)
        let times = try await receiver.requests().map(\.time)
        #expect(times.count == 2)
        #expect(times[1] - times[0] >= 2.0, "second attempt after \(times[1] - times[0]) s")
    }

    @Test("a 404 is permanent: dead-lettered after one attempt, listed, and redelivered on demand")
    func deadLetter() async throws {
        let receiver = try WebhookReceiver()
        try await receiver.plan([["status": 404, "body": "no_service"]])
        let (store, dispatcher, transport, alerts) = try Self.setUp(channel: Self.webhook(receiver.url))
        defer { transport.shutdown() }
        try await Self.commit(alerts, to: store, channel: "hook")
        let report = try await dispatcher.drain()
        #expect(report == OutboxDispatcher.Report(dead: 1))
        #expect(try await store.deadDeliveries().first?.deadReason?.contains("HTTP 404: no_service") == true)
        #expect(try await store.redeliver(alertID: alerts[0].id, at: Date()) == 1)
        #expect(try await dispatcher.drain() == OutboxDispatcher.Report(delivered: 1))
        #expect(try await receiver.requests().count == 2)
    }

    @Test("a delivery its channel gives up on goes to the fallback channel", arguments: StoreUnderTest.allCases)
    func fallback(store kind: StoreUnderTest) async throws {
        let dead = try WebhookReceiver()
        try await dead.plan([], fallback: ["status": 410, "body": "gone"])
        let backup = try WebhookReceiver()
        let store = try await kind.make()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let channels: [any AlertChannel] = [
            WebhookChannel(configuration: .init(name: "primary", url: dead.url), format: SlackFormat(), transport: transport),
            WebhookChannel(configuration: .init(name: "backup", url: backup.url), format: MattermostFormat(), transport: transport),
        ]
        let alert = Fixtures.alert()
        _ = try await store.commit(CycleCommit(snapshots: [], observations: [], alertChanges: [.raised(alert)], notices: [], cursors: [:],
                                               router: Router(always: [], defaultChannels: ["primary"], fallback: "backup"), at: Date()))
        var configuration = OutboxDispatcher.Configuration()
        configuration.fallback = "backup"
        let dispatcher = OutboxDispatcher(configuration: configuration, store: store, channels: channels, clock: SystemWallClock(), logger: Logger(label: "test"))
        _ = try await dispatcher.drain()
        _ = try await dispatcher.drain()
        #expect(try await backup.requests().count == 1)
        #expect(try await store.deliveries(alertID: alert.id).map { "\($0.channel):\($0.status)" } == ["primary:dead", "backup:delivered"])
    }

    @Test("no secret appears in logs, recorded errors or the delivery history", arguments: StoreUnderTest.allCases)
    func noSecretLeaks(store kind: StoreUnderTest) async throws {
        let receiver = try WebhookReceiver()
        try await receiver.plan([], fallback: ["status": 500, "body": "internal error"])
        let log = RecordingLogHandler()
        let secret = "whsec_" + Data("a-very-private-signing-key".utf8).base64EncodedString()
        let teamsURL = "http://127.0.0.1:\(receiver.server.port)/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=TEAMS-SIG-TOKEN-123"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-mail-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let smtp = try TestServer(script: "smtp_server.py", arguments: [folder.path, "--auth", "vigie:right-password"])
        let store = try await kind.make()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let channels: [any AlertChannel] = [
            WebhookChannel(configuration: .init(name: "signed", url: receiver.url), format: try StandardWebhookFormat(secret: secret), transport: transport),
            WebhookChannel(configuration: .init(name: "teams", url: teamsURL), format: TeamsFormat(), transport: transport),
            WebhookChannel(configuration: .init(name: "down", url: "http://user:URL-PASSWORD@127.0.0.1:9/hooks/SECRET-PATH"), format: SlackFormat(), transport: transport),
            EmailChannel(configuration: .init(name: "mail", relay: SMTPRelay(host: "127.0.0.1", port: smtp.port, security: .plain, username: "vigie", password: "SMTP-PASSWORD-456"), from: "vigie@example.fr", to: ["credit@example.fr"]), transport: transport),
        ]
        let alert = Fixtures.alert()
        _ = try await store.commit(CycleCommit(snapshots: [], observations: [], alertChanges: [.raised(alert)], notices: [], cursors: [:], router: Router(always: channels.map(\.name)), at: Date()))
        let dispatcher = OutboxDispatcher(store: store, channels: channels, clock: SystemWallClock(), logger: log.logger())
        _ = try await dispatcher.drain()
        let history = try await store.deliveries(alertID: alert.id)
        #expect(history.count == 4)
        #expect(history.allSatisfy { $0.status != .delivered }, "every channel failed")
        let recorded = log.recorded.joined(separator: "\n") + history.flatMap { $0.attempts.compactMap(\.error) + [$0.deadReason ?? ""] }.joined(separator: "\n")
        #expect(!recorded.isEmpty)
        for leak in ["a-very-private", secret, "TEAMS-SIG-TOKEN-123", "sig=", "URL-PASSWORD", "SECRET-PATH", "SMTP-PASSWORD-456", "/workflows/"] {
            #expect(!recorded.contains(leak), "\(leak) leaked")
        }
    }
}

@Suite("Secrets in what receivers answer")
struct EchoedSecretTests {
    @Test("a receiver echoing the request path puts no token into attempts, dead letters or logs", arguments: StoreUnderTest.allCases)
    func echoedPath(store kind: StoreUnderTest) async throws {
        let receiver = try WebhookReceiver()
        try await receiver.plan([], fallback: ["status": 404, "body": "no_such_hook: POST {path} not found"])
        let slackURL = "http://127.0.0.1:\(receiver.server.port)/services/T0001/B0002/SLACKTOKENxyz123?x=QUERY-SECRET"
        let log = RecordingLogHandler()
        let store = try await kind.make()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let channel = WebhookChannel(configuration: .init(name: "slack", url: slackURL), format: SlackFormat(), transport: transport)
        let alert = Fixtures.alert()
        _ = try await store.commit(CycleCommit(snapshots: [], observations: [], alertChanges: [.raised(alert)], notices: [], cursors: [:], router: Router(always: ["slack"]), at: Date()))
        _ = try await OutboxDispatcher(store: store, channels: [channel], clock: SystemWallClock(), logger: log.logger()).drain()
        let dead = try await store.deadDeliveries()
        let stored = dead.compactMap(\.deadReason) + (try await store.deliveries(alertID: alert.id)).flatMap { $0.attempts.compactMap(\.error) }
        #expect(stored.contains { $0.contains("[redacted]") }, "\(stored)")
        for leak in ["SLACKTOKENxyz123", "T0001/B0002", "QUERY-SECRET"] {
            #expect(!(stored + log.recorded).joined().contains(leak), "\(leak) leaked")
        }
    }
}

@Suite("The alert log")
struct AlertLogTests {
    @Test("one line per alert revision, even when a restarted process delivers again what the crashed one wrote")
    func noDuplicateAfterRestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-log-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("alerts.jsonl").path
        let alert = Fixtures.alert()
        try await LogChannel(configuration: .init(path: path)).deliver(alert)
        // The process died before the outbox recorded the delivery: a new one delivers it again.
        let restarted = LogChannel(configuration: .init(path: path))
        try await restarted.deliver(alert)
        var revised = alert
        revised.revision = 2
        try await restarted.deliver(revised)
        try await restarted.deliver(revised)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
    }
}
