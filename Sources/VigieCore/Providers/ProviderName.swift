/// Providers' names as people write them, for titles and messages: the code names
/// (`ellisphere`, `bodacc`) are for keys, logs and configuration.
public enum ProviderName {
    public static func display(_ name: String) -> String {
        // `insurer:allianz-trade` is Allianz Trade; `guarantee:LeanPay` is LeanPay, as written.
        if let colon = name.firstIndex(of: ":") {
            let rest = name[name.index(after: colon)...]
            guard name.hasPrefix("insurer:") else { return String(rest) }
            return rest.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        }
        return switch name {
        case "bodacc": "BODACC"
        case "ellisphere": "Ellisphère"
        case "receivables": "Aged balance"
        case "position": "Vigie"
        default: name.prefix(1).uppercased() + name.dropFirst()
        }
    }
}
