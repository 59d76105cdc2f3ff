import Foundation

/// Text from court registries comes with double-encoded accents and typographic variants.
/// These helpers make it readable, and comparable.
public enum TextRepair {
    /// Undoes UTF-8 bytes that were read as Latin-1 and encoded again ("clÃ´ture" → "clôture").
    /// Text without the tell-tale `Ã`/`Â` sequences is returned unchanged.
    public static func repairMojibake(_ text: String) -> String {
        guard text.utf8.contains(0xC3), text.includes("Ã") || text.includes("Â") || text.includes("â€") else { return text }
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
    /// the form classification rules match against. Done scalar by scalar with a table of the
    /// Latin letters French uses, which is many times faster than Foundation's locale folding.
    public static func fold(_ text: String) -> String {
        let repaired = repairMojibake(text)
        var result = String.UnicodeScalarView()
        var lastWasSpace = true
        for scalar in repaired.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A:
                result.append(Unicode.Scalar(scalar.value + 32)!)
                lastWasSpace = false
            case 0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x202F:
                if !lastWasSpace { result.append(" ") }
                lastWasSpace = true
            case 0x2019, 0x2018, 0x60, 0xB4:
                result.append("'")
                lastWasSpace = false
            case 0..<0x80:
                result.append(scalar)
                lastWasSpace = false
            default:
                if let plain = plainLetters[scalar] {
                    result.append(contentsOf: plain.unicodeScalars)
                } else {
                    result.append(contentsOf: String(scalar).lowercased().unicodeScalars)
                }
                lastWasSpace = false
            }
        }
        if lastWasSpace, !result.isEmpty { result.removeLast() }
        return String(result)
    }

    /// Accented Latin letters, upper and lower case, to their plain lower-case form.
    static let plainLetters: [Unicode.Scalar: String] = {
        let groups: [(String, String)] = [
            ("àâäáãåÀÂÄÁÃÅ", "a"), ("çÇ", "c"), ("éèêëÉÈÊË", "e"), ("îïíìÎÏÍÌ", "i"), ("ôöóòõøÔÖÓÒÕØ", "o"),
            ("ùûüúÙÛÜÚ", "u"), ("ÿýŸÝ", "y"), ("ñÑ", "n"), ("œŒ", "oe"), ("æÆ", "ae"),
        ]
        var table: [Unicode.Scalar: String] = [:]
        for (letters, plain) in groups {
            for scalar in letters.unicodeScalars { table[scalar] = plain }
        }
        return table
    }()

    /// Windows-1252 maps 0x80–0x9F to typographic characters; a double-encoded text holds those.
    static let windows1252Reverse: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
        0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91,
        0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98,
        0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]
}

extension String {
    /// Without leading and trailing white space (non-breaking spaces included), in native Swift.
    public var trimmed: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }

    /// Whether `fragment` occurs in the string, byte for byte. Foundation's `contains` goes
    /// through NSString and locale-aware search, which dominated classification time.
    public func includes(_ fragment: String) -> Bool {
        var haystack = self, needle = fragment
        return haystack.withUTF8 { text in
            needle.withUTF8 { pattern in
                guard let first = pattern.first else { return true }
                guard pattern.count <= text.count, let textStart = text.baseAddress, let patternStart = pattern.baseAddress else { return false }
                var offset = 0
                while offset <= text.count - pattern.count {
                    if text[offset] == first, memcmp(textStart + offset, patternStart, pattern.count) == 0 { return true }
                    offset += 1
                }
                return false
            }
        }
    }
}
