/// Reads a watchlist written by hand in YAML:
///
/// ```yaml
/// name: Key accounts
/// defaults:
///   currency: EUR
///   owner: credit@example.fr
///   thresholds: { score_drop_points: 10, score_drop_percent: 20 }
/// companies:
///   - siren: 552 081 317
///     name: Example SA
///     exposure: 12 500
/// ```
public enum WatchlistYAMLParser {
    static let listKeys = ["name", "defaults", "companies"]
    static let defaultKeys = ["currency", "owner", "tags", "thresholds"]
    static let entryKeys = ["siren", "siret", "id", "name", "owner", "tags", "exposure", "insured_limit", "currency", "postcode", "thresholds", "guarantee"]
    static let thresholdKeys = EntryDraft.Field.allCases.map(\.rawValue)

    /// Reads the list as libyaml hands it over: each company is composed, turned into an entry
    /// and let go, so a million-company list costs its entries, not a tree of every node too.
    /// Keys may come in any order: when `defaults:` follows `companies:`, the companies are read
    /// again with the defaults known (the rare case pays a second pass, not every list a tree).
    public static func parse(_ text: String, file: String, name fallbackName: String) -> WatchlistParseResult {
        let first = read(text, file: file, name: fallbackName, defaults: nil)
        if let late = first.lateDefaults { return read(text, file: file, name: fallbackName, defaults: late).result }
        return first.result
    }

    /// One pass; `lateDefaults` is set when the defaults came after the companies they apply to.
    private static func read(_ text: String, file: String, name fallbackName: String, defaults known: ListDefaults?) -> (result: WatchlistParseResult, lateDefaults: ListDefaults?) {
        var issues: [FileIssue] = []
        var name = fallbackName
        var defaults = known ?? ListDefaults()
        var entries: [WatchEntry] = []
        var duplicates = DuplicateCheck()
        var readCompanies = false
        var defaultsCameLate = false
        let stream = YAMLStream(text, file: file)
        do throws(YAMLStream.Failure) {
            guard let root = try stream.root() else {
                return (WatchlistParseResult(watchlist: nil, issues: [FileIssue(file: file, line: 1, message: "the file is empty; list companies under \"companies:\"")]), nil)
            }
            guard case .mappingStart = root else {
                let line = YAMLReading.line(try stream.node(from: root))
                return (WatchlistParseResult(watchlist: nil, issues: [FileIssue(file: file, line: line, message: "expected keys name, defaults and companies at the top of the file")]), nil)
            }
            var keys = YAMLStream.KeyCheck()
            while let (keyNode, valueStart) = try stream.pair() {
                try keys.check(keyNode, file: file)
                let key = keyNode.description, line = YAMLReading.line(keyNode)
                if key == "companies", case .sequenceStart = valueStart {
                    readCompanies = true
                    while let item = try stream.item() {
                        entry(try stream.node(from: item), defaults: defaults, file: file, issues: &issues, duplicates: &duplicates, into: &entries)
                    }
                    continue
                }
                let value = try stream.node(from: valueStart)
                switch key {
                case "name":
                    let written = YAMLReading.scalar(value) ?? name
                    if let problem = UnsafeText.problem(in: written) {
                        issues.append(FileIssue(file: file, line: YAMLReading.line(value), field: key, message: "the list's name \(problem)"))
                    } else {
                        name = written
                    }
                case "defaults":
                    let read = readDefaults(value, file: file, issues: &issues)
                    if known == nil {
                        defaults = read
                        defaultsCameLate = readCompanies
                    }
                case "companies":
                    issues.append(FileIssue(file: file, line: YAMLReading.line(value), field: "companies", message: "expected a list of companies, each starting with \"- siren:\""))
                    return (WatchlistParseResult(watchlist: nil, issues: issues), nil)
                default:
                    issues.append(FileIssue(file: file, line: line, field: key, message: "unknown key; \(YAMLReading.suggestion(for: key, among: listKeys))"))
                }
            }
            try stream.end()
        } catch {
            return (WatchlistParseResult(watchlist: nil, issues: issues + [error.issue]), nil)
        }
        if defaultsCameLate { return (WatchlistParseResult(watchlist: nil, issues: []), defaults) }
        guard readCompanies else {
            issues.append(FileIssue(file: file, line: 1, field: "companies", message: "expected a list of companies, each starting with \"- siren:\""))
            return (WatchlistParseResult(watchlist: nil, issues: issues), nil)
        }
        return (WatchlistParseResult(watchlist: Watchlist(name: name, file: file, entries: entries), issues: issues), nil)
    }

    /// One company of the list, as an entry, or the issues that keep it out.
    static func entry(_ item: YAMLNode, defaults: ListDefaults, file: String, issues: inout [FileIssue], duplicates: inout DuplicateCheck, into entries: inout [WatchEntry]) {
        let line = YAMLReading.line(item)
        guard let fields = YAMLReading.entries(item) else {
            issues.append(FileIssue(file: file, line: line, message: "expected a company with keys such as siren, name, exposure"))
            return
        }
        var draft = EntryDraft(line: line)
        for (key, keyLine, value) in fields {
            let text = YAMLReading.scalar(value).map { EntryDraft.Value(text: $0, line: YAMLReading.line(value)) }
            switch key {
            case "siren", "siret", "id": draft.identifier = text ?? EntryDraft.Value(text: "", line: keyLine)
            case "name": draft.name = text
            case "owner": draft.owner = text
            case "tags":
                draft.tags = tags(value)
                draft.tagsLine = YAMLReading.line(value)
            case "currency": draft.currency = text
            case "postcode": draft.postcode = text
            case "exposure": draft.exposure = money(value, into: &draft)
            case "insured_limit": draft.insuredLimit = money(value, into: &draft)
            case "thresholds": draft.thresholds = thresholds(value, file: file, issues: &issues)
            case "guarantee": draft.guarantee = guarantee(value, line: keyLine, file: file, issues: &issues)
            default:
                issues.append(FileIssue(file: file, line: keyLine, field: key, message: "unknown key; \(YAMLReading.suggestion(for: key, among: entryKeys))"))
            }
        }
        guard let entry = draft.build(file: file, defaults: defaults, issues: &issues) else { return }
        if let duplicate = duplicates.check(entry.identifier, line: line, file: file) {
            issues.append(duplicate)
        } else {
            entries.append(entry)
        }
    }

