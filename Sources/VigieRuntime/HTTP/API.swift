import Foundation
import Hummingbird
import Logging
import NIOCore
import VigieCore
import VigieDelivery

/// The HTTP API under `/api/v1`, described by `OpenAPIDocument.yaml` (served at
/// `/api/v1/openapi.yaml`): cases and their actions, alerts, companies, sources, deliveries.
///
/// Every call but the document needs `Authorization: Bearer <token>`; no token or an unknown
/// one is 401, a token whose role is too low 403. Writes record the token's name as who acted.
/// Answers are JSON with snake_case keys, the same records the CLI prints.
public struct API: Sendable {
    let store: any WatchStore
    let policy: DeliveryPolicy
    let access: APIAccess
    let clock: any WallClock
    /// Re-reads the configuration (`POST /-/reload`); nil where nothing can be reloaded.
    let reload: (@Sendable () throws -> ReloadReport)?
    /// The watchlist files and folders, read (never written) for the portfolio.
    let watchlists: [URL]
    let logger: Logger

    public init(
        store: any WatchStore, policy: DeliveryPolicy, access: APIAccess, clock: any WallClock,
        reload: (@Sendable () throws -> ReloadReport)? = nil, watchlists: [URL] = [], logger: Logger
    ) {
        self.watchlists = watchlists
        self.store = store
        self.policy = policy
        self.access = access
        self.clock = clock
        self.reload = reload
        self.logger = logger
    }

    /// The routes in force, read once per request.
    var router: VigieCore.Router { policy.router }

    /// A refusal, as the API answers it: a status and a sentence saying what to do.
    struct Refusal: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    /// The largest page a list answers.
    static let maxLimit = 500

    public func register(on routes: Hummingbird.Router<BasicRequestContext>) {
        let api = self
        routes.get("/api/v1/openapi.yaml") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        routes.get("/api/v1/cases") { request, _ in await api.answer(request, .viewer) { _ in try await api.listCases(request) } }
        routes.get("/api/v1/cases/{id}") { request, context in await api.answer(request, .viewer) { _ in try await api.showCase(context.parameters.get("id") ?? "") } }
        routes.post("/api/v1/cases/{id}/{action}") { request, context in
            await api.answer(request, .operator) { token in
                try await api.act(on: context.parameters.get("id") ?? "", action: context.parameters.get("action") ?? "", request: request, token: token)
            }
        }
        routes.get("/api/v1/alerts") { request, _ in await api.answer(request, .viewer) { _ in try await api.listAlerts(request) } }
        routes.get("/api/v1/alerts/{id}") { request, context in await api.answer(request, .viewer) { _ in try await api.showAlert(context.parameters.get("id") ?? "") } }
        routes.get("/api/v1/companies/{siren}") { request, context in await api.answer(request, .viewer) { _ in try await api.company(context.parameters.get("siren") ?? "") } }
        routes.get("/api/v1/sources") { request, _ in await api.answer(request, .viewer) { _ in try await api.sources() } }
        routes.get("/api/v1/deliveries/dead") { request, _ in await api.answer(request, .viewer) { _ in try await api.deadDeliveries() } }
        routes.get("/api/v1/deliveries/pending") { request, _ in await api.answer(request, .viewer) { _ in try await api.pendingDeliveries() } }
        routes.get("/api/v1/watchlists") { request, _ in await api.answer(request, .viewer) { _ in try await api.portfolio() } }
        routes.post("/api/v1/deliveries/redeliver") { request, _ in
            await api.answer(request, .operator) { token in try await api.redeliver(request, token: token) }
        }
        routes.post("/-/reload") { request, _ in
            await api.answer(request, .admin) { token in
                guard let reload = api.reload else { throw Refusal(status: .notFound, message: "this process has nothing to reload") }
                do {
                    let report = try reload()
                    api.logger.notice("config.reloaded", metadata: ["api.token": "\(token.name)", "reloaded": "\(report.reloaded.joined(separator: ","))"])
                    return ["reloaded": report.reloaded, "restart_needed_for": report.needRestart]
                } catch let error as ConfigurationError {
                    throw Refusal(status: .unprocessableContent, message: "the new configuration is refused, the running one kept:\n\(error.description)")
                } catch {
                    throw Refusal(status: .unprocessableContent, message: "the new configuration is refused, the running one kept: \(error)")
                }
            }
        }
    }

