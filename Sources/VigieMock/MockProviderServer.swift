import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import VigieCore
import VigieProviders

/// `vigie mock-provider`: Creditsafe Connect's API served from a scenario folder (the fixture
/// provider's format), with faults on demand, so adapters are exercised over real HTTP and a
/// user can try Vigie end to end without an account.
///
/// Routes: under `/creditsafe`, `POST /authenticate`, `GET /companies?regNo=`, `GET
/// /companies/{connectId}`; under `/bodacc/api/explore/v2.1/catalog/datasets/annonces-commerciales`,
/// `GET /records` (with `where` on `dateparution`, `limit` ≤ 100, `offset`, and the 10 000 ceiling
/// on `offset + limit`) and `GET /exports/json`. The BODACC notices are those of the scenario's
/// steps up to the current one, plus any generated with `bulkNotices`. Control: `POST
/// /_mock/advance` moves to the scenario's next step, `GET /_mock/stats` counts what was served.
public struct MockProviderServer: Service {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 lets the system choose; the chosen port is reported through `onReady`.
        public var port = 0
        public var scenario: URL
        public var username = "demo"
        public var password = "demo"
        /// A token stops working after this many API requests (0: never), to exercise renewal.
        public var tokenRequests = 0
        /// Every Nth API request fails with a 500 (0: never).
        public var failEvery = 0
        /// Every Nth API request is refused with 429 and `Retry-After: 1` (0: never).
        public var throttleEvery = 0
        /// Every Nth report is cut in the middle of its JSON (0: never).
        public var malformedEvery = 0
        /// Every Nth report is an empty 200 (0: never).
        public var emptyEvery = 0
        /// Every Nth report is 10 MB of padding around the report (0: never).
        public var hugeEvery = 0
        /// Added before every answer.
        public var latency: Duration = .zero
        /// Generated collective-procedure notices published on one day, for paging past 10 000.
        public var bulkNotices: (day: CalendarDay, count: Int)?

