import Foundation
import VigieCore
import VigieProviders

/// The providers the mock answers for, and where their reports sit in a scenario step.
enum MockSource: String, Sendable, CaseIterable {
    case creditsafe, ellisphere, pappers

    var contentType: String { self == .ellisphere ? "application/xml" : "application/json" }
}

/// What the mock serves and counts.
actor MockState {
    /// Per step, per provider, each company's report by its SIREN's digits.
    let steps: [[MockSource: [String: Data]]]
    /// BODACC records: the step that publishes them (0 for generated ones), their day, their
    /// SIRENs, their JSON.
    let bodacc: [(step: Int, day: String, sirens: [String], record: Data)]
    private var step = 0
    private(set) var down: Bool
    private var tokens: [String: Int] = [:]
    private var counters: [String: Int] = [:]

    init(folder: URL, bulk: (day: CalendarDay, count: Int)?, down: Bool) throws {
        self.down = down
        self.steps = try Self.load(folder)
        self.bodacc = try Self.loadNotices(folder, bulk: bulk)
    }

    /// The records of the scenario's `bodacc.json` files, and `bulk` generated ones.
    static func loadNotices(_ folder: URL, bulk: (day: CalendarDay, count: Int)?) throws -> [(step: Int, day: String, sirens: [String], record: Data)] {
        let scenario = try FixtureScenario(folder: folder)
        var notices: [(step: Int, day: String, sirens: [String], record: Data)] = []
        for (index, step) in scenario.steps.enumerated() {
            let file = step.folder.appendingPathComponent("bodacc.json")
            guard let data = try? Data(contentsOf: file), let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let records = object["results"] as? [[String: Any]] else { continue }
            for record in records {
                let registered = (record["registre"] as? [String]) ?? []
                notices.append((index, record["dateparution"] as? String ?? "", registered, try JSONSerialization.data(withJSONObject: record)))
            }
        }
        if let bulk {
            for number in 1...max(1, bulk.count) {
                let record: [String: Any] = [
                    "id": "A\(bulk.day.compact)\(number)", "publicationavis": "A", "dateparution": bulk.day.iso, "numeroannonce": number,
                    "typeavis": "annonce", "familleavis": "collective", "registre": NSNull(), "commercant": "GENERATED \(number)",
                    "jugement": #"{"type": "initial", "famille": "Jugement d'ouverture", "nature": "Jugement d'ouverture de liquidation judiciaire"}"#,
                ]
                notices.append((0, bulk.day.iso, [], try JSONSerialization.data(withJSONObject: record)))
            }
        }
        return notices
    }

    /// Records published so far whose day falls in the `where` clause's `dateparution` bounds.
    /// Records published so far that fall in the clause's `dateparution` bounds and, when it
    /// names companies (`registre="…"`), name one of them.
    func notices(where clause: String) -> [Data] {
        let lower = Self.bound(in: clause, after: "dateparution>=date'")
        let upper = Self.bound(in: clause, after: "dateparution<=date'")
        let registered = Set(clause.components(separatedBy: "registre=\"").dropFirst().map { String($0.prefix(9)) })
        counters["bodacc", default: 0] += 1
        let current = step
        return bodacc.filter { notice in
            notice.step <= current && (lower.map { notice.day >= $0 } ?? true) && (upper.map { notice.day <= $0 } ?? true)
                && (registered.isEmpty || notice.sirens.contains { registered.contains($0) })
        }.map(\.record)
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
            for body in try scenario.reportBodies(in: step) {
                guard let id = companyID(in: body) else { continue }
                reports[.creditsafe, default: [:]][String(id.dropFirst("FR-X-".count))] = body
            }
            let undated = CalendarDay(year: 2000, month: 1, day: 1)!
            for body in try scenario.reportBodies(in: step, provider: MockSource.ellisphere.rawValue, suffix: "xml") {
                reports[.ellisphere, default: [:]][try EllisphereReportDecoder.decode(body, observedOn: undated).siren.digits] = body
            }
            for body in try scenario.reportBodies(in: step, provider: MockSource.pappers.rawValue, suffix: "json") {
                reports[.pappers, default: [:]][try PappersCompanyDecoder.decode(body, observedOn: undated).observation.siren.digits] = body
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
        guard let siren = try? CompanyIdentifier(registration).siren, report(.creditsafe, siren: siren.digits) != nil else { return nil }
        return "FR-X-\(siren.digits)"
    }

    /// The provider's report on the company at the current step, and how it is typed.
    func report(_ source: MockSource, siren: String) -> (body: Data, contentType: String)? {
        guard steps.indices.contains(step), let body = steps[step][source]?[siren] else { return nil }
        return (body, source.contentType)
    }

    func setDown(_ down: Bool) {
        self.down = down
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
