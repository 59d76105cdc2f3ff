import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore
import Synchronization
import VigieCore
import VigieDelivery

/// The web dashboard under `/ui`: server-rendered pages over the same store and actions as the
/// API. Sign-in takes an API token once and gives a session cookie (HttpOnly, SameSite=Strict,
/// Secure behind TLS); every form carries the session's CSRF token; nothing runs in the browser.
public struct Dashboard: Sendable {
    let api: API
    let sessions: DashboardSessions
    let library: MustacheLibrary

    public init(api: API) {
        self.api = api
        sessions = DashboardSessions()
        var library = MustacheLibrary()
        for (name, text) in DashboardPages.templates {
            // The templates are Vigie's own: a mistake in one is a bug the tests catch.
            library.register(try! MustacheTemplate(string: text), named: name)
        }
        self.library = library
    }

    static let cookie = "vigie_session"
    static let sessionLifetime: TimeInterval = 12 * 3600

    public func register(on routes: Hummingbird.Router<BasicRequestContext>) {
        let page = self
        routes.get("/ui/style.css") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"], body: .init(byteBuffer: ByteBuffer(string: DashboardPages.stylesheet)))
        }
        routes.get("/ui/login") { request, _ in page.render("login", [:], request: request, session: nil) }
        routes.post("/ui/login") { request, _ in await page.login(request) }
        routes.post("/ui/logout") { request, _ in await page.guarded(request, write: true) { session, _ in
            page.sessions.end(session.id)
            return Self.redirect("/ui/login", clearing: true)
        } }
        routes.get("/ui/") { request, _ in await page.guarded(request) { session, _ in try await page.inbox(request, session) } }
        routes.get("/ui/cases/{id}") { request, context in await page.guarded(request) { session, _ in try await page.casePage(context.parameters.get("id") ?? "", request, session) } }
        routes.post("/ui/cases/{id}/act") { request, context in
            await page.guarded(request, write: true) { session, form in try await page.act(context.parameters.get("id") ?? "", form, request, session) }
        }
        routes.get("/ui/companies/{siren}") { request, context in await page.guarded(request) { session, _ in try await page.company(context.parameters.get("siren") ?? "", request, session) } }
        routes.get("/ui/portfolio") { request, _ in await page.guarded(request) { session, _ in try await page.portfolio(request, session) } }
        routes.get("/ui/sources") { request, _ in await page.guarded(request) { session, _ in try await page.sourcesPage(request, session) } }
        routes.get("/ui/deliveries") { request, _ in await page.guarded(request) { session, _ in try await page.deliveries(request, session) } }
        routes.post("/ui/deliveries/redeliver") { request, _ in
            await page.guarded(request, write: true) { session, form in try await page.redeliver(form, request, session) }
        }
    }

    // MARK: Sessions and rendering

    /// Runs `body` for a signed-in session, else sends to the sign-in page; a write needs the
    /// session's CSRF token in the form.
    func guarded(_ request: Request, write: Bool = false, _ body: (DashboardSession, [String: String]) async throws -> Response) async -> Response {
        guard let id = request.cookies[Self.cookie]?.value, let session = sessions.find(id, now: api.clock.now) else {
            return Self.redirect("/ui/login?lang=\(Self.language(request).rawValue)")
        }
        do {
            guard write else { return try await body(session, [:]) }
            let form = try await Self.form(request)
            guard let presented = form["csrf"], Self.same(presented, session.csrf) else {
                return render("login", ["error": words(request).expired], request: request, session: nil, status: .forbidden)
            }
            return try await body(session, form)
        } catch let refusal as API.Refusal {
            return render("login", ["error": refusal.message], request: request, session: session, status: refusal.status, template: "message")
        } catch {
            api.logger.error("dashboard.failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            return render("login", ["error": words(request).failed], request: request, session: session, status: .internalServerError, template: "message")
        }
    }

    func login(_ request: Request) async -> Response {
        let form = (try? await Self.form(request)) ?? [:]
        guard let token = api.access.token(authorization: "Bearer " + (form["token"] ?? "")) else {
            return render("login", ["error": words(request).badToken], request: request, session: nil, status: .unauthorized)
        }
        let session = sessions.start(token, now: api.clock.now, lifetime: Self.sessionLifetime)
        api.logger.info("dashboard.signed_in", metadata: ["api.token": "\(token.name)"])
        var response = Self.redirect("/ui/?lang=\(Self.language(request).rawValue)")
        // Secure when the browser came over TLS, as a proxy in front says.
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" ? "; Secure" : ""
        response.headers.append(HTTPField(name: .setCookie, value: "\(Self.cookie)=\(session.id); Path=/ui; HttpOnly; SameSite=Strict; Max-Age=\(Int(Self.sessionLifetime))\(secure)"))
        return response
    }

    func words(_ request: Request) -> DashboardWords { Self.language(request) == .fr ? .french : .english }

    static func language(_ request: Request) -> Language {
        if let chosen = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) { return chosen }
        return (request.headers[.acceptLanguage] ?? "").lowercased().hasPrefix("fr") ? .fr : .en
    }

    func render(_ template: String, _ context: [String: Any], request: Request, session: DashboardSession?, status: HTTPResponse.Status = .ok, template layout: String? = nil) -> Response {
        let language = Self.language(request)
        let t = words(request)
        var context = context
        context["t"] = t.table
        context["lang"] = language.rawValue
        context["csrf"] = session?.csrf ?? ""
        let name = layout == "message" ? "login" : template
        if layout == "message" { context["signedIn"] = session != nil }
        let body = library.render(context, withTemplate: name) ?? ""
        var page: [String: Any] = [
            "t": t.table, "lang": language.rawValue, "other": language == .fr ? "en" : "fr", "title": t.table[template] ?? "Vigie", "body": body,
            "signedIn": session != nil, "csrf": session?.csrf ?? "", "actor": session?.actor ?? "",
        ]
        if let notice = request.uri.queryParameters.get("done") { page["notice"] = t.table["done_" + notice] ?? "" }
        let html = library.render(page, withTemplate: "layout") ?? ""
        return Response(status: status, headers: Self.securityHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// No script, no frame, no outside resource, forms only to Vigie.
    static let securityHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
    ]

    static func redirect(_ location: String, clearing: Bool = false) -> Response {
        var headers: HTTPFields = [.location: location]
        if clearing { headers.append(HTTPField(name: .setCookie, value: "\(cookie)=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0")) }
        return Response(status: .seeOther, headers: headers)
    }

    // MARK: Pages

    func inbox(_ request: Request, _ session: DashboardSession) async throws -> Response {
        let t = words(request)
        let query = request.uri.queryParameters
        let now = api.clock.now
        let owner = query.get("owner").flatMap { $0.isEmpty ? nil : $0 }
        let severity = query.get("severity").flatMap(Severity.init(rawValue:))
        // The inbox is what nobody has in hand yet: open cases, the most money at stake first.
        let cases = try await api.store.cases(CaseFilter(state: .open, owner: owner, minSeverity: severity, asOf: now))
        let language = Self.language(request)
        let rows: [[String: Any]] = cases.map { item in
            let actions = NextActions.topic(of: item).map { api.router.actions.actions($0, claims: item.claims)[language.rawValue] ?? [] } ?? []
            let row: [String: Any?] = [
                "id": item.id, "siren": item.siren.digits, "company": item.companyName ?? item.siren.formatted, "title": item.title,
                "severity": item.severity.rawValue, "severityLabel": t.severity(item.severity), "exposure": t.money(item.exposure),
                "age": t.days(item.ageDays(at: now)), "owner": item.owner ?? "—", "nextAction": actions.first ?? "", "deadline": item.claims?.deadline.iso,
                "uncovered": item.position.map { $0.money($0.uncovered).formatted(t.style) },
            ]
            return row.compactMapValues { $0 }
        }
        let severities: [[String: Any]] = Severity.allCases.map { ["value": $0.rawValue, "label": t.severity($0), "selected": $0 == severity] }
        return render("inbox", ["cases": rows, "hasCases": !rows.isEmpty, "owner": owner ?? "", "severities": severities], request: request, session: session)
    }

    func casePage(_ id: String, _ request: Request, _ session: DashboardSession) async throws -> Response {
        guard let item = try await api.store.case(id: id) else { throw API.Refusal(status: .notFound, message: words(request).table["notFound"] ?? "") }
        let t = words(request)
        let language = Self.language(request)
        let entries = try await api.store.caseEntries(caseID: id)
        let alerts = try await CaseTimeline.alerts(of: id, entries: entries, store: api.store)
        let facts: [[String: Any]] = item.facts.reversed().map { fact in
            var row: [String: Any] = [
                "title": fact.title, "severity": fact.severity.rawValue, "severityLabel": t.severity(fact.severity), "source": fact.source,
                "at": fact.at.iso8601,
            ]
            if fact.disposition != .notified { row["quiet"] = t.table["disposition_" + fact.disposition.rawValue] ?? fact.disposition.rawValue }
            if let alert = alerts[fact.alertID] {
                let content = MessageContent(alert: alert, language: language)
                // What the case's header already says (who, what is at stake) is not repeated per fact.
                let shown = content.facts.dropFirst(2).filter { !Self.caseLevelLabels.contains($0.label) }
                row["evidence"] = (["facts": shown.map { ["label": $0.label, "value": $0.value] }, "courtText": content.courtText, "url": content.evidenceURL] as [String: Any?]).compactMapValues { $0 }
            }
            return row
        }
        let audit: [[String: Any]] = entries.reversed().map { entry in
            (["at": entry.at.iso8601, "actor": entry.actor, "action": t.table["action_" + entry.action] ?? entry.action, "note": entry.note] as [String: Any?]).compactMapValues { $0 }
        }
        let actions = NextActions.topic(of: item).map { api.router.actions.actions($0, claims: item.claims)[language.rawValue] ?? [] } ?? []
        var context: [String: Any] = [
            "id": item.id, "siren": item.siren.digits, "sirenLabel": item.siren.formatted, "company": item.companyName ?? item.siren.formatted,
            "title": item.title, "severity": item.severity.rawValue, "severityLabel": t.severity(item.severity), "state": t.state(item.state(at: api.clock.now)),
            "owner": item.owner ?? "—", "exposure": t.money(item.exposure), "facts": facts, "audit": audit, "actions": actions, "hasActions": !actions.isEmpty,
            "canAct": session.role >= .operator,
        ]
        if let claims = item.claims {
            context["claims"] = ([
                "deadline": claims.deadline.iso, "officer": claims.mandataire,
                "amount": item.position?.toDeclare.map { $0.formatted(t.style) },
                "amountAsOf": item.position?.toDeclareAsOf.map { CoverageWording.of(t.style).agedBalance(of: $0) },
            ] as [String: Any?]).compactMapValues { $0 }
        }
        if let position = item.position { context["position"] = Self.position(position, t) }
        return render("case", context, request: request, session: session)
    }

    /// Owed, what covers it and by whom, what is uncovered: the case's money at stake.
    static func position(_ position: Position, _ t: DashboardWords) -> [String: Any] {
        let words = CoverageWording.of(t.style)
        return ([
            "owedLabel": words.owed, "owed": position.money(position.owed).formatted(t.style), "owedDetail": words.owedDetail(position),
            "coveredLabel": words.covered, "covered": position.money(position.covered).formatted(t.style), "covers": words.covers(position),
            "uncoveredLabel": words.uncoveredLabel, "uncovered": position.money(position.uncovered).formatted(t.style),
        ] as [String: Any?]).compactMapValues { $0 }
    }

    static let caseLevelLabels: Set<String> = [
        "Case", "Dossier", "What to do", "À faire", "Exposure", "Encours", "Insured limit", "Limite assurée", "Owner", "Responsable",
        "Watchlist", "Liste", "Exposure by list (the largest is used)", "Encours par liste (le plus élevé retenu)", "Uncovered", "Non couvert",
        "Owed", "Dû", "Covered", "Couvert", "Claim to declare", "Créance à déclarer",
    ]

    func act(_ id: String, _ form: [String: String], _ request: Request, _ session: DashboardSession) async throws -> Response {
        guard session.role >= .operator else { throw API.Refusal(status: .forbidden, message: words(request).table["readOnly"] ?? "") }
        let note = form["note"].flatMap { $0.isEmpty ? nil : $0 }
        let action: CaseAction
        switch form["action"] ?? "" {
        case "ack": action = .acknowledge
        case "assign": action = .assign(to: form["to"] ?? "")
        case "snooze":
            let until = form["until"].flatMap { $0.isEmpty ? nil : CalendarDay(iso: $0) }.flatMap { try? Date("\($0.iso)T00:00:00Z", strategy: .iso8601) }
            action = .snooze(until: until)
        case "resolve": action = .resolve
        case "reopen": action = .reopen
        default: throw API.Refusal(status: .badRequest, message: "no such action")
        }
        do {
            _ = try await CaseActions.perform(action, on: id, by: session.actor, note: note, store: api.store, router: api.router, clock: api.clock)
        } catch let failure as CaseActions.Failure {
            throw API.Refusal(status: .conflict, message: failure.description)
        }
        return Self.redirect("/ui/cases/\(id)?lang=\(Self.language(request).rawValue)&done=\(action.name)")
    }

    func company(_ raw: String, _ request: Request, _ session: DashboardSession) async throws -> Response {
        let siren = try API.siren(raw)
        let t = words(request)
        let observations = try await api.store.observations(of: siren)
        let alerts = try await api.store.alerts(since: nil, limit: nil).filter { $0.siren == siren }
        let cases = try await api.store.cases(CaseFilter(siren: siren, order: .age, asOf: api.clock.now))
        guard !observations.isEmpty || !alerts.isEmpty || !cases.isEmpty else { throw API.Refusal(status: .notFound, message: t.table["notFound"] ?? "") }
        let chart = ScoreChart.svg(observations, words: t)
        let notices: [[String: Any]] = alerts.compactMap { alert in
            guard case .notice(let notice) = alert.evidence else { return nil }
            return (["published": notice.published?.iso ?? "", "title": alert.title, "url": notice.url] as [String: Any?]).compactMapValues { $0 }
        }
        let entries: [[String: Any]] = (alerts.last?.watch ?? cases.first?.watch ?? []).map { context in
            ["watchlist": context.watchlist, "owner": context.owner ?? "—", "exposure": context.exposure.map { t.money([$0.currency: $0.amount]) } ?? "—"]
        }
        var context: [String: Any] = [
            "company": alerts.last?.companyName ?? cases.first?.companyName ?? observations.last?.companyName ?? siren.formatted, "sirenLabel": siren.formatted,
            "chart": chart ?? "", "hasChart": chart != nil, "notices": notices, "entries": entries,
            "cases": cases.map { ["id": $0.id, "title": $0.title, "state": t.state($0.state(at: api.clock.now))] },
        ]
        // The latest money at stake known: the newest alert's position, else a case's.
        if let position = alerts.last(where: { $0.position != nil })?.position ?? cases.lazy.compactMap(\.position).first {
            context["position"] = Self.position(position, t)
        }
        return render("company", context, request: request, session: session)
    }

    func portfolio(_ request: Request, _ session: DashboardSession) async throws -> Response {
        let t = words(request)
        let lists = (try await api.portfolio()["watchlists"] as? [[String: Any]]) ?? []
        func amount(_ money: Any?) -> String {
            let amounts = (money as? [String: String] ?? [:]).compactMapValues { Decimal(string: $0) }
            return t.money(amounts)
        }
        let shown: [[String: Any]] = lists.map { list in
            var shown: [String: Any] = [
                "name": list["name"] ?? "", "companies": list["companies"] ?? 0, "exposure": amount(list["exposure"]),
                "bands": ((list["by_band"] as? [String: Any]) ?? [:]).sorted { $0.key < $1.key }.map { ["band": $0.key, "amount": amount($0.value)] },
                "owners": ((list["by_owner"] as? [String: Any]) ?? [:]).sorted { $0.key < $1.key }.map { ["owner": $0.key, "amount": amount($0.value)] },
                "largest": ((list["largest"] as? [[String: Any]]) ?? []).map { row in
                    ["siren": row["siren"] ?? "", "name": (row["name"] as? String) ?? (row["siren"] as? String ?? ""), "band": row["band"] ?? "",
                     "owner": (row["owner"] as? String) ?? "—", "amount": amount([row["currency"] as? String ?? "EUR": row["exposure"] as? String ?? "0"]),
                     "uncovered": (row["uncovered"] as? String).map { amount([row["currency"] as? String ?? "EUR": $0]) } ?? ""]
                },
            ]
            if list["uncovered"] != nil { shown["uncovered"] = amount(list["uncovered"]) }
            return shown
        }
        return render("portfolio", ["lists": shown], request: request, session: session)
    }

    func sourcesPage(_ request: Request, _ session: DashboardSession) async throws -> Response {
        let t = words(request)
        let rows = ((try await api.sources())["sources"] as? [[String: Any]] ?? []).map { source -> [String: Any] in
            ["source": source["source"] ?? "", "state": t.table["source_" + (source["state"] as? String ?? "")] ?? "", "lastPoll": source["last_poll"] ?? "—", "lastError": source["last_error"] ?? ""]
        }
        return render("sources", ["sources": rows], request: request, session: session)
    }

    func deliveries(_ request: Request, _ session: DashboardSession) async throws -> Response {
        let dead: [[String: Any]] = try await api.store.deadDeliveries().map { record in
            ["channel": record.channel, "alertID": record.alertID, "reason": record.deadReason ?? "", "canAct": session.role >= .operator]
        }
        return render("deliveries", ["dead": dead, "hasDead": !dead.isEmpty], request: request, session: session)
    }

    func redeliver(_ form: [String: String], _ request: Request, _ session: DashboardSession) async throws -> Response {
        guard session.role >= .operator else { throw API.Refusal(status: .forbidden, message: words(request).table["readOnly"] ?? "") }
        let alertID = form["alert_id"]
        _ = try await api.store.redeliver(alertID: alertID, at: api.clock.now)
        api.logger.info("dashboard.redeliver", metadata: ["alert.id": "\(alertID ?? "all")", "api.token": "\(session.actor)"])
        return Self.redirect("/ui/deliveries?lang=\(Self.language(request).rawValue)&done=redeliver")
    }

    // MARK: Forms

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ request: Request) async throws -> [String: String] {
        var request = request
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        let text = String(buffer: buffer)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let key = parts.first { fields[key] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    /// Compared in full whatever differs first.
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(SHA256.hash(data: Array(a.utf8))), Array(SHA256.hash(data: Array(b.utf8))))
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// One signed-in browser: whose token, its role, and its CSRF token.
struct DashboardSession: Sendable {
    var id: String
    var actor: String
    var role: APIRole
    var csrf: String
    var expires: Date
}

/// Sessions in memory: a restart signs everyone out, which a token signs back in.
final class DashboardSessions: Sendable {
    private let sessions = Mutex<[String: DashboardSession]>([:])

    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    func start(_ token: APIToken, now: Date, lifetime: TimeInterval) -> DashboardSession {
        let session = DashboardSession(id: Self.random(), actor: token.name, role: token.role, csrf: Self.random(), expires: now.addingTimeInterval(lifetime))
        sessions.withLock { all in
            all = all.filter { $0.value.expires > now }
            all[session.id] = session
        }
        return session
    }

    func find(_ id: String, now: Date) -> DashboardSession? {
        sessions.withLock { all in all[id].flatMap { $0.expires > now ? $0 : nil } }
    }

    func end(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }
}
