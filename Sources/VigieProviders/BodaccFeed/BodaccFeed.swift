import Foundation
import VigieCore
import VigieTransport

/// The BODACC open-data feed (Opendatasoft explore API v2.1, dataset `annonces-commerciales`):
/// collective procedures and radiations, read incrementally by publication date.
///
/// The cursor is the last publication day read in full, with the counts of the days before it.
/// Each poll counts a few days before it and reads again only those whose count changed
/// (notices are sometimes indexed late; the store drops those already seen), pages through
/// `records` 100 at a time, and, because `offset + limit` may not pass 10 000, splits a window
/// that holds more into halves — down to one day, which is then read whole from `exports`.
///
/// A company that joins a watchlist has its whole history read at once (`history(of:cursor:)`), so
/// a procedure opened before it was watched is known, and alerted, on its first cycle.
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
        /// A whole day's export is tens of megabytes: it gets longer than a page.
        public var exportTimeout: Duration = .seconds(600)
        /// Companies per history look-up: one `records` query names this many SIRENs.
        public var historyBatch = 50
        public var client = ProviderClient.Configuration()

        public init(baseURL: String) {
            self.baseURL = ProviderClient.baseURL(baseURL)
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
        self.client = ProviderClient(name: "BODACC", configuration: configuration.client, transport: transport, clock: clock)
        self.clock = clock
    }

    /// Where a poll stopped: the last day read, and how many notices each of the last days
    /// held then. A plain day (earlier cursors) has no counts: its overlap is read again.
    public struct Cursor: Codable, Sendable {
        public var day: String
        public var counts: [String: Int]?

        init(day: String, counts: [String: Int]?) {
            self.day = day
            self.counts = counts
        }

        public init?(_ text: String?) {
            guard let text else { return nil }
            if let decoded = try? SkimmingJSONDecoder().decode(Cursor.self, from: Data(text.utf8)) {
                self = decoded
            } else if CalendarDay(iso: text) != nil {
                self.init(day: text, counts: nil)
            } else {
                return nil
            }
        }

        var text: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
        }
    }

    /// What is new since the cursor: the days after it, read whole, and of the overlap days
    /// before it (late-indexed notices), only those whose count changed, asked for by a count
    /// alone. A feed polled every 15 minutes reads a day's 10 000 notices once, not 300 times.
    public func poll(watching: Set<SIREN>, cursor: String?) async throws -> FeedPoll {
        let today = CalendarDay(clock.now)
        let previous = Cursor(cursor)
        guard let previous, let last = CalendarDay(iso: previous.day) else {
            let start = today.adding(days: -configuration.lookbackDays)
            let notices = try await read(from: start, to: today)
            return FeedPoll(notices: notices, cursor: try await nextCursor(today: today, read: notices, known: [:]))
        }
        var notices: [BodaccNotice] = []
        var known = previous.counts ?? [:]
        for offset in stride(from: configuration.overlapDays, through: 0, by: -1) {
            let day = last.adding(days: -offset)
            guard day <= today else { continue }
            let count = try await count(on: day)
            if previous.counts?[day.iso] == count { continue }
            notices += try await read(from: day, to: day)
            known[day.iso] = count
        }
        if last < today { notices += try await read(from: last.adding(days: 1), to: today) }
        return FeedPoll(notices: notices, cursor: try await nextCursor(today: today, read: notices, known: known))
    }

    /// The cursor after a poll: today, and the count of each overlap day (counted when this
    /// poll did not read it whole).
    func nextCursor(today: CalendarDay, read notices: [BodaccNotice], known: [String: Int]) async throws -> String {
        let perDay = Dictionary(grouping: notices.compactMap(\.published), by: \.iso).mapValues(\.count)
        var counts: [String: Int] = [:]
        for offset in 0...configuration.overlapDays {
            let day = today.adding(days: -offset).iso
            counts[day] = known[day] ?? perDay[day] ?? 0
        }
        return Cursor(day: today.iso, counts: counts).text
    }

    /// How many notices of the families a day holds: one request, no record.
    func count(on day: CalendarDay) async throws -> Int {
        let clause = "(\(families)) AND dateparution=date'\(day.iso)'"
        let query = [("where", clause), ("limit", "0")]
        let response = try await client.send(HTTPRequest(method: "GET", url: "\(configuration.baseURL)/records?\(ProviderClient.query(query))"))
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], let total = object["total_count"] as? Int else {
            throw ProviderClient.Failure(status: response.status, message: "BODACC answered something that is not a records count")
        }
        return total
    }

    /// Every notice of the families these companies were ever named in, asked for
    /// `historyBatch` companies at a time (`registre="…"` matches any element of the array).
    /// The live feed's history is everything published, whatever its cursor.
    public func history(of companies: [SIREN], cursor: String?) async throws -> [BodaccNotice]? {
        var notices: [BodaccNotice] = []
        for start in stride(from: 0, to: companies.count, by: max(1, configuration.historyBatch)) {
            let batch = companies[start..<min(companies.count, start + max(1, configuration.historyBatch))]
            let registered = batch.map { "registre=\"\($0.digits)\"" }.joined(separator: " OR ")
            notices += try await read(where: "(\(families)) AND (\(registered))", label: "history of \(batch.count) companies", split: nil)
        }
        return notices
    }

    /// Notices that name no SIREN (unregistered sole traders) published in these postcodes:
    /// `registre="…"` cannot find them, so a company whose watchlist entry gives its postcode
    /// is matched against them by name, as a weaker match.
    public func unregisteredHistory(postcodes: Set<String>) async throws -> [BodaccNotice] {
        var notices: [BodaccNotice] = []
        let codes = postcodes.sorted()
        for start in stride(from: 0, to: codes.count, by: max(1, configuration.historyBatch)) {
            let batch = codes[start..<min(codes.count, start + max(1, configuration.historyBatch))]
            let places = batch.map { "cp=\"\($0)\"" }.joined(separator: " OR ")
            notices += try await read(where: "(\(families)) AND registre is null AND (\(places))", label: "unregistered notices of \(batch.count) postcodes", split: nil)
        }
        return notices
    }

    /// Every notice of the families published in [from, to]: a window too large to page
    /// through is split in halves, and a single day read whole from `exports`.
    func read(from: CalendarDay, to: CalendarDay) async throws -> [BodaccNotice] {
        let clause = "(\(families)) AND dateparution>=date'\(from.iso)' AND dateparution<=date'\(to.iso)'"
        return try await read(where: clause, label: from == to ? from.iso : "\(from.iso)…\(to.iso)") {
            if from == to { return nil }
            let middle = from.adding(days: from.days(until: to) / 2)
            return try await read(from: from, to: middle) + read(from: middle.adding(days: 1), to: to)
        }
    }

    /// Pages through `records`; past the ceiling, `split` reads it in parts, or, when it
    /// cannot split (nil), the whole set comes from `exports`.
    func read(where clause: String, label: String, split: (() async throws -> [BodaccNotice]?)?) async throws -> [BodaccNotice] {
        let first = try await page(where: clause, offset: 0)
        guard first.total > configuration.pagingCeiling else {
            var notices = first.notices
            var offset = notices.count
            while offset < first.total, offset + configuration.pageSize <= configuration.pagingCeiling {
                let next = try await page(where: clause, offset: offset)
                guard !next.notices.isEmpty else { break }
                notices += next.notices
                offset += next.notices.count
            }
            return notices
        }
        if let parts = try await split?() { return parts }
        return try await export(where: clause, label: label)
    }

    var families: String {
        configuration.families.map { "familleavis=\"\($0)\"" }.joined(separator: " OR ")
    }

    func page(where clause: String, offset: Int) async throws -> (total: Int, notices: [BodaccNotice]) {
        let query = [("where", clause), ("order_by", "dateparution,id"), ("limit", String(configuration.pageSize)), ("offset", String(offset))]
        let response = try await client.send(HTTPRequest(method: "GET", url: "\(configuration.baseURL)/records?\(ProviderClient.query(query))"))
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], let total = object["total_count"] as? Int else {
            throw ProviderClient.Failure(status: response.status, message: "BODACC answered something that is not a records page")
        }
        do {
            return (total, try BodaccJSONDecoder.decode(Data(response.body), file: "BODACC records"))
        } catch {
            throw ProviderClient.Failure(status: response.status, message: "BODACC records page at offset \(offset): \(error)")
        }
    }

    func export(where clause: String, label: String) async throws -> [BodaccNotice] {
        let query = [("where", clause), ("order_by", "id")]
        let response = try await client.send(HTTPRequest(method: "GET", url: "\(configuration.baseURL)/exports/json?\(ProviderClient.query(query))", timeout: configuration.exportTimeout))
        do {
            return try BodaccJSONDecoder.decode(Data(response.body), file: "BODACC export of \(label)")
        } catch {
            throw ProviderClient.Failure(status: response.status, message: "\(error)")
        }
    }
}
