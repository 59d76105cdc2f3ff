/// Escaping for text placed in HTML or XML: an email's HTML part, an Ellisphère order.
public enum Markup {
    /// `& < > " '` as entities, so outside text is only ever text.
    public static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
