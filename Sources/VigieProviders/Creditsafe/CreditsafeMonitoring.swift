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
    }

    func pollMonitored(_ companies: [SIREN], cursor: String?, monitoring: Configuration.Monitoring) async throws -> ScorePoll {
        let started = Date()
        let previous = cursor.flatMap { try? Self.cursorDecoder.decode(MonitoringCursor.self, from: Data($0.utf8)) }
        let portfolio: Int
        if let known = previous?.portfolio {
            portfolio = known
        } else {
            portfolio = try await portfolioID(named: monitoring.portfolio)
        }
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
        let fetch = companies.filter { changed.contains($0) || baselines.contains($0) }
        var poll = try await observeEach(fetch)
        poll.failures += additions.failures + removals.failures
        poll.asked = fetch.count + adding.count + leaving.count
        let next = MonitoringCursor(portfolio: portfolio, since: started)
        poll.cursor = String(decoding: try Self.cursorEncoder.encode(next), as: UTF8.self)
        return poll
    }

    /// The portfolio of that name, created when there is none.
    func portfolioID(named name: String) async throws -> Int {
        struct Portfolios: Decodable {
            struct Portfolio: Decodable { var portfolioId: Int; var name: String? }
            var portfolios: [Portfolio]?
        }
        let list = try await authorized(HTTPRequest(method: "GET", url: "\(configuration.baseURL)/monitoring/portfolios?pageSize=1000"))
        if let found = try? JSONDecoder().decode(Portfolios.self, from: Data(list.body)).portfolios?.first(where: { $0.name == name }) {
            return found.portfolioId
        }
        let body = try JSONSerialization.data(withJSONObject: [
            "name": name, "isDefault": false, "emails": [String](), "emailSubject": "", "emailLanguage": "en", "frequency": "daily",
        ] as [String: Any])
        let created = try await authorized(HTTPRequest(url: "\(configuration.baseURL)/monitoring/portfolios", headers: [("Content-Type", "application/json")], body: Array(body)))
        struct Created: Decodable { var portfolioId: Int }
        guard let id = try? JSONDecoder().decode(Created.self, from: Data(created.body)).portfolioId else {
            throw ProviderClient.Failure(status: created.status, message: "Creditsafe's answer to creating the monitoring portfolio holds no portfolioId")
        }
        return id
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
            let decoded = try JSONDecoder().decode(Page.self, from: Data(response.body))
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
            let query = ProviderClient.query([("startDate", start), ("sortBy", "eventDate"), ("sortDir", "asc"), ("page", String(page)), ("pageSize", String(pageSize))])
            let response = try await self.authorized(HTTPRequest(method: "GET", url: "\(self.configuration.baseURL)/monitoring/notificationEvents?\(query)"))
            let decoded = try JSONDecoder().decode(Page.self, from: Data(response.body))
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

    static let cursorDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
