import Foundation
import VigieCore

/// Reads `alerts/actions.<language>.yaml`: what to do, per situation, in one language.
///
/// ```yaml
/// receivership:
///   - Stop selling on credit; deliver only against payment.
///   - Declare the claim to {officer} by {deadline}.
/// ```
///
/// Topics: safeguard, receivership, liquidation, cessation, deterioration. A topic left out
/// keeps its built-in actions; `[]` says nothing for it. `{officer}` and `{deadline}` are the
/// judgment's mandataire judiciaire (or liquidator) and the claims deadline.
public enum ActionsFile {
    public static func parse(_ text: String, file: String, language: String, into actions: inout NextActions) throws(ConfigurationError) {
        let reader = ConfigReader(file: file)
        let root: YAMLNode?
        switch YAMLReading.compose(text, file: file) {
        case .failure(let issue): throw ConfigurationError(issues: [issue])
        case .success(let node): root = node
        }
        guard let root else { return }
        var table = actions.templates[language] ?? [:]
        for (key, line, value) in reader.entries(root, "actions file", expected: "topics such as receivership: with a list of actions") {
            guard let topic = NextActions.Topic(rawValue: key) else {
                reader.unknown(key, line: line, known: NextActions.Topic.allCases.map(\.rawValue))
                continue
            }
            guard value.sequence != nil else {
                reader.issue(value, key, "expected a list of actions, one per line starting with \"- \"")
                continue
            }
            table[topic] = reader.strings(value, key)
        }
        guard reader.issues.isEmpty else { throw ConfigurationError(issues: reader.issues) }
        actions.templates[language] = table
    }

    /// The built-in actions, with `folder`'s `actions.en.yaml` and `actions.fr.yaml` over them.
    public static func load(folder: URL) throws(ConfigurationError) -> NextActions {
        var actions = NextActions()
        for language in ["en", "fr"] {
            let path = folder.appendingPathComponent("actions.\(language).yaml").path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            try parse(text, file: path, language: language, into: &actions)
        }
        return actions
    }
}
