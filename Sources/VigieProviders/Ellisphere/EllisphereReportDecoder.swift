import Foundation
import VigieCore

/// Turns an Ellisphère online-order response (`svcOnlineOrderResponse`, XML 2.2) into an
/// observation: the score on its 0–10 scale, the risk class A–E, the credit opinion ("up to")
/// as a credit limit, the company's status, and its legal events (`event`: registry changes
/// and judgements, with the register that published them).
///
/// Verified on one real report (`ACT`, active). The other status codes are read from their
/// meaning in Ellisphère's labels and are not verified against a real report.
public enum EllisphereReportDecoder {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// A `result` other than OK: Ellisphère's business errors come in the body, with a message.
    public struct Refusal: Error, CustomStringConvertible {
        public enum Meaning: Sendable { case unknownCompany, credentials, other }

        public var code: String
        public var message: String

        /// What the message says, read from its words: Ellisphère documents no list of codes.
        public var meaning: Meaning {
            let folded = TextRepair.fold(code + " " + message)
            if ["inconnu", "introuvable", "aucun resultat", "not found", "no hit", "nohit"].contains(where: folded.includes) { return .unknownCompany }
            if ["auth", "identifiant", "mot de passe", "password", "contrat", "habilit"].contains(where: folded.includes) { return .credentials }
            return .other
        }

        public var description: String { "Ellisphère answered result \(code)\(message.isEmpty ? "" : ": \(message)")" }
    }

    public static func decode(_ data: Data, observedOn fallback: CalendarDay) throws -> ScoreObservation {
        var path: [(name: String, attributes: [String: String])] = []
        var text = ""
        var resultCode: String?
        /// The text inside `result` (its message, however nested).
        var resultMessage = ""
        var delivered: CalendarDay?
        var siren: SIREN?
        var name: String?
        var statusCode: String?
        var score: ScoreValue?
        var riskClass: String?
        var limit: CreditLimit?
        var events: [LegalEvent] = []
        var legalEvent: (code: String?, label: String?, on: CalendarDay?, authority: String?)?

        func parent(_ level: Int) -> String { path.count > level ? path[path.count - 1 - level].name : "" }

        do {
            try XMLEventReader.read(data, name: "ellisphere") { event in
                switch event {
                case .start(let element, let attributes, _):
                    path.append((element, attributes))
                    text = ""
                    if element == "result" { resultCode = attributes["code"] }
                    if element == "event" { legalEvent = (nil, nil, nil, nil) }
                case .text(let string):
                    text += string
                    if path.contains(where: { $0.name == "result" }) { resultMessage += string }
                case .end:
                    guard let (element, attributes) = path.popLast() else { return }
                    let value = text.trimmed
                    text = ""
                    switch (parent(0), element) {
                    case ("report", "date") where attributes["type"] == "delivery":
                        delivered = CalendarDay(iso: value)
                    case ("companyIdentity", "id") where attributes["type"] == "register" && attributes["idName"] == "SIREN":
                        siren = try? SIREN(value)
                    case ("companyIdentity", "businessName"):
                        name = value
                    case ("status", "currentStatus") where parent(1) == "companyIdentity":
                        statusCode = attributes["code"]
                    case ("score", "value") where parent(1) == "assessmentData" && path.last?.attributes["origin"] == "csf":
                        if attributes["type"] == "score", let number = Double(value) {
                            let scale: String = attributes["scale"] ?? "0 - 10"
                            let bounds = scale.split(separator: "-").compactMap { Double(String($0).trimmed) }
                            score = .value(number, minimum: bounds.first ?? 0, maximum: bounds.last ?? 10)
                        } else if attributes["type"] == "riskclass" {
                            riskClass = value
                        }
                    case ("creditOpinion", "upTo"):
                        limit = Double(value).map { .amount($0 * Self.unit(attributes["currencyUnit"]), currency: attributes["currencyCode"]) }
                    case ("event", "description"):
                        legalEvent?.code = attributes["code"]
                        legalEvent?.label = value
                    case ("registration", "date") where parent(1) == "event" && attributes["type"] == "effective":
                        legalEvent?.on = CalendarDay(iso: value)
                    case ("authority", "name") where parent(2) == "event":
                        legalEvent?.authority = value
                    case (_, "event"):
                        if let found = legalEvent, let label = found.label {
                            events.append(LegalEvent(on: found.on, code: found.code, label: label, authority: found.authority))
                        }
                        legalEvent = nil
                    default:
                        break
                    }
                }
            }
        } catch let error as XMLEventReader.Failure {
            throw Failure(description: "not an Ellisphère report: \(error.message)")
        } catch {
            throw Failure(description: "not an Ellisphère report: \(error)")
        }
        guard let resultCode else { throw Failure(description: "not an Ellisphère report: no result element") }
        guard resultCode == "OK" else {
            throw Refusal(code: resultCode, message: resultMessage.split(whereSeparator: \.isWhitespace).joined(separator: " "))
        }
        guard let siren else { throw Failure(description: "the report names no SIREN in companyIdentity") }
        var observation = ScoreObservation(
            siren: siren, provider: "ellisphere", observedOn: delivered ?? fallback, score: score, rating: riskClass,
            creditLimit: limit, status: statusCode.flatMap(status), companyName: name
        )
        observation.legalEvents = events.sorted { ($0.on?.iso ?? "") > ($1.on?.iso ?? "") }
        return observation
    }

    /// Amounts come with a `currencyUnit`: a power of ten (0 in units, 3 in thousands).
    static func unit(_ attribute: String?) -> Double {
        guard let exponent = attribute.flatMap(Int.init), (0...9).contains(exponent) else { return 1 }
        return pow(10, Double(exponent))
    }

    static func status(_ code: String) -> CompanyStatus? {
        switch code.uppercased() {
        case "ACT": .active
        case let code where code.hasPrefix("RAD"): .struckOff
        case let code where code.hasPrefix("CES") || code.hasPrefix("FER"): .ceased
        default: nil
        }
    }
}
