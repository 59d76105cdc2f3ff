import Foundation
import Testing
import VigieCore
@testable import VigieMock
@testable import VigieProviders
import VigieTestSupport
import VigieTransport

@Suite("The BODACC feed over HTTP against vigie mock-provider")
struct BodaccFeedTests {
    static func feed(_ baseURL: String, today: CalendarDay) -> (BodaccFeed, CurlTransport) {
        var transportConfiguration = CurlTransport.Configuration()
        transportConfiguration.maxResponseBytes = BodaccFeed.maxResponseBytes
        let transport = CurlTransport(configuration: transportConfiguration)
        let clock = ManualWallClock(try! Date("\(today.iso)T12:00:00Z", strategy: .iso8601))
        var configuration = BodaccFeed.Configuration(baseURL: baseURL + "/bodacc/api/explore/v2.1/catalog/datasets/annonces-commerciales")
        configuration.client.rate = 1000
        configuration.client.burst = 1000
        return (BodaccFeed(configuration: configuration, transport: transport, clock: clock), transport)
    }

    @Test("more than 10 000 notices in one day are read in full: the window is narrowed, then the day exported")
    func pagingPastTheCeiling() async throws {
        let bigDay = CalendarDay(year: 2026, month: 3, day: 10)!
        let notices = try await withMockProvider({ $0.bulkNotices = (bigDay, 10_500) }) { baseURL, _ in
            let (feed, transport) = Self.feed(baseURL, today: CalendarDay(year: 2026, month: 3, day: 12)!)
            defer { transport.shutdown() }
            let poll = try await feed.poll(watching: [], cursor: "2026-03-11")
            #expect(BodaccFeed.Cursor(poll.cursor)?.day == "2026-03-12")
            #expect(BodaccFeed.Cursor(poll.cursor)?.counts?["2026-03-10"] == 10_500)
            return poll.notices
        }
        #expect(notices.count == 10_500)
        #expect(Set(notices.map(\.id)).count == 10_500)
        #expect(notices.allSatisfy { NoticeClassifier.classify($0).event == .opened })
    }

