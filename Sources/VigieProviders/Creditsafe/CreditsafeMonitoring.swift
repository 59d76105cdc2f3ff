import Foundation
import VigieCore
import VigieTransport

/// Creditsafe's monitoring API (`/monitoring/…`): the scalable path for large watchlists.
///
/// Each poll keeps the portfolio in step with the watchlists (companies added and removed),
/// reads `notificationEvents` since the cursor, page by page, and fetches full reports only for
/// the companies with events, and for the companies just added, whose report is their
/// baseline. The cursor (`{"portfolio": id, "since": ISO 8601}`) moves only when every page was
/// read, so an interrupted poll reads the same events again, never fewer.
///
/// Shapes follow Creditsafe's OpenAPI (connect-docs `cs_connectv1-15`); no real
/// notification-event payload was available to check them against (see FORMATS.md).
extension CreditsafeProvider {
    struct MonitoringCursor: Codable {
        var portfolio: Int
        var since: Date
        /// Companies whose report is owed (an event or a baseline the daily budget did not
        /// afford): fetched first by the next poll, since the cursor moves past their events.
        var pending: [String]?
    }

    func pollMonitored(_ companies: [SIREN], cursor: String?, monitoring: Configuration.Monitoring, allowance: Int) async throws -> ScorePoll {
        let started = clock.now
        let previous = cursor.flatMap { try? Self.cursorDecoder.decode(MonitoringCursor.self, from: Data($0.utf8)) }
        let portfolio: Int
        if let known = previous?.portfolio {
            portfolio = known
        } else {
            portfolio = try await portfolioID(named: monitoring.portfolio)
        }
        try await ensureEventRules(portfolio, country: "FR", wanted: monitoring.eventRules)
        let watched = Set(companies)
        let members = try await portfolioCompanies(portfolio, pageSize: monitoring.pageSize)
        remember(connectIDs: members)

        // Keep the portfolio in step: add the newly watched, remove the no longer watched.
        let adding = companies.filter { members[$0] == nil }
        let additions = try await CompanyPoll.each(adding, concurrency: configuration.concurrency) { siren -> SIREN? in
            guard let id = try await self.connectID(for: siren) else { return nil }
            let body = try JSONSerialization.data(withJSONObject: ["id": id, "personalReference": "vigie", "freeText": NSNull(), "personalLimit": NSNull()])
            _ = try await self.authorized(HTTPRequest(url: "\(self.configuration.baseURL)/monitoring/portfolios/\(portfolio)/companies", headers: [("Content-Type", "application/json")], body: Array(body)))
            return siren
        }
        let leaving = members.filter { !watched.contains($0.key) }
        let removals = try await CompanyPoll.each(Array(leaving.keys), concurrency: configuration.concurrency) { siren -> SIREN? in
            do {
                _ = try await self.authorized(HTTPRequest(method: "DELETE", url: "\(self.configuration.baseURL)/monitoring/portfolios/\(portfolio)/companies/\(leaving[siren]!)"))
            } catch {
                throw ProviderClient.Failure(status: nil, message: "removing it from the monitoring portfolio: \(error)")
            }
            return siren
        }

        // Reports for companies with events since the cursor, and baselines for those just added.
        let changed: Set<SIREN> = if let since = previous?.since {
            try await companiesWithEvents(portfolio, since: since.addingTimeInterval(-monitoring.overlap.seconds), pageSize: monitoring.pageSize)
        } else {
            Set(members.keys)
        }
        let baselines = Set(additions.values)
        let owed = Set((previous?.pending ?? []).compactMap { try? SIREN($0) })
        let fetch = companies.filter { owed.contains($0) } + companies.filter { !owed.contains($0) && (changed.contains($0) || baselines.contains($0)) }
        var poll = try await observeEach(fetch, allowance: allowance)
        poll.failures += additions.failures + removals.failures
        poll.asked = fetch.count + adding.count + leaving.count
        let next = MonitoringCursor(portfolio: portfolio, since: started, pending: poll.deferred.isEmpty ? nil : poll.deferred.map(\.digits))
        poll.cursor = String(decoding: try Self.cursorEncoder.encode(next), as: UTF8.self)
        return poll
    }

