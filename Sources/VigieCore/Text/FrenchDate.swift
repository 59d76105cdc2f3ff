import Foundation

/// Reads the dates found in court notices, whatever their age: `2026-01-20`, `27/01/2022`,
/// `21 décembre 2007` (with non-breaking spaces), `1er janvier 2020`.
public enum FrenchDate {
    static let months: [String: Int] = [
        "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
        "juillet": 7, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    ]

    public static func parse(_ raw: String) -> CalendarDay? {
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