    /// Authenticates, runs `body`, and turns what it returns or throws into an answer. A
    /// failure that is not a refusal is logged and answered 500 without its details.
    func answer(_ request: Request, _ role: APIRole, _ body: (APIToken) async throws -> [String: Any]) async -> Response {
        guard let token = access.token(authorization: request.headers[.authorization]) else {
            return Self.json(["error": "a token is needed: send Authorization: Bearer <token> (tokens are defined under http.tokens in vigie.yaml)"],
                             status: .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"vigie\""])
        }
        guard token.role >= role else {
            return Self.json(["error": "token \(token.name) is a \(token.role.rawValue); this needs \(role.rawValue) or above"], status: .forbidden)
        }
        do {
            return Self.json(try await body(token))
        } catch let refusal as Refusal {
            return Self.json(["error": refusal.message], status: refusal.status)
        } catch {
            logger.error("api.failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            return Self.json(["error": "the store failed to answer; see Vigie's log"], status: .internalServerError)
        }
    }

    // MARK: Cases

    func listCases(_ request: Request) async throws -> [String: Any] {
        let query = request.uri.queryParameters
        var filter = CaseFilter(asOf: clock.now)
        if let state = query.get("state") {
            if state == "active" {
                filter.activeOnly = true
            } else {
                guard let value = CaseState(rawValue: state) else { throw Refusal(status: .badRequest, message: "state \(state) is not open, acknowledged, snoozed, resolved or active") }
                filter.state = value
            }
        }
        filter.owner = query.get("owner")
        filter.watchlist = query.get("watchlist")
        filter.siren = try query.get("siren").map(Self.siren)
        filter.minSeverity = try query.get("severity").map(Self.severity)
        if let sort = query.get("sort") {
            guard let order = CaseFilter.Order(rawValue: sort) else { throw Refusal(status: .badRequest, message: "sort \(sort) is not exposure or age") }
            filter.order = order
        }
        let (offset, limit) = try Self.page(query)
        let cases = try await store.cases(filter)
        let page = Array(cases.dropFirst(offset).prefix(limit))
        return ["cases": try page.map { try Self.object(CaseRecord($0, at: clock.now)) }, "next_cursor": Self.cursor(offset + page.count, total: cases.count)]
    }

