import Foundation
import VigieCore

/// Reads `alerts/severity.yaml`: how money at stake raises an alert's severity.
///
/// ```yaml
/// rules:
///   - name: a limit cut below what the client owes
///     when: { kinds: [credit_limit_cut, credit_limit_cancelled], min_uncovered: 0 }
///     severity: high
///   - name: a procedure with 10 000 or more uncovered
///     when: { situations: [procedure], min_severity: high, min_uncovered: 10000 }
///     severity: critical
/// ```
///
/// Rules apply in order; the first that matches and raises the alert wins. Without the file,
/// `SeverityRules.defaults` apply; `rules: []` raises nothing.
public enum SeverityFile {
    static let ruleKeys = ["name", "when", "severity"]
    static let conditionKeys = ["kinds", "situations", "min_severity", "min_exposure", "min_uncovered"]

    public static func parse(_ text: String, file: String) -> Result<SeverityRules, ConfigurationError> {
        let reader = ConfigReader(file: file)
        let root: YAMLNode?
        switch YAMLReading.compose(text, file: file) {
        case .failure(let issue): return .failure(ConfigurationError(issues: [issue]))
        case .success(let node): root = node
        }
        guard let root else { return .success(SeverityRules()) }
        var rules: [SeverityRule]?
        for (key, line, value) in reader.entries(root, "severity file", expected: "a rules: list") {
            guard key == "rules" else {
                reader.unknown(key, line: line, known: ["rules"])
                continue
            }
            guard let items = value.sequence else {
                reader.issue(value, key, "expected a list of rules, each with when: and severity:, or [] to raise nothing")
                continue
            }
            rules = items.enumerated().compactMap { index, item in rule(item, index: index, reader) }
        }
        return reader.issues.isEmpty ? .success(SeverityRules(rules: rules ?? SeverityRules.defaults)) : .failure(ConfigurationError(issues: reader.issues))
    }

    static func severity(_ node: YAMLNode, _ key: String, _ reader: ConfigReader) -> Severity? {
        guard let raw = reader.string(node, key) else { return nil }
        guard let severity = Severity(rawValue: raw) else {
            reader.issue(node, key, "\"\(raw)\" is not a severity; use info, warning, high or critical")
            return nil
        }
        return severity
    }

    static func amount(_ node: YAMLNode, _ key: String, _ reader: ConfigReader) -> Decimal? {
        guard let raw = reader.string(node, key) else { return nil }
        let cleaned = raw.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "_", with: "")
        // Decimal(string:) reads "10k" as 10: only digits and one point are an amount.
        guard !cleaned.isEmpty, cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), cleaned.filter({ $0 == "." }).count <= 1,
              let amount = Decimal(string: cleaned) else {
            reader.issue(node, key, "\"\(raw)\" is not an amount; write it like 10000 (in the exposure's currency)")
            return nil
        }
        return amount
    }

    static func rule(_ item: YAMLNode, index: Int, _ reader: ConfigReader) -> SeverityRule? {
        var rule = SeverityRule(name: "severity rule \(index + 1)", raiseTo: .info)
        var level: Severity?
        var said = false
        for (field, line, value) in reader.entries(item, "rule", expected: "a rule with when and severity") {
            switch field {
            case "name": rule.name = reader.string(value, field) ?? rule.name
            case "severity":
                said = true
                level = severity(value, field, reader)
            case "when":
                for (key, keyLine, condition) in reader.entries(value, "when", expected: "conditions such as kinds, min_exposure") {
                    switch key {
                    case "kinds": rule.kinds = Set(reader.strings(condition, key))
                    case "situations":
                        var situations: Set<CaseSituation> = []
                        for raw in reader.strings(condition, key) {
                            guard let situation = CaseSituation(rawValue: raw) else {
                                reader.issue(condition, key, "\"\(raw)\" is not a situation; use procedure, cessation or deterioration")
                                continue
                            }
                            situations.insert(situation)
                        }
                        rule.situations = situations
                    case "min_severity": rule.minSeverity = severity(condition, key, reader)
                    case "min_exposure": rule.minExposure = amount(condition, key, reader)
                    case "min_uncovered": rule.minUncovered = amount(condition, key, reader)
                    default: reader.unknown(key, line: keyLine, known: conditionKeys)
                    }
                }
            default: reader.unknown(field, line: line, known: ruleKeys)
            }
        }
        guard let level else {
            if said { return nil }
            reader.issue(item, "severity", "rule \"\(rule.name)\" says no severity; add severity: high (or critical…)")
            return nil
        }
        rule.raiseTo = level
        return rule
    }
}
