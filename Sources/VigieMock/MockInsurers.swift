import Foundation
import VigieCore
import VigieProviders

/// The insurers' APIs as the mock serves them: each step's `insurers/<name>.csv` export, read by
/// Vigie's own export reader, answered in the shape each API adapter reads (UNVERIFIED shapes,
/// the adapters' own). A step without the file keeps the decisions of the step before.
enum MockInsurers {
    /// Per step, per insurer, each buyer's decision by its SIREN's digits.
    static func load(_ folder: URL) throws -> [[String: [String: InsurerCover]]] {
        let scenario = try FixtureScenario(folder: folder)
        var previous: [String: [String: InsurerCover]] = [:]
        return scenario.steps.map { step -> [String: [String: InsurerCover]] in
            var covers = previous
            defer { previous = covers }
            let exports = step.folder.appendingPathComponent("insurers")
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: exports.path)) ?? []).filter({ $0.hasSuffix(".csv") }) {
                let insurer = String(name.dropLast(4))
                guard let data = FileManager.default.contents(atPath: exports.appendingPathComponent(name).path), let text = ExportText.decode(data) else { continue }
                for (siren, cover) in InsurerExport.parse(text, file: name, insurer: insurer).covers {
                    covers[insurer, default: [:]][siren.digits] = cover
                }
            }
            return covers
        }
    }

    static func amount(_ money: Money?) -> String {
        money.map { "\($0.amount)" } ?? "null"
    }

    /// Allianz Trade's `GET /v1/covers` answer.
    static func allianzTrade(_ cover: InsurerCover?, siren: String, name: String?) -> String {
        guard let cover else { return #"{"covers": []}"# }
        let type = switch cover.decision {
        case .approved: "FULL_AGREEMENT"
        case .partlyApproved: "PARTIAL_AGREEMENT"
        case .conditional: "CONDITIONAL_AGREEMENT"
        case .refused: "REFUSAL"
        case .reduced: "REDUCTION"
        case .cancelled: "CANCELLATION"
        case .underReview: "PENDING"
        case .expired: "EXPIRED"
        }
        func money(_ value: Money?) -> String {
            value.map { #"{"value": \#($0.amount), "currency": "\#($0.currency)"}"# } ?? "null"
        }
        return #"""
            {"covers": [{"coverId": \#(quoted(cover.reference)), "policyId": "mock-policy", "buyer": {"nationalId": "\#(siren)", "name": \#(quoted(name)), "countryCode": "FR"},
              "decision": {"type": "\#(type)", "amount": \#(money(cover.granted)), "requestedAmount": \#(money(cover.requested)),
                "effectiveDate": \#(quoted(cover.decidedOn?.iso)), "expiryDate": \#(quoted(cover.expiresOn?.iso))}}]}
            """#
    }

    /// Coface's `GET /cofaserve/v1/decisions` answer: decisions coded as EDIFACT 4507.
    static func coface(_ cover: InsurerCover?, siren: String, name: String?) -> String {
        guard let cover else { return #"{"decisions": []}"# }
        return #"{"decisions": [\#(cofaceDecision(cover, siren: siren, name: name))]}"#
    }

    /// Coface's `GET /cofaserve/v1/notifications` answer: the decisions changed, and where to follow from.
    static func cofaceNotifications(_ changed: [(id: Int, siren: String, cover: InsurerCover)], head: Int) -> String {
        let items = changed.map { #"{"id": \#($0.id), "decision": \#(cofaceDecision($0.cover, siren: $0.siren, name: nil))}"# }
        return #"{"notifications": [\#(items.joined(separator: ", "))], "cursor": "\#(head)"}"#
    }

    static func cofaceDecision(_ cover: InsurerCover, siren: String, name: String?) -> String {
        let code = switch cover.decision {
        case .underReview: "6"
        case .approved: "2"
        case .refused: "3"
        case .conditional: "4"
        case .partlyApproved: "5"
        case .cancelled: "8"
        case .reduced: "9"
        case .expired: "Expired"
        }
        return #"""
            {"decisionId": "mock-\#(siren)", "easyNumber": \#(quoted(cover.reference)), "buyer": {"siren": "\#(siren)", "companyName": \#(quoted(name))},
              "decisionCode": "\#(code)", "currency": "\#(cover.granted?.currency ?? "EUR")", "requestedAmount": \#(amount(cover.requested)),
              "decisionAmount": \#(amount(cover.granted)), "decisionDate": \#(quoted(cover.decidedOn?.iso)), "expiryDate": \#(quoted(cover.expiresOn?.iso))}
            """#
    }

    static func quoted(_ text: String?) -> String {
        guard let text else { return "null" }
        return MockState.quoted(text)
    }
}
