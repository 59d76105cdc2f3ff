import Foundation

/// Text from court registries comes with double-encoded accents and typographic variants.
/// These helpers make it readable, and comparable.
public enum TextRepair {
    /// Undoes UTF-8 bytes that were read as Latin-1 and encoded again ("clÃ´ture" → "clôture").
    /// Text without the tell-tale `Ã`/`Â` sequences is returned unchanged.
    public static func repairMojibake(_ text: String) -> String {
        guard hasMojibakeMarks(text) else { return text }
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

    /// Whether the text holds `Ã`, `Â` or `â€` (C3 83, C3 82, C3 A2 E2 82 AC): one pass over the
    /// bytes, since every French text holds C3 (é, è, à…) and three searches for each were a
    /// twentieth of classifying a notice.
    static func hasMojibakeMarks(_ text: String) -> Bool {
        let found = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            var index = 0
            while index + 1 < bytes.count {
                if bytes[index] == 0xC3 {
                    let next = bytes[index + 1]
                    if next == 0x82 || next == 0x83 { return true }
                    if next == 0xA2, index + 4 < bytes.count, bytes[index + 2] == 0xE2, bytes[index + 3] == 0x82, bytes[index + 4] == 0xAC { return true }
                }
                index += 1
            }
            return false
        }
        return found ?? (text.includes("Ã") || text.includes("Â") || text.includes("â€"))
    }

    /// Lower-case, accents removed, apostrophes and spaces made plain, runs of spaces folded:
    /// the form classification rules match against. Works on UTF-8 bytes with a table of the
    /// Latin-1 letters French uses, many times faster than Foundation's locale folding; other
    /// characters are kept as they are.
    public static func fold(_ text: String) -> String {
        var repaired = repairMojibake(text)
        return repaired.withUTF8 { bytes in
            // Folding never lengthens the text (a two-byte letter becomes one or two bytes, a
            // run of spaces one space): written straight into the string's storage, no array.
            String(unsafeUninitializedCapacity: bytes.count) { output in
                var count = 0
                var lastWasSpace = true
                var index = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    var width = 1
                    /// What the byte (or the sequence it starts) becomes: one byte, a space, or itself.
                    var single: UInt8? = nil
                    var isSpace = false
                    switch byte {
                    case 0x41...0x5A: single = byte + 32
                    case 0x20, 0x09, 0x0A, 0x0D: isSpace = true
                    case 0x60: single = 0x27
                    case 0..<0x80: single = byte
                    case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xA0: isSpace = true; width = 2
                    case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xB4: single = 0x27; width = 2
                    case 0xC3 where index + 1 < bytes.count, 0xC5 where index + 1 < bytes.count:
                        width = 2
                        if let plain = latinLetter(byte, bytes[index + 1]) {
                            output[count] = plain.0
                            count += 1
                            if plain.1 != 0 {
                                output[count] = plain.1
                                count += 1
                            }
                            lastWasSpace = false
                            index += 2
                            continue
                        }
                    case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80:
                        width = 3
                        switch bytes[index + 2] {
                        case 0x98, 0x99: single = 0x27
                        case 0xAF: isSpace = true
                        default: break
                        }
                    default: break
                    }
                    if isSpace {
                        if !lastWasSpace {
                            output[count] = 0x20
                            count += 1
                        }
                        lastWasSpace = true
                    } else if let single {
                        output[count] = single
                        count += 1
                        lastWasSpace = false
                    } else {
                        for offset in 0..<width {
                            output[count] = bytes[index + offset]
                            count += 1
                        }
                        lastWasSpace = false
                    }
                    index += width
                }
                if lastWasSpace, count > 0 { count -= 1 }
                return count
            }
        }
    }

    /// The plain lower-case form of an accented Latin letter written as the two UTF-8 bytes
    /// `lead`, `trail` (`é` → `e`, `Œ` → `oe`): one or two bytes, the second 0 when there is one.
    @inline(__always)
    static func latinLetter(_ lead: UInt8, _ trail: UInt8) -> (UInt8, UInt8)? {
        let entry = latinLetterTable[Int(lead == 0xC3 ? trail & 0x3F : 0x40 | (trail & 0x3F))]
        return entry.0 == 0 ? nil : entry
    }

    /// Accented Latin letters, upper and lower case, to their plain lower-case form, indexed by
    /// their two UTF-8 bytes (the trail byte's low six bits, after 0xC3; plus 64, after 0xC5):
    /// no hashing per letter.
    static let latinLetterTable: [(UInt8, UInt8)] = {
        let groups: [(String, String)] = [
            ("àâäáãåÀÂÄÁÃÅ", "a"), ("çÇ", "c"), ("éèêëÉÈÊË", "e"), ("îïíìÎÏÍÌ", "i"), ("ôöóòõøÔÖÓÒÕØ", "o"),
            ("ùûüúÙÛÜÚ", "u"), ("ÿýŸÝ", "y"), ("ñÑ", "n"), ("œŒ", "oe"), ("æÆ", "ae"),
        ]
        var table = [(UInt8, UInt8)](repeating: (0, 0), count: 128)
        for (letters, plain) in groups {
            let folded = Array(plain.utf8)
            for character in letters {
                let bytes = Array(String(character).utf8)
                guard bytes.count == 2, bytes[0] == 0xC3 || bytes[0] == 0xC5 else { continue }
                table[Int(bytes[0] == 0xC3 ? bytes[1] & 0x3F : 0x40 | (bytes[1] & 0x3F))] = (folded[0], folded.count > 1 ? folded[1] : 0)
            }
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
        // Most values start and end with a printable ASCII byte: nothing to trim, and no
        // Unicode property to look up (which dominated reading a million-line watchlist).
        // The ends read from contiguous storage: `utf8.last` walks the view's index backwards.
        let printableEnds = utf8.withContiguousStorageIfAvailable { bytes in
            guard let head = bytes.first, let tail = bytes.last else { return false }
            return head > 0x20 && head < 0x7F && tail > 0x20 && tail < 0x7F
        }
        if printableEnds ?? false { return self }
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
                // memchr finds each candidate first byte; memcmp checks the rest.
                let last = text.count - pattern.count
                var offset = 0
                while offset <= last {
                    guard let found = memchr(textStart + offset, Int32(first), last - offset + 1) else { return false }
                    offset = UnsafeRawPointer(textStart).distance(to: UnsafeRawPointer(found))
                    if memcmp(textStart + offset, patternStart, pattern.count) == 0 { return true }
                    offset += 1
                }
                return false
            }
        }
    }
}
