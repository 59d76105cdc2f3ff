import Foundation
import VigieCore

/// Prints a readable line per alert on standard output, in colour on a terminal only, so
/// that piping `vigie run` into a file gives plain text.
public struct TerminalChannel: AlertChannel {
    public let name = "terminal"
    let colour: Bool

    public init(colour: Bool = isatty(STDOUT_FILENO) == 1) {
        self.colour = colour
    }

    public func deliver(_ alert: Alert) async throws {
        print(Self.line(for: alert, colour: colour))
    }

    /// `CRITICAL  PASARGAD (881 843 924)  Receivership opened  · exposure 12 500 EUR · owner … · evidence`.
    public static func line(for alert: Alert, colour: Bool) -> String {
        let severity = alert.severity.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        let painted = colour ? "\u{1B}[\(code(alert.severity))m\(severity)\u{1B}[0m" : severity
        let company = alert.siren.map { "\(Escape.controlCharacters(alert.companyName ?? "?")) (\($0.formatted))" } ?? MessageContent.sourceLabel(alert, .en)
        var parts = ["\(painted)  \(company)  \(Escape.controlCharacters(alert.title))"]
        if alert.state == .retracted { parts[0] += " [retracted]" } else if alert.revision > 1 { parts[0] += " [revised]" }
        let exposure = alert.exposure.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).description }
        if !exposure.isEmpty { parts.append("exposure \(exposure.joined(separator: ", "))") }
        let owners = Array(Set(alert.watch.compactMap(\.owner))).sorted()
        if !owners.isEmpty { parts.append("owner \(owners.joined(separator: ", "))") }
        switch alert.evidence {
        case .notice(let notice): parts.append(notice.url ?? "BODACC \(notice.noticeID)")
        case .observation(let observation): parts.append("\(observation.provider) \(observation.observedOn.iso)")
        case .source(let source):
            parts.append(source.state == .failing ? Escape.controlCharacters(source.lastError ?? source.source) : "failing since \(source.failingSince.iso8601)")
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
