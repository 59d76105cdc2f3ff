import Foundation
import VigieCore

/// Prints a readable line per alert on standard output, in colour on a terminal only, so
/// that piping `vigie run` into a file gives plain text.
public struct TerminalChannel: AlertChannel {
    public let name = "terminal"
    public let deliversInOrder = true
    let colour: Bool
    let language: Language

    public init(colour: Bool = isatty(STDOUT_FILENO) == 1, language: Language = .en) {
        self.colour = colour
        self.language = language
    }

    /// Written at once, not buffered: piped with standard error, the lines stay in order with
    /// the cycle's summary.
    public func deliver(_ alert: Alert) async throws {
        FileHandle.standardOutput.write(Data((Self.line(for: alert, colour: colour, language: language) + "\n").utf8))
    }

    /// The words of a terminal line, one table per language.
    struct Words {
        var exposure: String
        var owner: String
        var retracted: String
        var revised: String
        var failingSince: String

        static let en = Words(exposure: "exposure", owner: "owner", retracted: "[retracted]", revised: "[revised]", failingSince: "failing since")
        static let fr = Words(exposure: "encours", owner: "responsable", retracted: "[retirée]", revised: "[rectifiée]", failingSince: "en échec depuis")

        static func of(_ language: Language) -> Words { language == .fr ? fr : en }
    }

    /// `CRITICAL  PASARGAD (881 843 924)  Receivership opened · exposure 12,480.50 EUR · owner … · evidence`,
    /// in the configuration's language; outside text without control characters.
    public static func line(for alert: Alert, colour: Bool, language: Language = .en) -> String {
        let content = MessageContent(alert: alert, language: language)
        let words = Words.of(language)
        let severity = content.severityLabel.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        let painted = colour ? "\u{1B}[\(code(alert.severity))m\(severity)\u{1B}[0m" : severity
        var parts = ["\(painted)  \(Escape.controlCharacters(content.company))  \(Escape.controlCharacters(content.title))"]
        if alert.state == .retracted { parts[0] += " " + words.retracted } else if alert.revision > 1 { parts[0] += " " + words.revised }
        let style: NumberStyle = language == .fr ? .french : .english
        let exposure = alert.exposure.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).formatted(style) }
        if let position = alert.position {
            parts.append(CoverageWording.of(style).position(position))
        } else if !exposure.isEmpty {
            parts.append("\(words.exposure) \(exposure.joined(separator: ", "))")
        }
        let owners = Array(Set(alert.watch.compactMap(\.owner))).sorted()
        if !owners.isEmpty { parts.append("\(words.owner) \(Escape.controlCharacters(owners.joined(separator: ", ")))") }
        switch alert.evidence {
        case .notice(let notice): parts.append(notice.url ?? "BODACC \(notice.noticeID)")
        case .observation(let observation): parts.append("\(observation.provider) \(observation.observedOn.iso)")
        case .source(let source):
            parts.append(source.state == .failing ? Escape.controlCharacters(source.lastError ?? source.source) : "\(words.failingSince) \(source.failingSince.iso8601)")
        case .case(let item): parts.append(item.caseID)
        case .shift(let shift): parts.append(shift.distributionText)
        case .digest(let digest): parts.append(digest.owner)
        }
        return parts.joined(separator: " · ")
    }

    static func code(_ severity: Severity) -> String {
        switch severity {
        case .critical: "1;31"
        case .high: "31"
        case .warning: "33"
        case .info: "36"
        }
    }

}
