import Foundation
import VigieCore

/// Reads `alerts/routes.yaml`: which alerts go to which channels.
///
/// ```yaml
/// routes:
///   - name: failures to the credit team
///     when: { min_severity: high, kinds: [procedure_opened, procedure_converted], watchlists: [key-accounts], tags: [retail], owners: [marie@example.fr] }
///     to: [credit-mail, risk-slack]
///     continue: true        # also try the next routes
///     digest: 10m           # one message per watchlist every 10 minutes (critical alerts go at once)
///     repeat_interval: 24h  # open, unacknowledged high and critical cases are sent again this often
///     send_resolved: true   # and the message that a case is acknowledged or resolved
///     owner_digest: 24h     # each owner of the matching cases gets a summary this often
/// default: [risk-slack]     # when no route matches
/// fallback: credit-mail     # where a delivery goes when its channel gave up on it
/// inhibit:                  # facts joined to a procedure's case without a message of their own
///   - name: insolvency silences weakening
///     during: [receivership, liquidation]
///     silence: [score_drop, rating_downgrade, credit_limit_cut, credit_limit_cancelled, privilege_registered]
/// ```
///
/// Without `inhibit`, receivership and liquidation silence the weakening (`InhibitRule.defaults`);
/// `inhibit: []` silences nothing.
public enum RoutesFile {
    static let topKeys = ["routes", "default", "fallback", "inhibit"]
    static let routeKeys = ["name", "when", "to", "continue", "digest", "repeat_interval", "send_resolved", "owner_digest"]
    static let inhibitKeys = ["name", "during", "silence"]
    /// Every kind a fact can have: what `silence` may name.
    static let factKinds = Set(NoticeEvent.allCases.map(\.rawValue) + ScoreEvent.allCases.map(\.rawValue) + CoverageEvent.allCases.map(\.rawValue))
    static let conditionKeys = ["min_severity", "kinds", "watchlists", "tags", "owners", "min_exposure", "min_uncovered"]

    /// The router for `always` plus the file's routes. Channel names must be ones the
    /// configuration defines.
    public static func parse(_ text: String, file: String, always: [String], channels: Set<String>) -> Result<Router, ConfigurationError> {
        let reader = ConfigReader(file: file)
        var router = Router(always: always)
        let root: YAMLNode?
        switch YAMLReading.compose(text, file: file) {
        case .failure(let issue): return .failure(ConfigurationError(issues: [issue]))
        case .success(let node): root = node
        }
        guard let root else { return .success(router) }

        func channelList(_ node: YAMLNode, _ key: String) -> [String] {
            let names = reader.strings(node, key)
            for name in names where !channels.contains(name) {
                let known = channels.sorted().joined(separator: ", ")
                reader.issue(node, key, "no channel is named \(name); define it under channels: in vigie.yaml (defined: \(known.isEmpty ? "none" : known))")
            }
            return names
        }

        for (key, line, value) in reader.entries(root, "routes file", expected: "keys routes, default and fallback") {
            switch key {
            case "routes":
                guard let items = value.sequence else {
                    reader.issue(value, key, "expected a list of routes, each starting with \"- name:\"")
                    continue
                }
                for (index, item) in items.enumerated() {
                    var route = Router.Route(name: "route \(index + 1)", channels: [])
                    for (field, fieldLine, fieldValue) in reader.entries(item, "route", expected: "a route with when and to") {
                        switch field {
                        case "name": route.name = reader.string(fieldValue, field) ?? route.name
                        case "to": route.channels = channelList(fieldValue, field)
                        case "continue": route.continues = reader.bool(fieldValue, field) ?? false
                        case "digest": route.digest = reader.duration(fieldValue, field)
                        case "repeat_interval": route.repeatInterval = reader.duration(fieldValue, field)
                        case "send_resolved": route.sendResolved = reader.bool(fieldValue, field) ?? false
                        case "owner_digest": route.ownerDigest = reader.duration(fieldValue, field)
                        case "when": readConditions(fieldValue, into: &route, reader)
                        default: reader.unknown(field, line: fieldLine, known: routeKeys)
                        }
                    }
                    if route.channels.isEmpty { reader.issue(item, "to", "route \"\(route.name)\" sends nowhere; list channels under to:") }
                    router.routes.append(route)
                }
            case "default": router.defaultChannels = channelList(value, key)
            case "fallback": router.fallback = channelList(value, key).first
            case "inhibit": router.inhibit = readInhibitRules(value, reader)
            default: reader.unknown(key, line: line, known: topKeys)
            }
        }
        return reader.issues.isEmpty ? .success(router) : .failure(ConfigurationError(issues: reader.issues))
    }

    static func readInhibitRules(_ node: YAMLNode, _ reader: ConfigReader) -> [InhibitRule] {
        guard let items = node.sequence else {
            reader.issue(node, "inhibit", "expected a list of rules, each with during: and silence:, or [] to silence nothing")
            return []
        }
        var rules: [InhibitRule] = []
        for (index, item) in items.enumerated() {
            var rule = InhibitRule(name: "inhibit rule \(index + 1)", during: [], silenced: [])
            for (key, line, value) in reader.entries(item, "inhibit rule", expected: "a rule with during and silence") {
                switch key {
                case "name": rule.name = reader.string(value, key) ?? rule.name
                case "during":
                    for raw in reader.strings(value, key) {
                        guard let status = ProcedureStatus(rawValue: raw), status.isOpen else {
                            reader.issue(value, key, "\"\(raw)\" is not a procedure; use safeguard, receivership or liquidation")
                            continue
                        }
                        rule.during.insert(status)
                    }
                case "silence":
                    for kind in reader.strings(value, key) {
                        guard factKinds.contains(kind) else {
                            reader.issue(value, key, "\"\(kind)\" is not an alert kind; use score_drop, rating_downgrade, credit_limit_cut, credit_limit_cancelled, privilege_registered…")
                            continue
                        }
                        rule.silenced.insert(kind)
                    }
                default: reader.unknown(key, line: line, known: inhibitKeys)
                }
            }
            if rule.during.isEmpty || rule.silenced.isEmpty { reader.issue(item, "inhibit", "rule \"\(rule.name)\" needs both during: (procedures) and silence: (alert kinds)") }
            rules.append(rule)
        }
        return rules
    }

    static func readConditions(_ node: YAMLNode, into route: inout Router.Route, _ reader: ConfigReader) {
        for (key, line, value) in reader.entries(node, "when", expected: "conditions such as min_severity, kinds, tags") {
            switch key {
            case "min_severity":
                guard let raw = reader.string(value, key) else { continue }
                guard let severity = Severity(rawValue: raw) else {
                    reader.issue(value, key, "\"\(raw)\" is not a severity; use info, warning, high or critical")
                    continue
                }
                route.minSeverity = severity
            case "kinds": route.kinds = Set(reader.strings(value, key))
            case "watchlists": route.watchlists = Set(reader.strings(value, key))
            case "tags": route.tags = Set(reader.strings(value, key))
            case "owners": route.owners = Set(reader.strings(value, key))
            case "min_exposure": route.minExposure = SeverityFile.amount(value, key, reader)
            case "min_uncovered": route.minUncovered = SeverityFile.amount(value, key, reader)
            default: reader.unknown(key, line: line, known: conditionKeys)
            }
        }
    }
}
