import Foundation
import VigieCore

/// A case as `vigie cases list --format jsonl` prints it and the API returns it: stable
/// snake_case keys, added to, never renamed.
public struct CaseRecord: Encodable, Sendable {
    public var id: String
    public var siren: String
    public var company: String?
    public var situation: String
    public var state: String
    public var severity: String
    public var title: String
    public var owner: String?
    public var exposure: [String: String]
    public var openedAt: String
    public var ageDays: Int
    public var procedure: String?
    public var claimsDeadline: String?
    public var mandataire: String?
    public var facts: Int
    /// Owed, covered, uncovered, and the claim to declare, when an aged balance, an insurer or
    /// a guarantee says.
    public var position: PositionRecord?

    public init(_ item: Case, at now: Date) {
        id = item.id
        siren = item.siren.digits
        company = item.companyName
        situation = item.situation.rawValue
        state = item.state(at: now).rawValue
        severity = item.severity.rawValue
        title = item.title
        owner = item.owner
        exposure = item.exposure.mapValues { "\($0)" }
        openedAt = item.openedAt.iso8601
        ageDays = item.ageDays(at: now)
        procedure = item.procedure?.rawValue
        claimsDeadline = item.claims?.deadline.iso
        mandataire = item.claims?.mandataire
        facts = item.facts.count
        position = item.position.map(PositionRecord.init)
    }

    public func jsonLine() -> String {
        RecordJSONEncoder.line(self)
    }
}
