import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import VigieCore

/// What `vigie run` and `vigie serve` answer over HTTP: `GET /healthz` (liveness: the poller is
/// not stuck) and `GET /readyz` (readiness: the store answers), each 200 or 503 with a small
/// JSON body saying why, needing no token and showing no secret; and the API under `/api/v1`.
public struct HealthServer: Service {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 lets the system choose; the chosen port is reported through `onReady`.
        public var port: Int
        public var interval: Duration
        /// How long readiness waits for the store before it says unready.
        public var readinessTimeout: Duration

        public init(host: String, port: Int, interval: Duration, readinessTimeout: Duration = .seconds(5)) {
            self.host = host
            self.port = port
            self.interval = interval
            self.readinessTimeout = readinessTimeout
        }
    }

    let configuration: Configuration
    /// The poller's; nil where none runs (`vigie serve`): alive is then the process answering.
    let heartbeat: PollerHeartbeat?
    let clock: any WallClock
    /// Throws when the store does not answer.
    let ready: @Sendable () async throws -> Void
    let onReady: @Sendable (Int) async -> Void
    let api: API?
    /// The Prometheus text at `/metrics`, when metrics are kept.
    let metrics: (@Sendable () async throws -> String)?
    let logger: Logger

    public init(
        configuration: Configuration, heartbeat: PollerHeartbeat?, clock: any WallClock, ready: @escaping @Sendable () async throws -> Void,
        api: API? = nil, metrics: (@Sendable () async throws -> String)? = nil, onReady: @escaping @Sendable (Int) async -> Void = { _ in }, logger: Logger
    ) {
        self.api = api
        self.metrics = metrics
        self.configuration = configuration
        self.heartbeat = heartbeat
        self.clock = clock
        self.ready = ready
        self.onReady = onReady
        self.logger = logger
    }

    public func run() async throws {
        let (configuration, heartbeat, clock, ready, onReady) = (configuration, heartbeat, clock, ready, onReady)
        let router = Hummingbird.Router()
        if let api {
            api.register(on: router)
            Dashboard(api: api).register(on: router)
        }
        if let metrics {
            let logger = logger
            router.get("/metrics") { _, _ -> Response in
                do {
                    let text = try await metrics()
                    return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
                } catch {
                    logger.error("metrics.failed", metadata: ["error": "\(error)"])
                    return Self.json(["status": "unavailable", "reason": "the store does not answer"], status: .serviceUnavailable)
                }
            }
        }
        router.get("/healthz") { _, _ -> Response in
            switch heartbeat?.health.verdict(now: clock.now, interval: configuration.interval) ?? .alive {
            case .alive: Self.json(["status": "ok"])
            case .stuck(let reason): Self.json(["status": "stuck", "reason": reason], status: .serviceUnavailable)
            }
        }
        router.get("/readyz") { _, _ -> Response in
            do {
                try await Self.within(configuration.readinessTimeout, ready)
                if let reason = heartbeat?.health.unreadiness(now: clock.now, interval: configuration.interval) {
                    return Self.json(["status": "unready", "reason": reason], status: .serviceUnavailable)
                }
                return Self.json(["status": "ready"])
            } catch {
                return Self.json(["status": "unready", "reason": "the store does not answer: \(error)"], status: .serviceUnavailable)
            }
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        do {
            try await app.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE || error.errnoCode == EACCES || error.errnoCode == EADDRNOTAVAIL {
            throw ListenFailure(host: configuration.host, port: configuration.port, reason: String(cString: strerror(error.errnoCode)))
        }
    }

    /// The address in `http.listen` cannot be taken: what, and how to fix it.
    public struct ListenFailure: Error, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var reason: String
        public var description: String {
            "cannot listen on \(host):\(port) (http.listen in vigie.yaml): \(reason.lowercased()); another process may hold the port: set http.listen to a free one, or http: false"
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var limit: Duration
        var description: String { "no answer within \(limit)" }
    }

    static func within(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw TimedOut(limit: limit)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    static func json(_ fields: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
