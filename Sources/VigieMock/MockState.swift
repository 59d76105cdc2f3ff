import Foundation
import VigieCore
import VigieProviders

/// The providers the mock answers for, and where their reports sit in a scenario step.
enum MockSource: String, Sendable, CaseIterable {
    case creditsafe, ellisphere, pappers, altares

    var contentType: String { self == .ellisphere ? "application/xml" : "application/json" }
}

/// What the mock serves and counts.
actor MockState {
    /// Per step, per provider, each company's report by its SIREN's digits.
    let steps: [[MockSource: [String: Data]]]
    /// BODACC records: the step that publishes them (0 for generated ones), their day, their
    /// SIRENs, their JSON.
    let bodacc: [(step: Int, day: String, sirens: [String], postcode: String?, record: Data)]
    /// Per step, per insurer, each buyer's decision (from the step's `insurers/<name>.csv`).
    let covers: [[String: [String: InsurerCover]]]
    private var step = 0
    private(set) var down: Bool
    /// Creditsafe monitoring: portfolios by id (name, connectIds) and the events raised so far.
    private var portfolios: [Int: Portfolio] = [:]

    struct Portfolio {
        var name: String
        /// In the order they were added, for paging; `index` answers membership.
        var members: [String] = []
        var index: Set<String> = []
        /// The portfolio's French notification event rules, by code: all off when it is
        /// created, as Creditsafe documents ("newly created portfolios are without any
        /// notification event rules").
        var activeRules: Set<Int> = []
    }

    /// The mock's own catalogue of French event rules: which changes of a report each one
    /// reports. The codes are the mock's, not Creditsafe's (no public catalogue lists them).
    static let eventRules: [(code: Int, name: String, field: Int)] = [
        (9001, "Mock | Credit score or rating change", 0),
        (9002, "Mock | Credit limit change", 2),
        (9003, "Mock | Company status change", 3),
    ]

    /// An event, as raised for one portfolio: when it was created (the advance) and the day
    /// the change is dated (the scenario's, in the past), which the rules' filters tell apart.
    struct Event {
        var id: Int
        var created: Date
        var dated: Date
        var portfolio: Int
        var connectID: String
        var rule: Int
        var old: String
        var new: String
    }
    private var events: [Event] = []
    private var tokens: [String: Int] = [:]
    private var counters: [String: Int] = [:]
    /// Reports served per step, per company: how often each company was asked, across every
    /// client (replicas sharing the work should ask each once per cycle).
    private var reportsServed: [Int: [String: Int]] = [:]
    /// When each company's reports were served, in seconds since the mock started: how far
    /// apart replicas sharing the work poll a company.
    private var servedAt: [String: [Double]] = [:]
    private let started = ContinuousClock.now

    init(folder: URL, bulk: (day: CalendarDay, count: Int)?, down: Bool) throws {
        self.down = down
        self.steps = try Self.load(folder)
        self.bodacc = try Self.loadNotices(folder, bulk: bulk)
        self.covers = try MockInsurers.load(folder)
    }

    /// Coface's notifications: each decision that changed from one step to the next, numbered
    /// in order; those of the steps reached so far are served.
    func coverNotifications(insurer: String, since: Int?) -> (changed: [(id: Int, siren: String, cover: InsurerCover)], head: Int) {
        var all: [(id: Int, step: Int, siren: String, cover: InsurerCover)] = []
        for index in covers.indices.dropFirst() {
            let before = covers[index - 1][insurer] ?? [:]
            for (siren, cover) in (covers[index][insurer] ?? [:]).sorted(by: { $0.key < $1.key }) where before[siren] != cover {
                all.append((all.count + 1, index, siren, cover))
            }
        }
        let reached = all.filter { $0.step <= step }
        let head = reached.last?.id ?? 0
        guard let since else { return ([], head) }
        return (reached.filter { $0.id > since }.map { ($0.id, $0.siren, $0.cover) }, head)
    }

    /// The insurer's decision on a buyer at the current step, counted.
    func cover(insurer: String, siren: String) -> InsurerCover? {
        guard covers.indices.contains(step), let cover = covers[step][insurer]?[siren] else { return nil }
        counters["covers", default: 0] += 1
        return cover
    }

    /// The records of the scenario's `bodacc.json` files, and `bulk` generated ones.
    static func loadNotices(_ folder: URL, bulk: (day: CalendarDay, count: Int)?) throws -> [(step: Int, day: String, sirens: [String], postcode: String?, record: Data)] {
        let scenario = try FixtureScenario(folder: folder)
        var notices: [(step: Int, day: String, sirens: [String], postcode: String?, record: Data)] = []
        for (index, step) in scenario.steps.enumerated() {
            let file = step.folder.appendingPathComponent("bodacc.json")
            guard let data = try? Data(contentsOf: file), let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let records = object["results"] as? [[String: Any]] else { continue }
            for record in records {
                let registered = (record["registre"] as? [String]) ?? []
                notices.append((index, record["dateparution"] as? String ?? "", registered, record["cp"] as? String, try JSONSerialization.data(withJSONObject: record)))
            }
        }
        if let bulk {
            for number in 1...max(1, bulk.count) {
                let record: [String: Any] = [
                    "id": "A\(bulk.day.compact)\(number)", "publicationavis": "A", "dateparution": bulk.day.iso, "numeroannonce": number,
                    "typeavis": "annonce", "familleavis": "collective", "registre": NSNull(), "commercant": "GENERATED \(number)",
                    "jugement": #"{"type": "initial", "famille": "Jugement d'ouverture", "nature": "Jugement d'ouverture de liquidation judiciaire"}"#,
                ]
                notices.append((0, bulk.day.iso, [], nil, try JSONSerialization.data(withJSONObject: record)))
            }
        }
        return notices
    }

    /// Records published so far that fall in the clause's `dateparution` bounds and, when it
    /// names companies (`registre="…"`), name one of them. With `today`, the scenario is served
    /// on its own calendar: its latest publication day so far is `today`, and every record's
    /// `dateparution` moves by as many days, so that a feed reading "what was published lately"
    /// by the wall clock sees the scenario's notices.
    func notices(where clause: String, today: CalendarDay? = nil) -> [Data] {
        let exact = Self.bound(in: clause, after: "dateparution=date'")
        let lower = Self.bound(in: clause, after: "dateparution>=date'") ?? exact
        let upper = Self.bound(in: clause, after: "dateparution<=date'") ?? exact
        let registered = Set(clause.components(separatedBy: "registre=\"").dropFirst().map { String($0.prefix(9)) })
        let unregistered = clause.contains("registre is null")
        let places = Set(clause.components(separatedBy: "cp=\"").dropFirst().map { String($0.prefix(5)) })
        counters["bodacc", default: 0] += 1
        let current = step
        let shift = today.map { today in
            let latest = bodacc.filter { $0.step <= current }.compactMap { CalendarDay(iso: $0.day) }.max() ?? today
            return latest.days(until: today)
        } ?? 0
        func served(_ day: String) -> String {
            guard shift != 0, let parsed = CalendarDay(iso: day) else { return day }
            return parsed.adding(days: shift).iso
        }
        return bodacc.filter { notice in
            let day = served(notice.day)
            return notice.step <= current && (lower.map { day >= $0 } ?? true) && (upper.map { day <= $0 } ?? true)
                && (registered.isEmpty || notice.sirens.contains { registered.contains($0) })
                && (!unregistered || notice.sirens.isEmpty) && (places.isEmpty || places.contains(notice.postcode ?? ""))
        }.map { notice in
            guard shift != 0, var object = try? JSONSerialization.jsonObject(with: notice.record) as? [String: Any] else { return notice.record }
            object["dateparution"] = served(notice.day)
            return (try? JSONSerialization.data(withJSONObject: object)) ?? notice.record
        }
    }

    /// The dataset's fields, as the portal knows them: a `where` naming another is refused.
    static let bodaccFields: Set<String> = [
        "id", "publicationavis", "publicationavis_facette", "parution", "dateparution", "numeroannonce", "typeavis", "typeavis_lib",
        "familleavis", "familleavis_lib", "numerodepartement", "departement_nom_officiel", "region_code", "region_nom_officiel",
        "tribunal", "commercant", "ville", "cp", "registre", "pdf_parution_subfolder", "ispdf_unitaire", "url_complete",
        "jugement", "listepersonnes", "listeetablissements", "acte", "modificationsgenerales", "radiationaurcs", "depot",
        "parutionavisprecedent", "listeprecedentexploitant", "listeprecedentproprietaire", "divers",
    ]

    /// Why the portal would refuse a `where` clause (ODSQL), or nil: quotes that do not close,
    /// a function ODSQL does not have, a field the dataset does not have.
    static func odsqlProblem(_ clause: String) -> String? {
        var index = clause.startIndex
        var depth = 0
        while index < clause.endIndex {
            let character = clause[index]
            if character == "\"" || character == "'" {
                guard let close = clause[clause.index(after: index)...].firstIndex(of: character) else {
                    return "ODSQL query is malformed: unterminated string starting at position \(clause.distance(from: clause.startIndex, to: index))"
                }
                index = clause.index(after: close)
                continue
            }
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1; if depth < 0 { return "ODSQL query is malformed: unbalanced parenthesis" } }
            if character.isLetter || character == "_" {
                let end = clause[index...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? clause.endIndex
                let word = String(clause[index..<end])
                let next = clause[end...].first { !$0.isWhitespace }
                let keywords: Set<String> = ["AND", "OR", "NOT", "and", "or", "not", "date", "null", "true", "false", "is", "IS", "in", "IN", "like", "LIKE"]
                if next == "(" && !keywords.contains(word) {
                    if !["search", "startswith", "suggest", "within_distance", "in_bbox", "year", "month", "day", "now"].contains(word) {
                        return "ODSQL query is malformed: unknown function \"\(word)\""
                    }
                } else if !keywords.contains(word) && !(next == "'" && word == "date") && !bodaccFields.contains(word) {
                    return "Unknown field: \(word)"
                }
                index = end
                continue
            }
            index = clause.index(after: index)
        }
        return depth == 0 ? nil : "ODSQL query is malformed: unbalanced parenthesis"
    }

    static func bound(in clause: String, after marker: String) -> String? {
        guard let range = clause.range(of: marker) else { return nil }
        return String(clause[range.upperBound...].prefix(10))
    }

    /// Each step's reports, per provider, by SIREN. A company keeps its last report until a
    /// step replaces it. Creditsafe's SIREN is read from the report's `companyId` without
    /// decoding the rest, so a 100 000-company scenario loads in seconds; the other providers'
    /// reports are decoded.
    static func load(_ folder: URL) throws -> [[MockSource: [String: Data]]] {
        let scenario = try FixtureScenario(folder: folder)
        var previous: [MockSource: [String: Data]] = [:]
        return try scenario.steps.map { step in
            var reports = previous
            defer { previous = reports }
            for report in try scenario.reportBodies(in: step) {
                guard let id = companyID(in: report.body) else { continue }
                reports[.creditsafe, default: [:]][String(id.dropFirst("FR-X-".count))] = report.body
            }
            for (source, suffix, siren) in Self.decodedSources {
                for report in try scenario.reportBodies(in: step, provider: source.rawValue, suffix: suffix) {
                    reports[source, default: [:]][try siren(report.body).digits] = report.body
                }
            }
            return reports
        }
    }

    /// The other providers' reports: their files' suffix, and how to read the SIREN they are about.
    static let decodedSources: [(MockSource, String, @Sendable (Data) throws -> SIREN)] = [
        (.ellisphere, "xml", { try EllisphereReportDecoder.decode($0, observedOn: FixtureScenario.undated).siren }),
        (.pappers, "json", { try PappersCompanyDecoder.decode($0, observedOn: FixtureScenario.undated).observation.siren }),
        (.altares, "json", { try AltaresScoreDecoder.decode($0, observedOn: FixtureScenario.undated).siren }),
    ]

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

    /// A search by registration number, as Creditsafe answers it: the company's
    /// establishments (`FR-X-{SIRET}`), a closed branch listed before the active head office.
    /// No known company: the documented "no results" shape.
    func searchJSON(_ registration: String) -> String {
        guard let siren = try? CompanyIdentifier(registration).siren, report(.creditsafe, siren: siren.digits) != nil else {
            return #"{"totalSize": 0, "companies": {}, "messages": [{"type": "Information", "text": "No results"}]}"#
        }
        let hits = [
            #"{"id": "FR-X-\#(Self.siret(siren, establishment: 99))", "country": "FR", "regNo": "\#(Self.siret(siren, establishment: 99))", "officeType": "branch", "status": "NonActive"}"#,
            #"{"id": "FR-X-\#(Self.siret(siren, establishment: 1))", "country": "FR", "regNo": "\#(Self.siret(siren, establishment: 1))", "officeType": "headOffice", "status": "Active"}"#,
        ]
        return #"{"correlationId": "mock", "totalSize": \#(hits.count), "companies": [\#(hits.joined(separator: ","))]}"#
    }

    /// A valid SIRET of the company: its SIREN, the establishment's number on four digits,
    /// and the Luhn check digit.
    static func siret(_ siren: SIREN, establishment: Int) -> String {
        let stem = siren.digits + String(format: "%04d", establishment)
        for check in 0...9 where (try? SIRET(stem + String(check))) != nil { return stem + String(check) }
        return stem + "0"
    }

    /// The report a connectId names: the head office's (`…00010`-like SIRETs ending the mock's
    /// establishment 1) or the SIREN's; a branch has none.
    /// A report as a client is served it: counted per company and step.
    func serve(_ source: MockSource, siren: String) -> (body: Data, contentType: String)? {
        let served = report(source, siren: siren)
        if served != nil {
            reportsServed[step, default: [:]][siren, default: 0] += 1
            let elapsed = ContinuousClock.now - started
            servedAt[siren, default: []].append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        return served
    }

    func report(connectID: String) -> (body: Data, contentType: String)? {
        let registration = connectID.split(separator: "-").last.map(String.init) ?? ""
        guard let siren = try? CompanyIdentifier(registration).siren else { return nil }
        if registration.count == 14, registration != Self.siret(siren, establishment: 1) { return nil }
        return serve(.creditsafe, siren: siren.digits)
    }

    /// The provider's report on the company at the current step, and how it is typed.
    func report(_ source: MockSource, siren: String) -> (body: Data, contentType: String)? {
        guard steps.indices.contains(step), let body = steps[step][source]?[siren] else { return nil }
        return (body, source.contentType)
    }

    // MARK: Creditsafe monitoring

    /// The documented shape: `{"totalCount", "data": {"portfolios": […]}, "paging"}`, filtered
    /// by `searchQuery` when given.
    func portfoliosJSON(search: String?) -> String {
        let list = portfolios.sorted { $0.key < $1.key }.filter { entry in search.map { entry.value.name.localizedCaseInsensitiveContains($0) } ?? true }
            .map { #"{"portfolioId": \#($0.key), "name": \#(Self.quoted($0.value.name)), "isDefault": "false", "emails": [], "isSharedPortfolio": 0}"# }
        return #"{"correlationId": "mock", "totalCount": \#(list.count), "data": {"portfolios": [\#(list.joined(separator: ","))], "sharedPortfolios": null}, "paging": {"size": \#(list.count), "prev": null, "next": null, "last": 0}}"#
    }

    /// The portfolio's French event rules, as `GET …/eventRules/FR` lists them; nil for an
    /// unknown portfolio.
    func eventRulesJSON(_ portfolio: Int) -> String? {
        guard let entry = portfolios[portfolio] else { return nil }
        let rules = Self.eventRules.map { rule in
            #"{"ruleCode": \#(rule.code), "isActive": \#(entry.activeRules.contains(rule.code)), "ruleCountryCode": "FR", "ruleType": 1, "ruleTypeName": "Mock", "name": \#(Self.quoted(rule.name))}"#
        }
        return "[" + rules.joined(separator: ",") + "]"
    }

    /// `PUT …/eventRules/FR` with the list of `{ruleCode, isActive}`: nil when the portfolio is
    /// unknown; a message when a rule is not one of the country's.
    func updateEventRules(_ portfolio: Int, _ updates: [(code: Int, active: Bool)]) -> String? {
        guard portfolios[portfolio] != nil else { return nil }
        let known = Set(Self.eventRules.map(\.code))
        if let unknown = updates.first(where: { !known.contains($0.code) }) { return "ruleCode \(unknown.code) is not a rule for FR" }
        for update in updates {
            if update.active { portfolios[portfolio]!.activeRules.insert(update.code) } else { portfolios[portfolio]!.activeRules.remove(update.code) }
        }
        counters["event_rules_updated", default: 0] += 1
        return ""
    }

    func createPortfolio(name: String) -> Int {
        let id = (portfolios.keys.max() ?? 1000) + 1
        portfolios[id] = Portfolio(name: name)
        return id
    }

    /// False when the portfolio does not exist.
    func addToPortfolio(_ portfolio: Int, connectID: String) -> Bool {
        guard portfolios[portfolio] != nil else { return false }
        if portfolios[portfolio]!.index.insert(connectID).inserted { portfolios[portfolio]!.members.append(connectID) }
        counters["portfolio_added", default: 0] += 1
        return true
    }

    func removeFromPortfolio(_ portfolio: Int, connectID: String) -> Bool {
        guard portfolios[portfolio]?.index.remove(connectID) != nil else { return false }
        portfolios[portfolio]!.members.removeAll { $0 == connectID }
        counters["portfolio_removed", default: 0] += 1
        return true
    }

    /// One page of a list of `total` items, in the monitoring API's envelope; `items` makes
    /// the JSON of the items in a range, so only the page's are built.
    static func page(total: Int, page: Int, size: Int, items: (Range<Int>) -> [String]) -> String {
        let size = max(1, size)
        let last = max(0, (total - 1) / size)
        let range = min(total, page * size)..<min(total, page * size + size)
        let next = page < last ? String(page + 1) : "null"
        let prev = page > 0 ? String(page - 1) : "null"
        return #"{"totalCount": \#(total), "data": [\#(items(range).joined(separator: ","))], "paging": {"size": \#(size), "prev": \#(prev), "next": \#(next), "last": \#(last)}}"#
    }

    func portfolioCompaniesJSON(_ portfolio: Int, page: Int, size: Int) -> String? {
        guard let entry = portfolios[portfolio] else { return nil }
        return Self.page(total: entry.members.count, page: page, size: size) { range in
            entry.members[range].map { #"{"id": "\#($0)", "countryCode": "FR", "portfolioId": \#(portfolio)}"# }
        }
    }

    /// Events on companies of any portfolio from `since`: by the day the change is dated, as
    /// Creditsafe filters unless `byCreatedDate` (`filterByCreatedDate=true`).
    func eventsJSON(since: Date, byCreatedDate: Bool, page: Int, size: Int) -> String {
        counters["events_pages", default: 0] += 1
        // ISO 8601, as the schema says (`format: date-time`), though its example is written otherwise.
        let formatter = ISO8601DateFormatter()
        let items = events.filter { (byCreatedDate ? $0.created : $0.dated) >= since }.map { event -> String in
            let name = portfolios[event.portfolio]?.name ?? ""
            let rule = Self.eventRules.first { $0.code == event.rule }?.name ?? ""
            return #"{"company": {"id": "\#(event.connectID)", "countryCode": "FR", "portfolioId": \#(event.portfolio), "portfolioName": \#(Self.quoted(name))}, "#
                + #""eventId": \#(event.id), "notificationEventId": \#(event.id), "eventDate": "\#(formatter.string(from: event.dated))", "#
                + #""oldValue": \#(Self.quoted(event.old)), "newValue": \#(Self.quoted(event.new)), "ruleCode": \#(event.rule), "ruleName": \#(Self.quoted(rule)), "isProcessed": false}"#
        }
        return Self.page(total: items.count, page: page, size: size) { Array(items[$0]) }
    }

    /// Records an event for every portfolio company whose Creditsafe report says something else
    /// at the new step than at the previous one, for each change a rule the portfolio has on
    /// reports: with no rule on, nothing is raised, as on the live service.
    private func raiseEvents(from previous: Int, to current: Int) {
        guard !portfolios.isEmpty, previous != current else { return }
        /// What the rules watch: score and rating, limit, status.
        func observed(_ body: Data?) -> (values: [String], dated: Date?)? {
            guard let body, let observation = try? CreditsafeReportDecoder.decode(body, observedOn: FixtureScenario.undated) else { return nil }
            let values = [
                (observation.score?.text ?? "-") + " " + (observation.rating ?? "-"), observation.rating ?? "-",
                observation.creditLimit?.text ?? "-", observation.status?.rawValue ?? "-",
            ]
            return (values, try? Date("\(observation.observedOn.iso)T00:00:00Z", strategy: .iso8601))
        }
        let now = Date()
        for (siren, body) in (steps[current][.creditsafe] ?? [:]).sorted(by: { $0.key < $1.key }) {
            let before = observed(steps[previous][.creditsafe]?[siren]), after = observed(body)
            guard let after, before?.values != after.values else { continue }
            let connectIDs = ["FR-X-\(siren)", "FR-X-\(Self.siret(SIREN(stored: siren), establishment: 1))"]
            for (id, portfolio) in portfolios.sorted(by: { $0.key < $1.key }) {
                guard let member = connectIDs.first(where: portfolio.index.contains) else { continue }
                for rule in Self.eventRules where portfolio.activeRules.contains(rule.code) && before?.values[rule.field] != after.values[rule.field] {
                    events.append(Event(
                        id: events.count + 1, created: now, dated: after.dated ?? now, portfolio: id, connectID: member, rule: rule.code,
                        old: before?.values[rule.field] ?? "-", new: after.values[rule.field]
                    ))
                }
            }
        }
    }

    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8), as: UTF8.self).dropFirst().dropLast().description
    }

    func setDown(_ down: Bool) {
        self.down = down
    }

    func advance() -> Int {
        let previous = step
        step = min(step + 1, steps.count - 1)
        raiseEvents(from: previous, to: step)
        return step
    }

    /// Per step, how many companies were served a report how many times: `{"0": {"1": 9990, "2": 10}}`.
    func reportsServedJSON() -> String {
        let steps = reportsServed.keys.sorted().map { step in
            let histogram = Dictionary(grouping: reportsServed[step]!.values, by: { $0 }).mapValues(\.count)
            return "\"\(step)\": {" + histogram.keys.sorted().map { "\"\($0)\": \(histogram[$0]!)" }.joined(separator: ", ") + "}"
        }
        return "{" + steps.joined(separator: ", ") + "}"
    }

    /// `{"SIREN": [seconds, …]}`: when each company's reports were served.
    func servedAtJSON() -> String {
        "{" + servedAt.keys.sorted().map { siren in "\"\(siren)\": [" + servedAt[siren]!.map { String(format: "%.3f", $0) }.joined(separator: ",") + "]" }
            .joined(separator: ", ") + "}"
    }

    func statsJSON() -> String {
        let entries = counters.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
        return "{\"step\": \(step), " + entries.joined(separator: ", ") + "}"
    }
}
