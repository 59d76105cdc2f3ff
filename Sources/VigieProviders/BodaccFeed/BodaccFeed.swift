import Foundation
import VigieCore
import VigieTransport

/// The BODACC open-data feed (Opendatasoft explore API v2.1, dataset `annonces-commerciales`):
/// collective procedures and radiations, read incrementally by publication date.
///
/// The cursor is the last publication day read in full. Each poll re-reads a few days before
/// it (notices are sometimes indexed late; the store drops those already seen), pages through
/// `records` 100 at a time, and, because `offset + limit` may not pass 10 000, splits a window
/// that holds more into halves — down to one day, which is then read whole from `exports`.
public struct BodaccFeed: ProcedureFeed {
    public struct Configuration: Sendable {
        /// `https://bodacc-datadila.opendatasoft.com/api/explore/v2.1/catalog/datasets/annonces-commerciales`.
        public var baseURL: String
        /// Days read on the first poll.
        public var lookbackDays = 30
        /// Days before the cursor read again.
        public var overlapDays = 3
        public var pageSize = 100
        /// The API's ceiling on `offset + limit`.
        public var pagingCeiling = 10_000
        public var families = ["collective", "radiation"]
        public var client = ProviderClient.Configuration()

        public init(baseURL: String) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        }
    }

    /// A day's export can weigh tens of megabytes: the transport the feed uses must accept it.
    public static let maxResponseBytes = 512 << 20

    public let name = "bodacc"
    let configuration: Configuration
    let client: ProviderClient
    let clock: any WallClock

    public init(configuration: Configuration, transport: CurlTransport, clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        self.client = ProviderClient(name: "BODACC", configuration: configuration.client, transport: transport)
        self.clock = clock
    }

    public func poll(watching: Set<SIREN>, cursor: String?) async throws -> FeedPoll {
        let today = CalendarDay(clock.now)
        let start = cursor.flatMap { CalendarDay(iso: $0) }.map { $0.adding(days: -configuration.overlapDays) } ?? today.adding(days: -configuration.lookbackDays)
        let notices = try await read(from: start, to: today)
        return FeedPoll(notices: notices, cursor: today.iso)
    }

    /// Every notice of the families published in [from, to].
    func read(from: CalendarDay, to: CalendarDay) async throws -> [BodaccNotice] {
        let first = try await page(from: from, to: to, offset: 0)
        guard first.total > configuration.pagingCeiling else {
            var notices = first.notices
            var offset = notices.count
            while offset < first.total, offset + configuration.pageSize <= configuration.pagingCeiling {
                let next = try await page(from: from, to: to, offset: offset)
                guard !next.notices.isEmpty else { break }
                notices += next.notices
                offset += next.notices.count
            }
            return notices
        }
        if from == to { return try await export(day: from) }
        let middle = from.adding(days: from.days(until: to) / 2)
        return try await read(from: from, to: middle) + read(from: middle.adding(days: 1), to: to)
    }

    func whereClause(from: CalendarDay, to: CalendarDay) -> String {
        let families = configuration.families.map { "familleavis=\"\($0)\"" }.joined(separator: " OR ")
        return "(\(families)) AND dateparution>=date'\(from.iso)' AND dateparution<=date'\(to.iso)'"
    }

    func page(from: CalendarDay, to: CalendarDay, offset: Int) async throws -> (total: Int, notices: [BodaccNotice]) {
        let query = [("where", whereClause(from: from, to: to)), ("order_by", "dateparution,id"), ("limit", String(configuration.pageSize)), ("offset", String(offset))]
        let response = try await client.send(HTTPRequest(method: "GET", url: "\(configuration.baseURL)/records?\(Self.encode(query))"))
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], let total = object["total_count"] as? Int else {
            throw ProviderClient.Failure(status: response.status, message: "BODACC answered something that is not a records page")
        }
        do {
            return (total, try BodaccJSONDecoder.decode(Data(response.body), file: "BODACC records"))
        } catch {
            throw ProviderClient.Failure(status: response.status, message: "BODACC records page at offset \(offset): \(error)")
        }
    }

    func export(day: CalendarDay) async throws -> [BodaccNotice] {
        let query = [("where", whereClause(from: day, to: day)), ("order_by", "id")]
        let response = try await client.send(HTTPRequest(method: "GET", url: "\(configuration.baseURL)/exports/json?\(Self.encode(query))"))
        do {
            return try BodaccJSONDecoder.decode(Data(response.body), file: "BODACC export of \(day.iso)")
        } catch {
            throw ProviderClient.Failure(status: response.status, message: "\(error)")
        }
    }

    static func encode(_ query: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~")
        return query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }.joined(separator: "&")
    }
}