    /// The portfolio of that name, created when there is none. The list is `data.portfolios`
    /// (the documented shape); a lost cursor, a second install or a new state folder finds
    /// the same portfolio instead of orphaning it.
    func portfolioID(named name: String) async throws -> Int {
        struct Portfolio: Decodable { var portfolioId: Int; var name: String? }
        struct Listing: Decodable {
            struct Data: Decodable { var portfolios: [Portfolio]? }
            var data: Data?
        }
        let query = ProviderClient.query([("searchQuery", name), ("pageSize", "1000")])
        let list = try await authorized(HTTPRequest(method: "GET", url: "\(configuration.baseURL)/monitoring/portfolios?\(query)"))
        guard let listing = try? SkimmingJSONDecoder().decode(Listing.self, from: Data(list.body)) else {
            throw ProviderClient.Failure(status: list.status, message: "Creditsafe's list of monitoring portfolios is not what the API documents (data.portfolios)")
        }
        if let found = listing.data?.portfolios?.first(where: { $0.name == name }) { return found.portfolioId }
        // Only documented fields: name, isDefault, emails, emailSubject, emailLanguage.
        let body = try JSONSerialization.data(withJSONObject: [
            "name": name, "isDefault": false, "emails": [String](), "emailSubject": "", "emailLanguage": "en",
        ] as [String: Any])
        let created = try await authorized(HTTPRequest(url: "\(configuration.baseURL)/monitoring/portfolios", headers: [("Content-Type", "application/json")], body: Array(body)))
        struct Created: Decodable { var portfolioId: Int }
        guard let id = try? SkimmingJSONDecoder().decode(Created.self, from: Data(created.body)).portfolioId else {
            throw ProviderClient.Failure(status: created.status, message: "Creditsafe's answer to creating the monitoring portfolio holds no portfolioId")
        }
        return id
    }

    /// One notification event rule as the portfolio lists it.
    struct EventRule: Decodable {
        var ruleCode: Int
        var isActive: Bool
        var param0: String?
        var param1: String?
        var param2: String?

