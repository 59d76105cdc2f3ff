import Foundation
import VigieCore

/// Reads configuration values from YAML nodes and collects every problem with its line, so
/// one pass reports all of them as `file:line: key: message`.
final class ConfigReader {
    let file: String
    private(set) var issues: [FileIssue] = []
    let environment: [String: String]
    let secrets: VigieConfiguration.Secrets
    /// Secrets that could not be read, in `.deferred` mode: not problems here, but whoever
    /// builds channels or providers must refuse to.
    private(set) var unresolved: [FileIssue] = []

    /// What a secret that is not available stands for in `.deferred` mode.
    static let unresolvedSecret = "\u{0}unresolved"

    init(file: String, environment: [String: String] = ProcessInfo.processInfo.environment, secrets: VigieConfiguration.Secrets = .required) {
        self.file = file
        self.environment = environment
        self.secrets = secrets
    }

    func issue(_ node: YAMLNode, _ key: String, _ message: String) {
        issues.append(FileIssue(file: file, line: YAMLReading.line(node), field: key, message: message))
    }

    func issue(line: Int, _ key: String, _ message: String) {
        issues.append(FileIssue(file: file, line: line, field: key, message: message))
    }

    /// The mapping's entries; an issue if the node is something else.
    func entries(_ node: YAMLNode, _ key: String, expected: String) -> [(key: String, line: Int, value: YAMLNode)] {
        guard let entries = YAMLReading.entries(node) else {
            if YAMLReading.scalar(node) != nil || node.sequence != nil { issue(node, key, "expected \(expected)") }
            return []
        }
        return entries
    }

    func unknown(_ key: String, line: Int, known: [String]) {
        issue(line: line, key, "unknown key; \(YAMLReading.suggestion(for: key, among: known))")
    }

    func string(_ node: YAMLNode, _ key: String) -> String? {
        guard let text = YAMLReading.scalar(node) else {
            issue(node, key, "expected a text value")
            return nil
        }
        return text
    }

    func strings(_ node: YAMLNode, _ key: String) -> [String] {
        if let list = node.sequence { return list.compactMap { string($0, key) } }
        return string(node, key).map { [$0] } ?? []
    }

    func bool(_ node: YAMLNode, _ key: String) -> Bool? {
        switch YAMLReading.scalar(node)?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            issue(node, key, "expected true or false")
            return nil
        }
    }

    func integer(_ node: YAMLNode, _ key: String, range: ClosedRange<Int>) -> Int? {
        guard let value = YAMLReading.scalar(node).flatMap(Int.init), range.contains(value) else {
            issue(node, key, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    /// `900`, `30s`, `15m`, `1h`, `250ms`, up to a year. Zero only where it means something (an
    /// overlap): a zero timeout or interval is a mistake, not a wish.
    func duration(_ node: YAMLNode, _ key: String, allowZero: Bool = false) -> Duration? {
        guard let raw = string(node, key) else { return nil }
        switch Self.parseDuration(raw) {
        case .some(let duration) where duration > .zero || allowZero:
            return duration
        case .some:
            issue(node, key, "\"\(raw)\" is zero; write a duration above zero like 900, 30s, 15m or 1h")
        case nil where Self.isNumberLike(raw):
            issue(node, key, "\"\(raw)\" is out of range; write a duration from 0 to 8784h (a year), like 900, 30s, 15m or 24h")
        case nil:
            issue(node, key, "\"\(raw)\" is not a duration; write it like 900, 30s, 15m or 1h")
        }
        return nil
    }

    /// `VIGIE_SLACK_URL`: what an environment variable's name may be.
    static func isVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Nil when the text is no duration, or one past `limit`.
    static func parseDuration(_ raw: String, limit: Duration = .longestAccepted) -> Duration? {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)) else { return nil }
            return Duration.seconds(reading: value * factor, upTo: limit)
        }
        guard let seconds = Double(text) else { return nil }
        return Duration.seconds(reading: seconds, upTo: limit)
    }

    /// A number, possibly with a unit, that failed only for its size or sign: `1e20`, `inf`, `-5m`.
    static func isNumberLike(_ raw: String) -> Bool {
        var text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        for suffix in ["ms", "s", "m", "h"] where text.hasSuffix(suffix) {
            text.removeLast(suffix.count)
            break
        }
        return Double(text) != nil
    }

    /// A secret given as `<name>` (in the file), `<name>_env` (an environment variable) or
    /// `<name>_file` (a file's first line). The value never appears in a message.
    func secret(_ name: String, in fields: [(key: String, line: Int, value: YAMLNode)], root: URL) -> String? {
        // Only the credential's own keys are read: the block's other keys (`to: [a@b]`, a
        // `monitoring:` mapping) are not text, and are not this function's business.
        for (key, _, value) in fields where [name, "\(name)_env", "\(name)_file"].contains(key) {
            guard let raw = string(value, key) else { continue }
            switch key {
            case name:
                return raw
            case "\(name)_env":
                // A value that cannot be a variable's name is most likely the secret itself,
                // pasted in the wrong key: it is not repeated in the message.
                guard Self.isVariableName(raw) else {
                    issue(value, key, "must name an environment variable (letters, digits and _), and what is written there is not one; if it is the secret itself, remove it from the file and export it in a variable")
                    return nil
                }
                guard let found = environment[raw], !found.isEmpty else {
                    if secrets == .deferred {
                        unresolved.append(FileIssue(file: file, line: YAMLReading.line(value), field: key, message: "the environment variable \(raw) is not set here; export it where Vigie runs", isWarning: true))
                        return Self.unresolvedSecret
                    }
                    issue(value, key, "the environment variable \(raw) is not set; export it before starting Vigie")
                    return nil
                }
                return found
            case "\(name)_file":
                let path = raw.hasPrefix("/") ? raw : root.appendingPathComponent(raw).path
                guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                    // The path is not repeated: it may be a secret pasted in the wrong key.
                    let message = "cannot read the file it names; check the path written at this line and the file's permissions"
                    if secrets == .deferred {
                        unresolved.append(FileIssue(file: file, line: YAMLReading.line(value), field: key, message: message, isWarning: true))
                        return Self.unresolvedSecret
                    }
                    issue(value, key, message)
                    return nil
                }
                return contents.trimmingCharacters(in: .whitespacesAndNewlines)
            default:
                continue
            }
        }
        return nil
    }
}