    @Test("an incremental poll reads the days since the cursor, with an overlap, as the scenario publishes them")
    func incremental() async throws {
        let (first, second) = try await withMockProvider { baseURL, control in
            let (feed, transport) = Self.feed(baseURL, today: CalendarDay(year: 2026, month: 2, day: 14)!)
            defer { transport.shutdown() }
            let first = try await feed.poll(watching: [], cursor: nil)
            for _ in 0..<4 { _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/advance")) }
            let second = try await feed.poll(watching: [], cursor: "2026-02-07")
            return (first.notices, second.notices)
        }
        #expect(first.count == 3, "the first step's notices")
        #expect(first.contains { $0.companyName == "FRIZY" && NoticeClassifier.classify($0).event == .opened })
        // From 2026-02-04 (three days before the cursor) to the 14th: the notices published then.
        #expect(second.allSatisfy { ($0.published?.iso ?? "") >= "2026-02-04" })
        #expect(second.contains { $0.companyName == "SCI DES QUATRE SAISONS" })
        #expect(!second.contains { $0.companyName == "FRIZY" }, "published on the 2nd, before the overlap")
    }

    @Test("a poll reads only what is new since its cursor: the overlap days are counted, and read again only when their count changed")
    func onlyWhatIsNew() async throws {
        let (first, again, later) = try await withMockProvider { baseURL, control in
            let (feed, transport) = Self.feed(baseURL, today: CalendarDay(year: 2026, month: 2, day: 5)!)
            defer { transport.shutdown() }
            let first = try await feed.poll(watching: [], cursor: nil)
            let again = try await feed.poll(watching: [], cursor: first.cursor)
            // A later step publishes on days inside the overlap: their counts change, they are read.
            for _ in 0..<3 { _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/advance")) }
            let later = try await feed.poll(watching: [], cursor: again.cursor)
            return (first.notices, again.notices, later.notices)
        }
        #expect(!first.isEmpty)
        #expect(again.isEmpty, "nothing new: nothing read again")
        #expect(later.contains { $0.companyName == "PASARGAD" }, "what the later steps published comes through")
    }

    @Test("history by SIREN: registre=\"…\" finds a company's notices among all published; exports as JSON and JSONL agree")
    func historyAndExports() async throws {
        let (history, json, jsonl) = try await withMockProvider { baseURL, control in
            let (feed, transport) = Self.feed(baseURL, today: CalendarDay(year: 2026, month: 2, day: 14)!)
            defer { transport.shutdown() }
            for _ in 0..<4 { _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/advance")) }
            let history = try await feed.history(of: [try SIREN("881843924"), try SIREN("337891287")], cursor: nil) ?? []
            let exports = baseURL + "/bodacc/api/explore/v2.1/catalog/datasets/annonces-commerciales/exports/"
            let json = try BodaccJSONDecoder.decode(Data(try await control.send(HTTPRequest(method: "GET", url: exports + "json")).body), file: "json")
            let jsonl = try BodaccJSONDecoder.decode(Data(try await control.send(HTTPRequest(method: "GET", url: exports + "jsonl")).body), file: "jsonl")
            return (history, json, jsonl)
        }
        #expect(history.map(\.companyName) == ["PASARGAD"], "GAMM VERT has no notice; PASARGAD its receivership")
        #expect(json.count == 11 && jsonl.count == 11)
        #expect(json.map(\.id) == jsonl.map(\.id))
    }
}

@Suite("The mock's BODACC follows the portal")
struct MockBodaccTests {
    @Test("on the scenario's own calendar: a feed on the wall clock sees the demo's notices, published lately, as they come")
    func scenarioCalendar() async throws {
        let today = CalendarDay(Date())
        let (first, later) = try await withMockProvider({ $0.bodaccOnToday = true }) { baseURL, control in
            let (feed, transport) = BodaccFeedTests.feed(baseURL, today: today)
            defer { transport.shutdown() }
            let first = try await feed.poll(watching: [], cursor: nil)
            for _ in 0..<3 { _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/advance")) }
            let later = try await feed.poll(watching: [], cursor: first.cursor)
            return (first.notices, later.notices)
        }
        #expect(first.contains { $0.companyName == "FRIZY" }, "the first step's notices, on a wall-clock window")
        #expect(first.allSatisfy { ($0.published.map { $0.days(until: today) } ?? 99) <= 30 })
        #expect(later.contains { $0.companyName == "SCI DES QUATRE SAISONS" }, "a later step's, once it is published")
    }

    @Test("a where clause the portal would refuse is refused: an unknown function, bad quoting, an unknown field", arguments: [
        #"familleavis="collective" AND frobnicate(registre)"#,
        #"familleavis="collective AND registre="552081317""#,
        #"famileavis="collective""#,
    ])
    func strictODSQL(clause: String) async throws {
        let status = try await withMockProvider { baseURL, control in
            let query = "where=" + (clause.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            return try await control.send(HTTPRequest(method: "GET", url: baseURL + "/bodacc/api/explore/v2.1/catalog/datasets/annonces-commerciales/records?\(query)")).status
        }
        #expect(status == 400)
    }

    @Test("every where clause Vigie writes is one the portal accepts")
    func vigieClauses() {
        let feed = BodaccFeed(configuration: .init(baseURL: "http://x"), transport: CurlTransport())
        let clauses = [
            "(\(feed.families)) AND dateparution>=date'2026-02-01' AND dateparution<=date'2026-02-14'",
            "(\(feed.families)) AND (registre=\"881843924\" OR registre=\"337891287\")",
        ]
        for clause in clauses { #expect(MockState.odsqlProblem(clause) == nil, "\(clause)") }
    }
}
