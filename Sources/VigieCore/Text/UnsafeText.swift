/// Characters that must never reach a terminal, a chat table or an email from a watchlist:
/// line breaks split a line into two (a forged table row, a forged header), NUL and other
/// control characters drive terminals, and bidirectional overrides (U+202E) make text read
/// differently from what it is. Names, owners, tags and list names are refused with them.
public enum UnsafeText {
    /// Why `text` cannot be used as a one-line label, or nil when it can.
    public static func problem(in text: String) -> String? {
        // Printable ASCII, most of any list: one pass over the bytes, no scalar decoded.
        let printable = text.utf8.withContiguousStorageIfAvailable { bytes in bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
        if printable == true { return nil }
        for scalar in text.unicodeScalars {
            // Printable ASCII, most of any list: nothing to look up.
            if scalar.value >= 0x20 && scalar.value < 0x7F { continue }
            switch scalar.value {
            case 0x0A, 0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029:
                return "holds a line break; write it on one line"
            case 0x00:
                return "holds a NUL character; the file is probably damaged or not text"
            case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C:
                return "holds U+\(String(scalar.value, radix: 16, uppercase: true)), a bidirectional control that makes text display in another order; remove it"
            default:
                if scalar.properties.generalCategory == .control {
                    return "holds the control character U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(4)); remove it"
                }
            }
        }
        return nil
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
