import Foundation
import VigieCore
import VigieTransport

/// What an alert does to an on-call incident: incidents follow cases, not alerts. Every fact
/// told about a case triggers (or updates) the case's one incident, keyed by the case id; the
/// case's acknowledgement acknowledges it and its resolution resolves it. An alert about a
/// source follows its outage: the failure triggers, the recovery resolves the same incident.
enum IncidentAction: String {
    case trigger, acknowledge, resolve

    /// The action and the incident's key.
    static func of(_ alert: Alert) -> (IncidentAction, key: String) {
        if let caseID = alert.caseID {
            switch alert.kind {
            case CaseNotice.resolved.rawValue: return (.resolve, caseID)
            case CaseNotice.acknowledged.rawValue: return (.acknowledge, caseID)
            default: return (.trigger, caseID)
            }
        }
        // A recovery names the failure it ends: the same incident.
        if let related = alert.relatedAlertID, case .source(let source) = alert.evidence, source.state == .recovered {
            return (.resolve, related)
        }
        return (alert.state == .retracted ? .resolve : .trigger, alert.id)
    }
}

/// PagerDuty's Events API v2: one `enqueue` endpoint, the routing key in the body, the case id
/// as `dedup_key`. https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
public struct PagerDutyFormat: WebhookFormat {
    public static let defaultURL = "https://events.pagerduty.com/v2/enqueue"
    public var name: String { "pagerduty" }
    /// The integration's routing key: a secret, carried in the body, never logged.
    let routingKey: String

    public init(routingKey: String) {
        self.routingKey = routingKey
    }

    static func severity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "critical"
        case .high: "error"
        case .warning: "warning"
        case .info: "info"
        }
    }

    public func request(for alert: Alert, content: @autoclosure () -> MessageContent, text: MessageText, url: String, now: Date) throws -> HTTPRequest {
        let content = content()
        let (action, key) = IncidentAction.of(alert)
        var body: [String: Any] = ["routing_key": routingKey, "event_action": action.rawValue, "dedup_key": key]
        if action == .trigger {
            var payload: [String: Any] = [
                "summary": String(content.headline.prefix(1024)), "source": "vigie", "severity": Self.severity(alert.severity),
                "class": alert.kind, "timestamp": alert.updatedAt.iso8601,
                "custom_details": Dictionary(content.facts.map { ($0.label, $0.value) }, uniquingKeysWith: { first, _ in first }),
            ]
            if alert.siren != nil { payload["component"] = content.companyName }
            if let list = alert.watch.first?.watchlist { payload["group"] = list }
            body["payload"] = payload
            if let link = content.evidenceURL { body["links"] = [["href": link, "text": "Evidence"]] }
        }
        return try jsonRequest(url: url, body: body)
    }

    public func requests(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> [HTTPRequest] {
        try zip(alerts, contents).map { alert, content in try request(for: alert, content: content, text: MessageText { _ in "" }, url: url, now: now) }
    }
}

/// Opsgenie's Alert API: create with the case id as `alias`, then acknowledge and close by
/// alias. The API key goes in the `Authorization: GenieKey` header, never in the URL.
/// https://docs.opsgenie.com/docs/alert-api
public struct OpsgenieFormat: WebhookFormat {
    public static let defaultURL = "https://api.opsgenie.com"
    public var name: String { "opsgenie" }
    let apiKey: String

    public init(apiKey: String) {
        self.apiKey = apiKey
    }

    static func priority(_ severity: Severity) -> String {
        switch severity {
        case .critical: "P1"
        case .high: "P2"
        case .warning: "P3"
        case .info: "P5"
        }
    }

    public func request(for alert: Alert, content: @autoclosure () -> MessageContent, text: MessageText, url: String, now: Date) throws -> HTTPRequest {
        let content = content()
        let (action, key) = IncidentAction.of(alert)
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let alias = key.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? key
        let header = [(name: "Authorization", value: "GenieKey \(apiKey)")]
        switch action {
        case .trigger:
            let details = Dictionary(content.facts.map { (String($0.label.prefix(50)), String($0.value.prefix(500))) }, uniquingKeysWith: { first, _ in first })
            var body: [String: Any] = [
                "message": String(content.headline.prefix(130)), "alias": key, "description": String(content.plainText.prefix(15_000)),
                "priority": Self.priority(alert.severity), "source": "vigie", "tags": [alert.kind], "details": details,
            ]
            if alert.siren != nil { body["entity"] = String(content.companyName.prefix(512)) }
            return try jsonRequest(url: "\(base)/v2/alerts", body: body, headers: header)
        case .acknowledge, .resolve:
            let path = action == .acknowledge ? "acknowledge" : "close"
            return try jsonRequest(url: "\(base)/v2/alerts/\(alias)/\(path)?identifierType=alias", body: ["source": "vigie", "note": String(content.title.prefix(25_000))], headers: header)
        }
    }

    public func requests(forDigest alerts: [Alert], contents: [MessageContent], url: String, now: Date) throws -> [HTTPRequest] {
        try zip(alerts, contents).map { alert, content in try request(for: alert, content: content, text: MessageText { _ in "" }, url: url, now: now) }
    }
}
