import Foundation

/// Reads the dates found in court notices, whatever their age: `2026-01-20`, `27/01/2022`,
/// `21 décembre 2007` (with non-breaking spaces), `1er janvier 2020`.
public enum FrenchDate {
    static let months: [String: Int] = [
        "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
        "juillet": 7, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    ]

    public static func parse(_ raw: String) -> CalendarDay? {
        if let day = common(raw) { return day }
        return general(raw)
    }

    /// The forms DILA and the API write, read off the bytes with no string made: a DILA file
    /// holds a date or two per notice, and the general path (mojibake, folding, splitting) was a
    /// twelfth of classifying one. Anything else (`None` means: not one of these forms) goes the
    /// general way, which gives the same day for these forms too (a test checks every month).
    static func common(_ raw: String) -> CalendarDay?? {
        var raw = raw
        return raw.withUTF8 { bytes -> CalendarDay?? in
            /// A space or a no-break space (DILA separates a date's words with those): its width.
            func space(at index: Int) -> Int {
                if bytes[index] == 0x20 { return 1 }
                return bytes[index] == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0 ? 2 : 0
            }
            var start = 0, end = bytes.count
            while start < end, case let width = space(at: start), width > 0 { start += width }
            while end > start, bytes[end - 1] == 0x20 || (bytes[end - 1] == 0xA0 && end - 2 >= start && bytes[end - 2] == 0xC2) { end -= bytes[end - 1] == 0x20 ? 1 : 2 }
            /// The number written by the digits in `range`, nil if one is not a digit.
            func number(_ range: Range<Int>) -> Int? {
                guard !range.isEmpty else { return nil }
                var value = 0
                for index in range {
                    let digit = bytes[index] &- 0x30
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int(digit)
                }
                return value
            }
            func digits(from index: Int) -> Int {
                var end = index
                while end < bytes.count, bytes[end] &- 0x30 < 10 { end += 1 }
                return end
            }
            // 2026-01-20
            if end - start == 10, bytes[start + 4] == UInt8(ascii: "-"), bytes[start + 7] == UInt8(ascii: "-") {
                guard let year = number(start..<start + 4), let month = number(start + 5..<start + 7), let day = number(start + 8..<start + 10) else { return .none }
                return .some(CalendarDay(year: year, month: month, day: day))
            }
            let dayEnd = digits(from: start)
            guard dayEnd > start, dayEnd - start <= 2, let day = number(start..<dayEnd), dayEnd < end else { return .none }
            // 27/01/2022
            if bytes[dayEnd] == UInt8(ascii: "/") {
                let monthEnd = digits(from: dayEnd + 1)
                guard monthEnd < end, bytes[monthEnd] == UInt8(ascii: "/"), monthEnd - dayEnd <= 3, let month = number(dayEnd + 1..<monthEnd),
                      end - (monthEnd + 1) == 4, let year = number(monthEnd + 1..<end) else { return .none }
                return .some(CalendarDay(year: year, month: month, day: day))
            }
            // 21 décembre 2007, 1er janvier 2020: the month's letters, lower case and without
            // accents, packed seven bits each ("septembre", the longest, takes 63).
            var index = dayEnd
            if index + 1 < end, bytes[index] == UInt8(ascii: "e"), bytes[index + 1] == UInt8(ascii: "r") { index += 2 }
            guard index < end, space(at: index) > 0 else { return .none }
            while index < end, case let width = space(at: index), width > 0 { index += width }
            var code: UInt64 = 0, letters = 0
            while index < end, space(at: index) == 0 {
                var letter = bytes[index]
                switch letter {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): index += 1
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): letter += 32; index += 1
                case 0xC3 where index + 1 < end:
                    switch bytes[index + 1] {
                    case 0xA9, 0x89: letter = UInt8(ascii: "e")
                    case 0xBB, 0x9B: letter = UInt8(ascii: "u")
                    default: return .none
                    }
                    index += 2
                default: return .none
                }
                letters += 1
                guard letters <= 9 else { return .none }
                code = code << 7 | UInt64(letter)
            }
            guard let month = monthCodes.firstIndex(of: code), index < end else { return .none }
            while index < end, case let width = space(at: index), width > 0 { index += width }
            guard end - index == 4, let year = number(index..<end) else { return .none }
            return .some(CalendarDay(year: year, month: month + 1, day: day))
        }
    }

    /// The months' names in order, as `common` packs them.
    static let monthCodes: [UInt64] = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre"]
        .map { $0.utf8.reduce(0) { $0 << 7 | UInt64($1) } }

    /// Every form, mojibake and odd spaces included.
    static func general(_ raw: String) -> CalendarDay? {
        let text = TextRepair.repairMojibake(raw).trimmed
        if let day = CalendarDay(iso: text) { return day }
        let slashed = text.split(separator: "/")
        if slashed.count == 3, let d = Int(slashed[0]), let m = Int(slashed[1]), let y = Int(slashed[2].prefix(4)) {
            return CalendarDay(year: y, month: m, day: d)
        }
        let words = TextRepair.fold(text).split(whereSeparator: { $0 == " " })
        guard words.count == 3, let month = months[String(words[1])], let year = Int(words[2]) else { return nil }
        let dayWord = words[0].hasSuffix("er") ? words[0].dropLast(2) : words[0]
        guard let day = Int(dayWord) else { return nil }
        return CalendarDay(year: year, month: month, day: day)
    }
}