        public init(scenario: URL) {
            self.scenario = scenario
        }
    }

    let configuration: Configuration
    let state: MockState
    let logger: Logger
    let onReady: @Sendable (Int) async -> Void

    /// - Parameter onReady: called with the port once the server listens.
    public init(configuration: Configuration, logger: Logger = Logger(label: "vigie.mock"), onReady: @escaping @Sendable (Int) async -> Void = { _ in }) throws {
        self.configuration = configuration
        self.state = MockState(steps: try MockState.load(configuration.scenario), notices: try MockState.loadNotices(configuration.scenario, bulk: configuration.bulkNotices))
        self.logger = logger
        self.onReady = onReady
    }

    /// Serves until the task is cancelled or the service group shuts down.
    public func run() async throws {
        let onReady = self.onReady
        let router = Router()
        let configuration = self.configuration, state = self.state
        router.post("/creditsafe/authenticate") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            struct Credentials: Decodable { var username: String; var password: String }
            guard let credentials = try? JSONDecoder().decode(Credentials.self, from: Data(buffer: body)),
                  credentials.username == configuration.username, credentials.password == configuration.password else {
                return Self.json(#"{"message": "Invalid credentials"}"#, status: .unauthorized)
            }
            return Self.json(#"{"token": "\#(await state.issueToken())"}"#)
        }
        router.get("/creditsafe/companies") { request, _ -> Response in
            if let refusal = await Self.gate(request, state, configuration) { return refusal }
            let registration = request.uri.queryParameters.get("regNo") ?? ""
            guard let id = await state.connectID(registration) else { return Self.json(#"{"totalSize": 0, "companies": []}"#) }
            return Self.json(#"{"totalSize": 1, "companies": [{"id": "\#(id)", "country": "FR", "regNo": "\#(registration)"}]}"#)
        }
        router.get("/creditsafe/companies/:id") { request, context -> Response in
            if let refusal = await Self.gate(request, state, configuration) { return refusal }
            guard let report = await state.report(context.parameters.get("id") ?? "") else {
                return Self.json(#"{"message": "Company not found"}"#, status: .notFound)
            }
            let served = await state.count("reports")
            if configuration.malformedEvery > 0, served % configuration.malformedEvery == 0 {
                return Self.json(String(decoding: report.prefix(report.count / 2), as: UTF8.self))
            }
            if configuration.emptyEvery > 0, served % configuration.emptyEvery == 0 {
                return Self.json("")
            }
            if configuration.hugeEvery > 0, served % configuration.hugeEvery == 0 {
                return Self.json(String(repeating: " ", count: 10 << 20) + String(decoding: report, as: UTF8.self))
            }
            return Self.json(String(decoding: report, as: UTF8.self))
        }
        let bodacc = "/bodacc/api/explore/v2.1/catalog/datasets/annonces-commerciales"
        router.get("\(bodacc)/records") { request, _ -> Response in
            if configuration.latency > .zero { try? await Task.sleep(for: configuration.latency) }
            let parameters = request.uri.queryParameters
            let limit = parameters.get("limit").flatMap(Int.init) ?? 10
            let offset = parameters.get("offset").flatMap(Int.init) ?? 0
            guard limit <= 100 else { return Self.json(#"{"error_code": "InvalidRESTParameterError", "message": "Invalid value for limit: must be <= 100"}"#, status: .badRequest) }
            guard offset + limit <= 10_000 else {
                return Self.json(#"{"error_code": "InvalidRESTParameterError", "message": "Invalid value for offset + limit: must be <= 10000"}"#, status: .badRequest)
            }
            let matching = await state.notices(where: parameters.get("where") ?? "")
            let page = matching.dropFirst(offset).prefix(limit)
            return Self.json(#"{"total_count": \#(matching.count), "results": ["# + page.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]}")
        }
        router.get("\(bodacc)/exports/json") { request, _ -> Response in
            let matching = await state.notices(where: request.uri.queryParameters.get("where") ?? "")
            return Self.json("[" + matching.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]")
        }
        router.post("/_mock/advance") { _, _ -> Response in
            Self.json(#"{"step": \#(await state.advance())}"#)
        }
        router.get("/_mock/stats") { _, _ -> Response in
            Self.json(await state.statsJSON())
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await app.run()
    }

    /// Latency, expired tokens, throttling and failures, in that order, before an API answer.
    static func gate(_ request: Request, _ state: MockState, _ configuration: Configuration) async -> Response? {
        if configuration.latency > .zero { try? await Task.sleep(for: configuration.latency) }
        let token = request.headers[.authorization].map { String($0.dropFirst("Bearer ".count)) } ?? ""
        guard await state.use(token: token, limit: configuration.tokenRequests) else {
            return json(#"{"message": "Token expired"}"#, status: .unauthorized)
        }
        let served = await state.count("api")
        if configuration.throttleEvery > 0, served % configuration.throttleEvery == 0 {
            return Response(status: .tooManyRequests, headers: [.retryAfter: "1", .contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"message": "Too many requests"}"#)))
        }
        if configuration.failEvery > 0, served % configuration.failEvery == 0 {
            return Response(status: .internalServerError, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<html><body>502 Bad Gateway</body></html>")))
        }
        return nil
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// What the mock serves and counts.
actor MockState {
    /// Per step, each company's report by its `connectId`.
    let steps: [[String: Data]]
    /// BODACC records: the step that publishes them (0 for generated ones), their day, their JSON.
    let bodacc: [(step: Int, day: String, record: Data)]
    private var step = 0
    private var tokens: [String: Int] = [:]
    private var counters: [String: Int] = [:]

    init(steps: [[String: Data]], notices: [(step: Int, day: String, record: Data)]) {
        self.steps = steps
        self.bodacc = notices
    }

    /// The records of the scenario's `bodacc.json` files, and `bulk` generated ones.
    static func loadNotices(_ folder: URL, bulk: (day: CalendarDay, count: Int)?) throws -> [(step: Int, day: String, record: Data)] {
        let scenario = try FixtureScenario(folder: folder)
        var notices: [(step: Int, day: String, record: Data)] = []
        for (index, step) in scenario.steps.enumerated() {
            let file = step.folder.appendingPathComponent("bodacc.json")
            guard let data = try? Data(contentsOf: file), let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let records = object["results"] as? [[String: Any]] else { continue }
            for record in records {
                notices.append((index, record["dateparution"] as? String ?? "", try JSONSerialization.data(withJSONObject: record)))
            }
        }
        if let bulk {
            for number in 1...max(1, bulk.count) {
                let record: [String: Any] = [
                    "id": "A\(bulk.day.compact)\(number)", "publicationavis": "A", "dateparution": bulk.day.iso, "numeroannonce": number,
                    "typeavis": "annonce", "familleavis": "collective", "registre": NSNull(), "commercant": "GENERATED \(number)",
                    "jugement": #"{"type": "initial", "famille": "Jugement d'ouverture", "nature": "Jugement d'ouverture de liquidation judiciaire"}"#,
                ]
                notices.append((0, bulk.day.iso, try JSONSerialization.data(withJSONObject: record)))
            }
        }
        return notices
    }

    /// Records published so far whose day falls in the `where` clause's `dateparution` bounds.
    func notices(where clause: String) -> [Data] {
        let lower = Self.bound(in: clause, after: "dateparution>=date'")
        let upper = Self.bound(in: clause, after: "dateparution<=date'")
        counters["bodacc", default: 0] += 1
        let current = step
        return bodacc.filter { notice in
            notice.step <= current && (lower.map { notice.day >= $0 } ?? true) && (upper.map { notice.day <= $0 } ?? true)
        }.map(\.record)
    }

    static func bound(in clause: String, after marker: String) -> String? {
        guard let range = clause.range(of: marker) else { return nil }
        return String(clause[range.upperBound...].prefix(10))
    }

    /// Each step's reports by connectId. The id is read from the report's `companyId` without
    /// decoding the rest, so a 100 000-company scenario loads in seconds.
    static func load(_ folder: URL) throws -> [[String: Data]] {
        let scenario = try FixtureScenario(folder: folder)
        return try scenario.steps.map { step in
            var reports: [String: Data] = [:]
            for body in try scenario.reportBodies(in: step) {
                guard let id = companyID(in: body) else { continue }
                reports[id] = body
            }
            return reports
        }
    }

    /// `FR-X-<SIREN>` from the first `"companyId"` of a report (the top-level one comes first).
    static func companyID(in body: Data) -> String? {
        let marker = Array(#""companyId""#.utf8)
        guard let start = body.firstRange(of: marker)?.upperBound else { return nil }
        guard let open = body[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        guard let close = body[(open + 1)...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        let value = String(decoding: body[(open + 1)..<close], as: UTF8.self)
        guard let registration = value.split(separator: "-").last, let siren = try? CompanyIdentifier(String(registration)).siren else { return nil }
        return "FR-X-\(siren.digits)"
    }

    func issueToken() -> String {
        let token = "mock-\(UUID().uuidString)"
        tokens[token] = 0
        counters["tokens", default: 0] += 1
        return token
    }

    /// Counts a use of the token; false when it is unknown or used up.
    func use(token: String, limit: Int) -> Bool {
        guard let uses = tokens[token] else { return false }
        if limit > 0, uses >= limit { return false }
        tokens[token] = uses + 1
        return true
    }

    func count(_ counter: String) -> Int {
        counters[counter, default: 0] += 1
        return counters[counter]!
    }

    func connectID(_ registration: String) -> String? {
        guard let siren = try? CompanyIdentifier(registration).siren else { return nil }
        let id = "FR-X-\(siren.digits)"
        return steps.indices.contains(step) && steps[step][id] != nil ? id : nil
    }

    func report(_ id: String) -> Data? {
        steps.indices.contains(step) ? steps[step][id] : nil
    }

    func advance() -> Int {
        step = min(step + 1, steps.count - 1)
        return step
    }

    func statsJSON() -> String {
        let entries = counters.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
        return "{\"step\": \(step), " + entries.joined(separator: ", ") + "}"
    }
}
