import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import VigieCore
import VigieProviders

/// `vigie mock-provider`: the providers' APIs served from a scenario folder (the fixture
/// provider's format), with faults on demand, so adapters are exercised over real HTTP and a
/// user can try Vigie end to end without an account.
///
/// Routes:
/// - Creditsafe Connect under `/creditsafe`: `POST /authenticate`, `GET /companies?regNo=`,
///   `GET /companies/{connectId}`, from the steps' `creditsafe/` reports; and monitoring:
///   `GET|POST /monitoring/portfolios` (`data.portfolios`), `GET|POST /monitoring/portfolios/{id}/companies`,
///   `DELETE /monitoring/portfolios/{id}/companies/{connectId}`, `GET|PUT
///   /monitoring/portfolios/{id}/eventRules/FR` (all off in a new portfolio), `GET
///   /monitoring/notificationEvents` (an event per active rule for each portfolio company whose
///   report changes when the scenario advances, dated on the scenario's day; `filterByCreatedDate`);
///   a search by `regNo` lists the company's establishments, a closed branch before the head office;
/// - Ellisphère under `/ellisphere`: `POST /svcOnlineOrder`, from the steps' `ellisphere/*.xml`;
///   refusals (credentials, an unknown company, an order without its context) as `result code="ERR"`
///   with a message, in an HTTP 200;
/// - Pappers under `/pappers/v2`: `GET /entreprise?api_token=&siren=`, from the steps' `pappers/*.json`;
/// - Altares under `/altares`: `GET /entreprises/{siren}/score` (bearer key), from the steps'
///   `altares/*.json`, in Vigie's unverified shape (see `AltaresScoreDecoder`);
/// - BODACC under `/bodacc/api/explore/v2.1/catalog/datasets/annonces-commerciales`: `GET /records`
///   (`where` on `dateparution` bounds and `registre="…"`, `limit` ≤ 100, `offset`, the 10 000
///   ceiling on `offset + limit`), `GET /exports/json` and `GET /exports/jsonl`, from the steps' BODACC files up to the
///   current step, plus any generated with `bulkNotices`.
///
/// A company a provider has no report for is a 404. Control: `POST /_mock/advance` moves to the
/// scenario's next step, `POST /_mock/down` and `/_mock/up` take the providers down and back,
/// `GET /_mock/stats` counts what was served, `GET /_mock/reports` how often each company's report
/// was served at each step (as a histogram), `GET /_mock/report-times` when (seconds since start).
public struct MockProviderServer: Service {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 lets the system choose; the chosen port is reported through `onReady`.
        public var port = 0
        public var scenario: URL
        /// Creditsafe's username; the password is every provider's secret (Creditsafe's
        /// password, Ellisphère's, Pappers' API token, Altares' API key).
        public var username = "demo"
        public var password = "demo"
        /// A Creditsafe token stops working after this many API requests (0: never), to exercise renewal.
        public var tokenRequests = 0
        public var faults = Faults()
        /// Generated collective-procedure notices published on one day, for paging past 10 000.
        public var bulkNotices: (day: CalendarDay, count: Int)?
        /// Serves BODACC on the scenario's own calendar: its latest publication day so far is
        /// today (the wall clock's), so a live feed reading the last days sees the scenario.
        /// Off, notices keep the days they were written with (tests that set their own clock).
        public var bodaccOnToday = false