    static func readDefaults(_ node: YAMLNode, file: String, issues: inout [FileIssue]) -> ListDefaults {
        var defaults = ListDefaults()
        for (key, line, value) in YAMLReading.entries(node) ?? [] {
            switch key {
            case "currency":
                do { defaults.currency = try WatchlistFields.currency(YAMLReading.scalar(value) ?? "") } catch {
                    issues.append(FileIssue(file: file, line: YAMLReading.line(value), field: key, message: error.message))
                }
            case "owner", "tags":
                let written = key == "owner" ? [YAMLReading.scalar(value) ?? ""] : tags(value)
                if let problem = written.lazy.compactMap(UnsafeText.problem(in:)).first {
                    issues.append(FileIssue(file: file, line: YAMLReading.line(value), field: key, message: "the list's default \(key) \(problem)"))
                } else if key == "owner" {
                    defaults.owner = written.first
                } else {
                    defaults.tags = written
                }
            case "thresholds":
                let own = EntryDraft.thresholds(thresholds(value, file: file, issues: &issues), file: file, issues: &issues)
                defaults.thresholds = own.over(.standard)
            default:
                issues.append(FileIssue(file: file, line: line, field: key, message: "unknown key; \(YAMLReading.suggestion(for: key, among: defaultKeys))"))
            }
        }
        return defaults
    }

    static func tags(_ node: YAMLNode) -> [String] {
        if let sequence = node.sequence { return sequence.compactMap(YAMLReading.scalar) }
        return YAMLReading.scalar(node).map(WatchlistFields.tags) ?? []
    }

    /// `exposure: 12500`, `exposure: "12 500 EUR"` or `exposure: {amount: 12500, currency: EUR}`.
    static func money(_ node: YAMLNode, into draft: inout EntryDraft) -> EntryDraft.Value? {
        if let fields = YAMLReading.entries(node) {
            var amount: EntryDraft.Value?
            for (key, _, value) in fields {
                let text = YAMLReading.scalar(value).map { EntryDraft.Value(text: $0, line: YAMLReading.line(value)) }
                if key == "amount" { amount = text } else if key == "currency" { draft.currency = text }
            }
            return amount
        }
        return YAMLReading.scalar(node).map { EntryDraft.Value(text: $0, line: YAMLReading.line(node)) }
    }

    /// `guarantee: {issuer: LeanPay, maximum: 20000, rate: 90 %, start: 2026-01-01, expiry: 2027-03-31}`.
    static func guarantee(_ node: YAMLNode, line: Int, file: String, issues: inout [FileIssue]) -> [EntryDraft.GuaranteeField: EntryDraft.Value] {
        guard let fields = YAMLReading.entries(node) else {
            issues.append(FileIssue(file: file, line: line, field: "guarantee", message: "expected keys issuer, maximum, rate, start, expiry (and cancelled when its issuer cancelled it)"))
            return [.issuer: EntryDraft.Value(text: "", line: line)]
        }
        var result: [EntryDraft.GuaranteeField: EntryDraft.Value] = [:]
        for (key, keyLine, value) in fields {
            guard let field = EntryDraft.GuaranteeField(rawValue: key) else {
                issues.append(FileIssue(file: file, line: keyLine, field: "guarantee.\(key)", message: "unknown key; \(YAMLReading.suggestion(for: key, among: EntryDraft.GuaranteeField.allCases.map(\.rawValue)))"))
                continue
            }
            var text = YAMLReading.scalar(value) ?? ""
            if field == .maximum, let amount = YAMLReading.entries(value) {
                // `maximum: {amount: 20000, currency: EUR}` as for exposures.
                let parts = Dictionary(amount.map { ($0.0, YAMLReading.scalar($0.2) ?? "") }, uniquingKeysWith: { first, _ in first })
                text = [parts["amount"], parts["currency"]].compactMap { $0 }.joined(separator: " ")
            }
            result[field] = EntryDraft.Value(text: text, line: YAMLReading.line(value))
        }
        return result
    }

    static func thresholds(_ node: YAMLNode, file: String, issues: inout [FileIssue]) -> [EntryDraft.Field: EntryDraft.Value] {
        var result: [EntryDraft.Field: EntryDraft.Value] = [:]
        for (key, line, value) in YAMLReading.entries(node) ?? [] {
            guard let field = EntryDraft.Field(rawValue: key) else {
                issues.append(FileIssue(file: file, line: line, field: key, message: "unknown threshold; \(YAMLReading.suggestion(for: key, among: thresholdKeys))"))
                continue
            }
            result[field] = EntryDraft.Value(text: YAMLReading.scalar(value) ?? "", line: YAMLReading.line(value))
        }
        return result
    }
}