        enum CodingKeys: String, CodingKey { case ruleCode, isActive, param0, param1, param2 }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            ruleCode = try container.decode(Int.self, forKey: .ruleCode)
            // Documented as a boolean, shown as 0/1 in the examples: both are read.
            if let flag = try? container.decode(Bool.self, forKey: .isActive) {
                isActive = flag
            } else {
                isActive = (try? container.decode(Int.self, forKey: .isActive)) == 1
            }
            func text(_ key: CodingKeys) -> String? {
                (try? container.decodeIfPresent(String.self, forKey: key)) ?? (try? container.decodeIfPresent(Int.self, forKey: key)).flatMap { $0.map(String.init) }
                    ?? (try? container.decodeIfPresent(Bool.self, forKey: key)).flatMap { $0.map { $0 ? "true" : "false" } }
            }
            param0 = text(.param0)
            param1 = text(.param1)
            param2 = text(.param2)
        }
    }

    /// Turns on the event rules Vigie needs for a country, then reads them back, as Creditsafe
    /// recommends. A portfolio with no rule on never sends an event: that is a failure of the
    /// source (it feeds source health), never a quiet poll.
    func ensureEventRules(_ portfolio: Int, country: String, wanted: Set<Int>?) async throws {
        let path = "\(configuration.baseURL)/monitoring/portfolios/\(portfolio)/eventRules/\(country)"
        func read() async throws -> [EventRule] {
            let response = try await authorized(HTTPRequest(method: "GET", url: path))
            guard let rules = try? SkimmingJSONDecoder().decode([EventRule].self, from: Data(response.body)) else {
                throw ProviderClient.Failure(status: response.status, message: "Creditsafe's event rules for portfolio \(portfolio) (\(country)) are not what the API documents")
            }
            return rules
        }
        let rules = try await read()
        let needed = rules.filter { wanted?.contains($0.ruleCode) ?? true }
        guard !needed.isEmpty else {
            throw ProviderClient.Failure(status: nil, message: "Creditsafe lists none of the event rules Vigie needs for \(country) on portfolio \(portfolio): no monitoring event can come; check providers.creditsafe.monitoring.event_rules and the contract's monitoring options")
        }
        guard needed.contains(where: { !$0.isActive }) else { return }
        // The whole list in one PUT, as the API asks; rules Vigie does not need are left as they are.
        let update: [[String: Any]] = rules.map { rule in
            var entry: [String: Any] = ["ruleCode": rule.ruleCode, "isActive": (rule.isActive || (wanted?.contains(rule.ruleCode) ?? true)) ? 1 : 0]
            for (key, value) in [("param0", rule.param0), ("param1", rule.param1), ("param2", rule.param2)] { if let value { entry[key] = value } }
            return entry
        }
        let body = try JSONSerialization.data(withJSONObject: update, options: [.sortedKeys])
        _ = try await authorized(HTTPRequest(method: "PUT", url: path, headers: [("Content-Type", "application/json")], body: Array(body)))
        let off = try await read().filter { (wanted?.contains($0.ruleCode) ?? true) && !$0.isActive }.map(\.ruleCode)
        guard off.isEmpty else {
            throw ProviderClient.Failure(status: nil, message: "Creditsafe's event rules \(off.sorted().map(String.init).joined(separator: ", ")) stay off on portfolio \(portfolio) after Vigie turned them on: no event comes for them; check the contract's monitoring options")
        }
    }

    /// The portfolio's companies, by SIREN, with the id to remove them by.
    func portfolioCompanies(_ portfolio: Int, pageSize: Int) async throws -> [SIREN: String] {
        struct Page: Decodable {
            struct Company: Decodable { var id: String }
            var data: [Company]?
            var paging: Paging?
        }
        var members: [SIREN: String] = [:]
        try await pages(pageSize: pageSize, label: "portfolio companies") { page in
            let response = try await self.authorized(HTTPRequest(method: "GET", url: "\(self.configuration.baseURL)/monitoring/portfolios/\(portfolio)/companies?page=\(page)&pageSize=\(pageSize)"))
            let decoded = try SkimmingJSONDecoder().decode(Page.self, from: Data(response.body))
            for company in decoded.data ?? [] {
                if let siren = Self.siren(inConnectID: company.id) { members[siren] = company.id }
            }
            return (decoded.data?.count ?? 0, decoded.paging)
        }
        return members
    }

    /// The companies of the portfolio with a notification event since `since`.
    func companiesWithEvents(_ portfolio: Int, since: Date, pageSize: Int) async throws -> Set<SIREN> {
        struct Page: Decodable {
            struct Event: Decodable {
                struct Company: Decodable { var id: String?; var portfolioId: Int? }
                var company: Company?
            }
            var data: [Event]?
            var paging: Paging?
        }
        let start = ISO8601DateFormatter().string(from: since)
        var companies: Set<SIREN> = []
        try await pages(pageSize: pageSize, label: "notification events") { page in
            // By creation date: an event Creditsafe records today about something that happened
            // last week was created after the last poll, though dated before it.
            let query = ProviderClient.query([
                ("startDate", start), ("filterByCreatedDate", "true"), ("sortBy", "eventDate"), ("sortDir", "asc"),
                ("page", String(page)), ("pageSize", String(pageSize)),
            ])
            let response = try await self.authorized(HTTPRequest(method: "GET", url: "\(self.configuration.baseURL)/monitoring/notificationEvents?\(query)"))
            let decoded = try SkimmingJSONDecoder().decode(Page.self, from: Data(response.body))
            for event in decoded.data ?? [] where event.company?.portfolioId.map({ $0 == portfolio }) ?? true {
                if let siren = event.company?.id.flatMap(Self.siren(inConnectID:)) { companies.insert(siren) }
            }
            return (decoded.data?.count ?? 0, decoded.paging)
        }
        return companies
    }

    struct Paging: Decodable {
        var next: Int?
        var last: Int?
    }

    /// Reads pages from 0 until `paging.next` says there is none (or a page comes back empty);
    /// a body that is not the expected page is a failure of the whole read.
    func pages(pageSize: Int, label: String, _ read: (Int) async throws -> (count: Int, paging: Paging?)) async throws {
        var page = 0
        while true {
            let result: (count: Int, paging: Paging?)
            do {
                result = try await read(page)
            } catch let error as DecodingError {
                throw ProviderClient.Failure(status: nil, message: "Creditsafe's \(label) page \(page) is not what the API documents: \(String(describing: error).prefix(160))")
            }
            guard result.count > 0, let next = result.paging?.next, next > page else { return }
            page = next
        }
    }

    static let cursorEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static let cursorDecoder = SkimmingJSONDecoder(dateDecoding: .iso8601)
}
