import Foundation

/// Text from court registries comes with double-encoded accents and typographic variants.
/// These helpers make it readable, and comparable.
public enum TextRepair {
    /// Undoes UTF-8 bytes that were read as Latin-1 and encoded again ("clÃ´ture" → "clôture").
    /// Text without the tell-tale `Ã`/`Â` sequences is returned unchanged.
    public static func repairMojibake(_ text: String) -> String {
        guard text.contains("Ã") || text.contains("Â") || text.contains("â€") else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value < 256 {
                bytes.append(UInt8(scalar.value))
            } else if let windows1252 = windows1252Reverse[scalar.value] {
                bytes.append(windows1252)
            } else {
                return text
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? text
    }

    /// Lower-case, accents removed, apostrophes and spaces made plain, runs of spaces folded:
    /// the form classification rules match against.
    public static func fold(_ text: String) -> String {
        let repaired = repairMojibake(text)
        let stripped = repaired.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
        var result = ""
        result.reserveCapacity(stripped.utf8.count)
        var lastWasSpace = true
        for character in stripped {
            switch character {
            case "\u{2019}", "\u{2018}", "`", "´":
                result.append("'")
                lastWasSpace = false
            case " ", "\u{00A0}", "\u{202F}", "\t", "\n", "\r":
                if !lastWasSpace { result.append(" ") }
                lastWasSpace = true
            default:
                result.append(contentsOf: character.lowercased())
                lastWasSpace = false
            }
        }
        if result.hasSuffix(" ") { result.removeLast() }
        return result
    }

    /// Windows-1252 maps 0x80–0x9F to typographic characters; a double-encoded text holds those.
    static let windows1252Reverse: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
        0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91,
        0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98,
        0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]
}