        public init(scenario: URL) {
            self.scenario = scenario
        }
    }

    /// Faults, counted per kind of request: "every Nth" is the Nth API request or the Nth report
    /// served, whichever provider it is for. 0 turns a fault off.
    public struct Faults: Sendable {
        /// Every Nth API request fails with a 500 and an HTML page.
        public var failEvery = 0
        /// Every Nth API request is refused with 429 and `Retry-After: 1`.
        public var throttleEvery = 0
        /// Every Nth report is cut in the middle.
        public var malformedEvery = 0
        /// Every Nth report is an empty 200.
        public var emptyEvery = 0
        /// Every Nth report is 10 MB of padding around the report.
        public var hugeEvery = 0
        /// Every Nth report is a 200 carrying an HTML maintenance page, as a proxy might send.
        public var htmlEvery = 0
        /// Every Nth API request waits `stall` before answering, to run past a client's timeout.
        public var stallEvery = 0
        public var stall: Duration = .seconds(5)
        /// Added before every answer.
        public var latency: Duration = .zero
        /// Every API request fails with a 503: the providers are down. `POST /_mock/down` and
        /// `POST /_mock/up` switch it while the mock runs.
        public var down = false

        public init() {}
    }

    let configuration: Configuration
    let state: MockState
    let logger: Logger
    let onReady: @Sendable (Int) async -> Void

    /// - Parameter onReady: called with the port once the server listens.
    public init(configuration: Configuration, logger: Logger = Logger(label: "vigie.mock"), onReady: @escaping @Sendable (Int) async -> Void = { _ in }) throws {
        self.configuration = configuration
        self.state = try MockState(folder: configuration.scenario, bulk: configuration.bulkNotices, down: configuration.faults.down)
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
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            return Self.json(await state.searchJSON(request.uri.queryParameters.get("regNo") ?? ""))
        }
        router.get("/creditsafe/companies/:id") { request, context -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            return await Self.report(await state.report(connectID: context.parameters.get("id") ?? ""), state, configuration.faults)
        }
        router.get("/creditsafe/monitoring/portfolios") { request, _ -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            let search: String? = request.uri.queryParameters.get("searchQuery")
            return Self.json(await state.portfoliosJSON(search: search))
        }
        router.get("/creditsafe/monitoring/portfolios/:portfolio/eventRules/:country") { request, context -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            guard context.parameters.get("country") == "FR", let rules = await state.eventRulesJSON(context.parameters.get("portfolio").flatMap(Int.init) ?? -1) else {
                return Self.json(#"{"message": "EventRule resource not found"}"#, status: .notFound)
            }
            return Self.json(rules)
        }
        router.put("/creditsafe/monitoring/portfolios/:portfolio/eventRules/:country") { request, context -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            let body = try await request.body.collect(upTo: 1 << 16)
            struct Update: Decodable { var ruleCode: Int; var isActive: Int }
            guard context.parameters.get("country") == "FR", let updates = try? JSONDecoder().decode([Update].self, from: Data(buffer: body)) else {
                return Self.json(#"{"message": "expected a list of {ruleCode, isActive} for FR"}"#, status: .badRequest)
            }
            switch await state.updateEventRules(context.parameters.get("portfolio").flatMap(Int.init) ?? -1, updates.map { ($0.ruleCode, $0.isActive == 1) }) {
            case nil: return Self.json(#"{"message": "Portfolio not found"}"#, status: .notFound)
            case let message? where !message.isEmpty: return Self.json(#"{"message": \#(MockState.quoted(message))}"#, status: .badRequest)
            default: return Response(status: .noContent)
            }
        }
        router.post("/creditsafe/monitoring/portfolios") { request, _ -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            let body = try await request.body.collect(upTo: 1 << 16)
            struct Create: Decodable { var name: String }
            guard let create = try? JSONDecoder().decode(Create.self, from: Data(buffer: body)) else {
                return Self.json(#"{"message": "name is required"}"#, status: .badRequest)
            }
            let id = await state.createPortfolio(name: create.name)
            return Self.json(#"{"correlationId": "mock", "portfolioId": \#(id), "name": \#(MockState.quoted(create.name)), "isDefault": false}"#)
        }
        router.get("/creditsafe/monitoring/portfolios/:portfolio/companies") { request, context -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            let parameters = request.uri.queryParameters
            guard let page = await state.portfolioCompaniesJSON(
                context.parameters.get("portfolio").flatMap(Int.init) ?? -1,
                page: parameters.get("page").flatMap(Int.init) ?? 0, size: parameters.get("pageSize").flatMap(Int.init) ?? 50
            ) else { return Self.json(#"{"message": "Portfolio not found"}"#, status: .notFound) }
            return Self.json(page)
        }
        router.post("/creditsafe/monitoring/portfolios/:portfolio/companies") { request, context -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            let body = try await request.body.collect(upTo: 1 << 16)
            struct Add: Decodable { var id: String }
            guard let add = try? JSONDecoder().decode(Add.self, from: Data(buffer: body)) else { return Self.json(#"{"message": "id is required"}"#, status: .badRequest) }
            guard await state.addToPortfolio(context.parameters.get("portfolio").flatMap(Int.init) ?? -1, connectID: add.id) else {
                return Self.json(#"{"message": "Portfolio not found"}"#, status: .notFound)
            }
            return Self.json(#"{"message": "Company added to portfolio"}"#)
        }
        router.delete("/creditsafe/monitoring/portfolios/:portfolio/companies/:company") { request, context -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            guard await state.removeFromPortfolio(context.parameters.get("portfolio").flatMap(Int.init) ?? -1, connectID: context.parameters.get("company") ?? "") else {
                return Self.json(#"{"message": "Company not found in portfolio"}"#, status: .notFound)
            }
            return Self.json(#"{"message": "Company removed from portfolio"}"#)
        }
        router.get("/creditsafe/monitoring/notificationEvents") { request, _ -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            let parameters = request.uri.queryParameters
            let since = parameters.get("startDate").flatMap { ISO8601DateFormatter().date(from: $0) } ?? .distantPast
            return Self.json(await state.eventsJSON(
                since: since, byCreatedDate: parameters.get("filterByCreatedDate") == "true",
                page: parameters.get("page").flatMap(Int.init) ?? 0, size: parameters.get("pageSize").flatMap(Int.init) ?? 50
            ))
        }
        router.post("/ellisphere/svcOnlineOrder") { request, _ -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: false) { return refusal }
            let body = String(decoding: Data(buffer: try await request.body.collect(upTo: 1 << 16)), as: UTF8.self)
            // Business errors in the body, in an HTTP 200, as Ellisphère answers them; an order
            // without the context and raw delivery its public clients send is refused too.
            func refusal(_ message: String) -> Response {
                Self.xml(#"<?xml version="1.0" encoding="UTF-8"?><svcOnlineOrderResponse lang="FR" version="2.2"><result code="ERR"><message>\#(Markup.escaped(message))</message></result></svcOnlineOrderResponse>"#)
            }
            guard Self.element("password", in: body) == configuration.password else { return refusal("Authentification refusée : identifiant ou mot de passe invalide") }
            guard Self.element("appId", in: body) == "WSPRO", Self.element("outputMethod", in: body) == "raw", Self.element("date", in: body) != nil else {
                return refusal("Requête invalide : admin/context (appId, date) et request/deliveryOptions/outputMethod sont requis")
            }
            let siren = Self.element("id", in: body) ?? ""
            guard let report = await state.serve(.ellisphere, siren: siren) else { return refusal("Entreprise inconnue : aucun résultat pour \(siren)") }
            return await Self.report(report, state, configuration.faults)
        }
        router.get("/pappers/v2/entreprise") { request, _ -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: false) { return refusal }
            guard request.uri.queryParameters.get("api_token") == configuration.password else {
                return Self.json(#"{"statusCode": 401, "error": "Unauthorized", "message": "Invalid api_token"}"#, status: .unauthorized)
            }
            let siren = request.uri.queryParameters.get("siren") ?? ""
            return await Self.report(await state.serve(.pappers, siren: siren), state, configuration.faults)
        }
        router.get("/altares/entreprises/:siren/score") { request, context -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: false) { return refusal }
            guard request.headers[.authorization] == "Bearer \(configuration.password)" else {
                return Self.json(#"{"message": "Invalid API key"}"#, status: .unauthorized)
            }
            return await Self.report(await state.serve(.altares, siren: context.parameters.get("siren") ?? ""), state, configuration.faults)
        }
        // The insurers' OAuth2 client credentials: the mock's username and password; Coface's
        // API key is the password too.
        @Sendable func token(_ request: Request, apiKey: Bool) async throws -> Response {
            let form = String(buffer: try await request.body.collect(upTo: 1 << 16))
            let fields = Dictionary(form.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
            }, uniquingKeysWith: { first, _ in first })
            guard fields["grant_type"] == "client_credentials", fields["client_id"] == configuration.username, fields["client_secret"] == configuration.password,
                  !apiKey || request.headers[HTTPField.Name("apikey")!] == configuration.password else {
                return Self.json(#"{"error": "invalid_client"}"#, status: .unauthorized)
            }
            return Self.json(#"{"access_token": "\#(await state.issueToken())", "token_type": "Bearer", "expires_in": 3600}"#)
        }
        router.post("/allianz-trade/oauth2/token") { request, _ in try await token(request, apiKey: false) }
        router.post("/coface/oauth/token") { request, _ in try await token(request, apiKey: true) }
        router.get("/allianz-trade/v1/covers") { request, _ -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            let siren = request.uri.queryParameters.get("buyerNationalId") ?? ""
            return Self.json(MockInsurers.allianzTrade(await state.cover(insurer: "allianz-trade", siren: siren), siren: siren, name: nil))
        }
        router.get("/coface/cofaserve/v1/decisions") { request, _ -> Response in
            guard request.headers[HTTPField.Name("apikey")!] == configuration.password else { return Self.json(#"{"message": "Invalid API key"}"#, status: .forbidden) }
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            let siren = request.uri.queryParameters.get("siren") ?? ""
            return Self.json(MockInsurers.coface(await state.cover(insurer: "coface", siren: siren), siren: siren, name: nil))
        }
        router.get("/coface/cofaserve/v1/notifications") { request, _ -> Response in
            guard request.headers[HTTPField.Name("apikey")!] == configuration.password else { return Self.json(#"{"message": "Invalid API key"}"#, status: .forbidden) }
            if let refusal = await Self.gate(request, state, configuration, bearer: true) { return refusal }
            let since = request.uri.queryParameters.get("since").flatMap { Int($0) }
            let (changed, head) = await state.coverNotifications(insurer: "coface", since: since)
            return Self.json(MockInsurers.cofaceNotifications(changed, head: head))
        }
        let bodacc = "/bodacc/api/explore/v2.1/catalog/datasets/annonces-commerciales"
        router.get("\(bodacc)/records") { request, _ -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: false) { return refusal }
            let parameters = request.uri.queryParameters
            let limit = parameters.get("limit").flatMap(Int.init) ?? 10
            let offset = parameters.get("offset").flatMap(Int.init) ?? 0
            guard limit <= 100 else { return Self.json(#"{"error_code": "InvalidRESTParameterError", "message": "Invalid value for limit: must be <= 100"}"#, status: .badRequest) }
            guard offset + limit <= 10_000 else {
                return Self.json(#"{"error_code": "InvalidRESTParameterError", "message": "Invalid value for offset + limit: must be <= 10000"}"#, status: .badRequest)
            }
            let clause = parameters.get("where") ?? ""
            if let problem = MockState.odsqlProblem(clause) {
                return Self.json(#"{"error_code": "ODSQLError", "message": \#(MockState.quoted(problem))}"#, status: .badRequest)
            }
            let matching = await state.notices(where: clause, today: configuration.bodaccOnToday ? CalendarDay(Date()) : nil)
            let page = matching.dropFirst(offset).prefix(limit)
            return Self.json(#"{"total_count": \#(matching.count), "results": ["# + page.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]}")
        }
        router.get("\(bodacc)/exports/json") { request, _ -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: false) { return refusal }
            let clause = request.uri.queryParameters.get("where") ?? ""
            if let problem = MockState.odsqlProblem(clause) {
                return Self.json(#"{"error_code": "ODSQLError", "message": \#(MockState.quoted(problem))}"#, status: .badRequest)
            }
            let matching = await state.notices(where: clause, today: configuration.bodaccOnToday ? CalendarDay(Date()) : nil)
            return Self.json("[" + matching.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]")
        }
        router.get("\(bodacc)/exports/jsonl") { request, _ -> Response in
            if let refusal = await Self.gate(request, state, configuration, bearer: false) { return refusal }
            let clause = request.uri.queryParameters.get("where") ?? ""
            if let problem = MockState.odsqlProblem(clause) {
                return Self.json(#"{"error_code": "ODSQLError", "message": \#(MockState.quoted(problem))}"#, status: .badRequest)
            }
            let matching = await state.notices(where: clause, today: configuration.bodaccOnToday ? CalendarDay(Date()) : nil)
            return Response(status: .ok, headers: [.contentType: "application/jsonl"], body: .init(byteBuffer: ByteBuffer(string: matching.map { String(decoding: $0, as: UTF8.self) + "\n" }.joined())))
        }
        router.post("/_mock/advance") { _, _ -> Response in
            Self.json(#"{"step": \#(await state.advance())}"#)
        }
        router.post("/_mock/down") { _, _ -> Response in
            await state.setDown(true)
            return Self.json(#"{"down": true}"#)
        }
        router.post("/_mock/up") { _, _ -> Response in
            await state.setDown(false)
            return Self.json(#"{"down": false}"#)
        }
        router.get("/_mock/reports") { _, _ -> Response in
            Self.json(await state.reportsServedJSON())
        }
        router.get("/_mock/report-times") { _, _ -> Response in
            Self.json(await state.servedAtJSON())
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

    /// Latency, an expired Creditsafe token, a stall, a provider down, throttling and failures,
    /// in that order, before an API answer.
    static func gate(_ request: Request, _ state: MockState, _ configuration: Configuration, bearer: Bool) async -> Response? {
        let faults = configuration.faults
        if faults.latency > .zero { try? await Task.sleep(for: faults.latency) }
        if bearer {
            let token = request.headers[.authorization].map { String($0.dropFirst("Bearer ".count)) } ?? ""
            guard await state.use(token: token, limit: configuration.tokenRequests) else {
                return json(#"{"message": "Token expired"}"#, status: .unauthorized)
            }
        }
        let served = await state.count("api")
        if faults.stallEvery > 0, served % faults.stallEvery == 0 { try? await Task.sleep(for: faults.stall) }
        if await state.down {
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<html><body>503 Service Unavailable</body></html>")))
        }
        if faults.throttleEvery > 0, served % faults.throttleEvery == 0 {
            return Response(status: .tooManyRequests, headers: [.retryAfter: "1", .contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"message": "Too many requests"}"#)))
        }
        if faults.failEvery > 0, served % faults.failEvery == 0 {
            return Response(status: .internalServerError, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<html><body>502 Bad Gateway</body></html>")))
        }
        return nil
    }

    /// A provider's report as served, with the report faults applied; a 404 when there is none.
    static func report(_ report: (body: Data, contentType: String)?, _ state: MockState, _ faults: Faults) async -> Response {
        guard let report else { return json(#"{"message": "Company not found"}"#, status: .notFound) }
        let served = await state.count("reports")
        func every(_ n: Int) -> Bool { n > 0 && served % n == 0 }
        let body: String
        var contentType = report.contentType
        if every(faults.malformedEvery) {
            body = String(decoding: report.body.prefix(report.body.count / 2), as: UTF8.self)
        } else if every(faults.emptyEvery) {
            body = ""
        } else if every(faults.hugeEvery) {
            body = String(repeating: " ", count: 10 << 20) + String(decoding: report.body, as: UTF8.self)
        } else if every(faults.htmlEvery) {
            body = "<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Service en maintenance</h1></body></html>"
            contentType = "text/html"
        } else {
            body = String(decoding: report.body, as: UTF8.self)
        }
        return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The text of the first `<name …>…</name>` of a small request body.
    static func element(_ name: String, in body: String) -> String? {
        guard let open = body.range(of: "<\(name)"), let start = body[open.upperBound...].firstIndex(of: ">"),
              let close = body[start...].range(of: "</\(name)>") else { return nil }
        return String(body[body.index(after: start)..<close.lowerBound])
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func xml(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/xml"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension MockProviderServer {
    /// Runs a mock on a free loopback port for the duration of `body`, which gets its base URL
    /// (`http://127.0.0.1:<port>`); the mock shuts down gracefully when `body` returns or throws.
    public static func serving<T: Sendable>(_ configuration: Configuration, _ body: @Sendable (_ baseURL: String) async throws -> T) async throws -> T {
        var configuration = configuration
        configuration.port = 0
        let ready = AsyncStream<Int>.makeStream()
        let server = try MockProviderServer(configuration: configuration) { port in ready.continuation.yield(port) }
        let group = ServiceGroup(services: [server], logger: Logger(label: "vigie.mock"))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var ports = ready.stream.makeAsyncIterator()
            guard let port = await ports.next() else { throw CancellationError() }
            let result: Result<T, any Error>
            do {
                result = .success(try await body("http://127.0.0.1:\(port)"))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