    func showCase(_ id: String) async throws -> [String: Any] {
        guard let item = try await store.case(id: id) else { throw Refusal(status: .notFound, message: "no case \(id)") }
        let alerts = Dictionary(try await store.alerts(caseID: id).map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        let facts: [[String: Any]] = try item.facts.map { fact in
            var object: [String: Any] = [
                "alert_id": fact.alertID, "kind": fact.kind, "severity": fact.severity.rawValue, "title": fact.title, "source": fact.source,
                "at": fact.at.iso8601, "active": fact.active, "disposition": fact.disposition.rawValue,
            ]
            if let alert = alerts[fact.alertID] { object["alert"] = try Self.object(AlertRecord(alert)) }
            return object
        }
        let audit: [[String: Any]] = try await store.caseEntries(caseID: id).map { entry in
            var object: [String: Any] = ["at": entry.at.iso8601, "actor": entry.actor, "action": entry.action, "to_state": entry.toState.rawValue]
            if let from = entry.fromState { object["from_state"] = from.rawValue }
            if let note = entry.note { object["note"] = note }
            return object
        }
        let actions = NextActions.topic(of: item).map { router.actions.actions($0, claims: item.claims) } ?? [:]
        return ["case": try Self.object(CaseRecord(item, at: clock.now)), "facts": facts, "audit": audit, "next_actions": actions]
    }

    /// `ack`, `assign` (`to`), `snooze` (`until`, or none: until something new), `resolve`,
    /// `reopen`, each with an optional `note`; the token's name is who acted.
    func act(on id: String, action name: String, request: Request, token: APIToken) async throws -> [String: Any] {
        let body = try await Self.body(request)
        let note = body["note"] as? String
        let action: CaseAction
        switch name {
        case "ack", "acknowledge": action = .acknowledge
        case "assign":
            guard let to = body["to"] as? String, !to.isEmpty else { throw Refusal(status: .unprocessableContent, message: "assign needs \"to\": the person who handles the case") }
            action = .assign(to: to)
        case "snooze":
            var until: Date?
            if let text = body["until"] as? String {
                guard let date = (try? Date(text, strategy: .iso8601)) ?? CalendarDay(iso: text).flatMap({ try? Date("\($0.iso)T00:00:00Z", strategy: .iso8601) }) else {
                    throw Refusal(status: .unprocessableContent, message: "until \(text) is not a date; write 2026-12-15 or 2026-12-15T09:00:00Z")
                }
                until = date
            }
            action = .snooze(until: until)
        case "resolve": action = .resolve
        case "reopen": action = .reopen
        default: throw Refusal(status: .notFound, message: "no action \(name); use ack, assign, snooze, resolve or reopen")
        }
        do {
            let next = try await CaseActions.perform(action, on: id, by: token.name, note: note, store: store, router: router, clock: clock)
            logger.info("api.case_action", metadata: ["case.id": "\(id)", "case.action": "\(action.name)", "api.token": "\(token.name)"])
            return ["case": try Self.object(CaseRecord(next, at: clock.now))]
        } catch let failure as CaseActions.Failure {
            switch failure {
            case .notFound: throw Refusal(status: .notFound, message: failure.description)
            case .refused: throw Refusal(status: .conflict, message: failure.description)
            case .conflict: throw Refusal(status: .conflict, message: failure.description)
            }
        }
    }

    // MARK: Alerts, companies, sources, deliveries

    func listAlerts(_ request: Request) async throws -> [String: Any] {
        let query = request.uri.queryParameters
        let siren = try query.get("siren").map(Self.siren)
        let severity = try query.get("severity").map(Self.severity)
        var since: Date?
        if let text = query.get("since") {
            guard let day = CalendarDay(iso: text), let date = try? Date("\(day.iso)T00:00:00Z", strategy: .iso8601) else {
                throw Refusal(status: .badRequest, message: "since \(text) is not a day; write it as YYYY-MM-DD")
            }
            since = date
        }
        let (kind, owner, watchlist) = (query.get("kind"), query.get("owner")?.lowercased(), query.get("watchlist"))
        let (offset, limit) = try Self.page(query)
        let alerts = try await store.alerts(since: since, limit: nil).filter { alert in
            (siren == nil || alert.siren == siren) && (severity.map { alert.severity >= $0 } ?? true) && (kind == nil || alert.kind == kind)
                && (owner == nil || alert.watch.contains { $0.owner?.lowercased() == owner })
                && (watchlist == nil || alert.watch.contains { $0.watchlist == watchlist })
        }
        let page = Array(alerts.dropFirst(offset).prefix(limit))
        return ["alerts": try page.map { try Self.object(AlertRecord($0)) }, "next_cursor": Self.cursor(offset + page.count, total: alerts.count)]
    }

    func showAlert(_ id: String) async throws -> [String: Any] {
        guard let alert = try await store.alert(id: id) else { throw Refusal(status: .notFound, message: "no alert \(id)") }
        return ["alert": try Self.object(AlertRecord(alert)), "deliveries": try await store.deliveries(alertID: id).map(Self.delivery)]
    }

    func company(_ raw: String) async throws -> [String: Any] {
        let siren = try Self.siren(raw)
        // The review's own memory (`position`) is no source.
        let latest = try await store.snapshots(for: [siren]).values.filter { $0.source != CoverageSource.position }.sorted { $0.source < $1.source }.map { snapshot -> [String: Any] in
            var object: [String: Any] = ["source": snapshot.source]
            if let day = snapshot.observedOn { object["observed_on"] = day.iso }
            if let score = snapshot.score { object["score"] = score.text }
            if let rating = snapshot.rating { object["rating"] = rating }
            if let limit = snapshot.creditLimit { object["credit_limit"] = limit.englishText }
            if let status = snapshot.status { object["status"] = status.rawValue }
            if let procedure = snapshot.procedureStatus { object["procedure"] = procedure.rawValue }
            if let cover = snapshot.detail?.cover {
                object["cover"] = ([
                    "decision": cover.decision.rawValue, "granted": cover.granted.map { "\($0.amount)" }, "requested": cover.requested.map { "\($0.amount)" },
                    "currency": (cover.granted ?? cover.requested)?.currency, "decided_on": cover.decidedOn?.iso, "expires_on": cover.expiresOn?.iso, "reference": cover.reference,
                ] as [String: Any?]).compactMapValues { $0 }
            }
            if let balance = snapshot.detail?.balance {
                object["balance"] = ([
                    "as_of": balance.asOf.iso, "currency": balance.currency, "outstanding": "\(balance.outstanding)", "not_due": "\(balance.notDue)",
                    "overdue_1_30": "\(balance.overdue1to30)", "overdue_31_60": "\(balance.overdue31to60)", "overdue_61_90": "\(balance.overdue61to90)",
                    "overdue_over_90": "\(balance.overdueOver90)", "oldest_unpaid": balance.oldestUnpaid?.iso, "last_payment": balance.lastPayment?.iso,
                ] as [String: Any?]).compactMapValues { $0 }
            }
            return object
        }
        let observations = try await store.observations(of: siren).map { observation -> [String: Any] in
            var object: [String: Any] = ["source": observation.provider, "observed_on": observation.observedOn.iso]
            if let score = observation.score { object["score"] = score.text }
            if let normalized = observation.score?.normalized { object["score_normalized"] = normalized }
            if let rating = observation.rating { object["rating"] = rating }
            if let limit = observation.creditLimit { object["credit_limit"] = limit.englishText }
            return object
        }
        let alerts = try await store.alerts(since: nil, limit: nil).filter { $0.siren == siren }
        let cases = try await store.cases(CaseFilter(siren: siren, order: .age, asOf: clock.now))
        guard !latest.isEmpty || !alerts.isEmpty || !cases.isEmpty else { throw Refusal(status: .notFound, message: "Vigie knows nothing of SIREN \(siren.digits)") }
        return [
            "siren": siren.digits, "company": (alerts.last?.companyName ?? cases.first?.companyName).map { $0 as Any } ?? NSNull(), "latest": latest, "observations": observations,
            "alerts": try alerts.map { try Self.object(AlertRecord($0)) }, "cases": try cases.map { try Self.object(CaseRecord($0, at: clock.now)) },
        ]
    }

    func sources() async throws -> [String: Any] {
        let health = try await store.sourceHealth()
        let polls = try await store.lastPolls()
        let keys = Set(health.keys).union(polls.keys.filter { !$0.contains("#") }).sorted()
        return ["sources": keys.map { key -> [String: Any] in
            var object: [String: Any] = ["source": key, "consecutive_failures": health[key]?.consecutiveFailures ?? 0]
            object["state"] = (health[key]?.consecutiveFailures ?? 0) > 0 ? "failing" : "ok"
            if let since = health[key]?.failingSince { object["failing_since"] = since.iso8601 }
            if let error = health[key]?.lastError { object["last_error"] = error }
            // Per-shard polls (`score:pappers#17`) are summed up by their latest.
            let last = polls.filter { $0.key == key || $0.key.hasPrefix(key + "#") }.values.max()
            if let last { object["last_poll"] = last.iso8601 }
            return object
        }]
    }

    func deadDeliveries() async throws -> [String: Any] {
        ["deliveries": try await store.deadDeliveries().map(Self.delivery)]
    }

    /// Pending deliveries, per channel, the oldest first (at most 100 a channel).
    func pendingDeliveries() async throws -> [String: Any] {
        var deliveries: [[String: Any]] = []
        for (channel, queue) in try await store.outboxSummary().sorted(by: { $0.key < $1.key }) where queue.pending > 0 {
            // Listed, not claimed: a claim by the replica answering would keep the others from sending them.
            let due = try await store.pendingDeliveries(channel: channel, limit: 100)
            for pending in due.ready {
                deliveries.append([
                    "alert_id": pending.alert.id, "revision": pending.alert.revision, "channel": channel, "attempts": pending.attempts,
                    "queued_at": pending.queuedAt.iso8601, "kind": pending.alert.kind,
                ])
            }
            // Listed with why until the dispatcher's next pass dead-letters them.
            for unreadable in due.unreadable {
                deliveries.append([
                    "alert_id": unreadable.alertID, "revision": unreadable.revision, "channel": channel, "attempts": unreadable.attempts,
                    "queued_at": unreadable.queuedAt.iso8601, "unreadable": unreadable.reason,
                ])
            }
        }
        return ["deliveries": deliveries]
    }

    /// Each watchlist with what is at stake: exposure in total, by risk band (the worst band any
    /// provider's latest score puts the company in; `unrated` without one) and by owner, and
    /// the twenty largest exposures.
    func portfolio() async throws -> [String: Any] {
        var lists: [Watchlist] = []
        for file in WatchlistLoader.files(at: watchlists) {
            guard let text = WatchlistLoader.read(file), let list = WatchlistLoader.parse(text, file: file.path).watchlist else { continue }
            lists.append(list)
        }
        let sirens = Set(lists.flatMap { $0.entries.map(\.siren) })
        let snapshots = try await store.snapshots(for: sirens)
        var band: [SIREN: String] = [:]
        for snapshot in snapshots.values {
            guard let level = snapshot.score?.normalized else { continue }
            let this = RiskBand(normalized: level)
            if let known = band[snapshot.siren].flatMap(RiskBand.init(rawValue:)), known >= this { continue }
            band[snapshot.siren] = this.rawValue
        }
        func money(_ totals: [String: Decimal]) -> [String: String] { totals.mapValues { "\($0)" } }
        // What each client owes and what covers it, where an aged balance, an insurer or a
        // guarantee says: the aged balance's figure replaces the list's.
        let watch = WatchSet(lists)
        let today = CalendarDay(clock.now)
        let bySiren = Dictionary(grouping: snapshots.values.filter { $0.detail != nil }, by: \.siren).mapValues { Dictionary($0.map { ($0.source, $0) }, uniquingKeysWith: { first, _ in first }) }
        var positions: [SIREN: Position] = [:]
        for company in watch.companies where bySiren[company.siren] != nil || company.entries.contains(where: { $0.entry.guarantee != nil }) {
            positions[company.siren] = Position.of(company, snapshots: bySiren[company.siren] ?? [:], on: today)
        }
        func owed(_ entry: WatchEntry) -> Money? { positions[entry.siren].map { $0.money($0.owed) } ?? entry.exposure }
        return ["watchlists": lists.map { list -> [String: Any] in
            var total: [String: Decimal] = [:], byBand: [String: [String: Decimal]] = [:], byOwner: [String: [String: Decimal]] = [:], uncovered: [String: Decimal] = [:]
            for entry in list.entries {
                guard let exposure = owed(entry) else { continue }
                total[exposure.currency, default: 0] += exposure.amount
                byBand[band[entry.siren] ?? "unrated", default: [:]][exposure.currency, default: 0] += exposure.amount
                byOwner[entry.owner ?? "(no owner)", default: [:]][exposure.currency, default: 0] += exposure.amount
                if let position = positions[entry.siren] { uncovered[position.currency, default: 0] += position.uncovered }
            }
            let largest = list.entries.compactMap { entry in owed(entry).map { (entry, $0) } }.sorted { $0.1.amount > $1.1.amount }.prefix(20).map { entry, exposure -> [String: Any] in
                var row: [String: Any] = [
                    "siren": entry.siren.digits, "name": (entry.name).map { $0 as Any } ?? NSNull(), "exposure": "\(exposure.amount)", "currency": exposure.currency,
                    "band": band[entry.siren] ?? "unrated", "owner": (entry.owner).map { $0 as Any } ?? NSNull(),
                ]
                if let position = positions[entry.siren] { row["uncovered"] = "\(position.uncovered)" }
                return row
            }
            var object: [String: Any] = [
                "name": list.name, "file": (list.file as NSString).lastPathComponent, "companies": list.entries.count, "exposure": money(total),
                "by_band": byBand.mapValues(money), "by_owner": byOwner.mapValues(money), "largest": largest,
            ]
            if !uncovered.isEmpty { object["uncovered"] = money(uncovered) }
            return object
        }]
    }

    func redeliver(_ request: Request, token: APIToken) async throws -> [String: Any] {
        let body = try await Self.body(request)
        let alertID = body["alert_id"] as? String
        guard alertID != nil || body["all"] as? Bool == true else {
            throw Refusal(status: .unprocessableContent, message: "give \"alert_id\", or \"all\": true to requeue every dead delivery")
        }
        if let alertID, try await store.alert(id: alertID) == nil { throw Refusal(status: .notFound, message: "no alert \(alertID)") }
        let count = try await store.redeliver(alertID: alertID, at: clock.now)
        logger.info("api.redeliver", metadata: ["alert.id": "\(alertID ?? "all")", "deliveries.queued": "\(count)", "api.token": "\(token.name)"])
        return ["queued": count]
    }

    // MARK: Helpers

    static func delivery(_ record: DeliveryRecord) -> [String: Any] {
        var object: [String: Any] = [
            "alert_id": record.alertID, "revision": record.revision, "channel": record.channel, "status": record.status.rawValue,
            "queued_at": record.queuedAt.iso8601,
            "attempts": record.attempts.map { attempt -> [String: Any] in
                var object: [String: Any] = ["at": attempt.at.iso8601, "outcome": attempt.outcome.rawValue]
                if let status = attempt.httpStatus { object["http_status"] = status }
                if let error = attempt.error { object["error"] = error }
                return object
            },
        ]
        if let next = record.nextAttemptAt { object["next_attempt_at"] = next.iso8601 }
        if let reason = record.deadReason { object["dead_reason"] = reason }
        return object
    }

    static func siren(_ text: String) throws -> SIREN {
        do {
            return try SIREN(text)
        } catch {
            throw Refusal(status: .badRequest, message: "\(text) is not a SIREN: \(error)")
        }
    }

    static func severity(_ text: String) throws -> Severity {
        guard let severity = Severity(rawValue: text) else { throw Refusal(status: .badRequest, message: "severity \(text) is not info, warning, high or critical") }
        return severity
    }

    /// Pages are opaque cursors (an offset, base64): a client passes back `next_cursor` as is.
    static func page(_ query: Hummingbird.Parameters) throws -> (offset: Int, limit: Int) {
        var limit = 50
        if let text = query.get("limit") {
            guard let value = Int(text), (1...maxLimit).contains(value) else { throw Refusal(status: .badRequest, message: "limit \(text) is not a number from 1 to \(maxLimit)") }
            limit = value
        }
        guard let cursor = query.get("cursor") else { return (0, limit) }
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8), text.hasPrefix("o:"), let offset = Int(text.dropFirst(2)), offset >= 0 else {
            throw Refusal(status: .badRequest, message: "cursor \(cursor) is not one this API gave; start again without it")
        }
        return (offset, limit)
    }

    /// The next page's cursor, or JSON null on the last page.
    static func cursor(_ next: Int, total: Int) -> Any {
        next < total ? Data("o:\(next)".utf8).base64EncodedString() : NSNull()
    }

    static func body(_ request: Request) async throws -> [String: Any] {
        var request = request
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        guard buffer.readableBytes > 0 else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
            throw Refusal(status: .badRequest, message: "the body is not a JSON object")
        }
        return object
    }

    /// A record as a JSON object, with the CLI's keys.
    static func object(_ record: some Encodable) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try JSONSerialization.jsonObject(with: encoder.encode(record)) as? [String: Any] ?? [:]
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
