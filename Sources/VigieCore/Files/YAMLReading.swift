/// Reads YAML as a tree of nodes that remember their line, so that every problem in a
/// watchlist or a configuration file is reported at `file:line`.
public enum YAMLReading {
    /// Parses the text; a syntax error is returned as an issue at the line libyaml reports.
    public static func compose(_ text: String, file: String) -> Result<YAMLNode?, FileIssue> {
        do throws(YAMLStream.Failure) {
            return .success(try YAMLStream(text, file: file).compose())
        } catch {
            return .failure(error.issue)
        }
    }

    /// The line a node starts on (1-based).
    public static func line(_ node: YAMLNode) -> Int { node.line }

    /// A mapping's entries as (key text, key line, value), in file order.
    public static func entries(_ node: YAMLNode) -> [(key: String, line: Int, value: YAMLNode)]? {
        node.mapping?.map { ($0.key.description, $0.key.line, $0.value) }
    }

    /// A scalar's text, or nil for a mapping, a sequence or a null.
    public static func scalar(_ node: YAMLNode) -> String? {
        guard case .scalar(let text, let plain) = node.content else { return nil }
        if plain, ["~", "null", "Null", "NULL", ""].contains(text) { return nil }
        return text
    }

    /// The keys a mapping allows that look like a misspelt one, for "did you mean".
    public static func suggestion(for key: String, among known: [String]) -> String {
        let lowered = key.lowercased()
        let extensions = known.filter { $0.hasPrefix(lowered) }
        if !extensions.isEmpty { return "did you mean " + extensions.map { "\"\($0)\"" }.joined(separator: " or ") + "?" }
        let close = known.min { distance(lowered, $0) < distance(lowered, $1) }
        if let close, distance(lowered, close) <= max(2, close.count / 3) { return "did you mean \"\(close)\"?" }
        return "known keys: \(known.joined(separator: ", "))"
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
