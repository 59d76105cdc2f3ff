import Foundation

/// A date without a time or a time zone: what a court judgment or a BODACC issue carries.
///
/// Kept apart from `Date` so that "2026-01-20" never shifts by a day through a time zone.
public struct CalendarDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// `year × 512 + month × 32 + day`: four bytes, ordered as the days are. Snapshots,
    /// observations and guarantees hold several days each, a million companies' worth per
    /// cycle; three `Int`s made each 24 bytes.
    private let packed: Int32

    public var year: Int { Int(packed >> 9) }
    public var month: Int { Int((packed >> 5) & 15) }
    public var day: Int { Int(packed & 31) }

    private init(packing year: Int, _ month: Int, _ day: Int) {
        packed = Int32(truncatingIfNeeded: year * 512 + month * 32 + day)
    }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year), year >= 1000, year <= 9999 else {
            return nil
        }
        self.init(packing: year, month, day)
    }

    /// Parses `YYYY-MM-DD`, optionally followed by a time (`2021-05-07T00:00:00Z`), whose date part is kept.
    public init?(iso: some StringProtocol) {
        let utf8 = Array(iso.utf8.prefix(10))
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"),
              let year = Self.number(utf8[0..<4]), let month = Self.number(utf8[5..<7]), let day = Self.number(utf8[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The day a moment falls on, in UTC.
    public init(_ date: Date) {
        self.init(ordinal: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// `YYYY-MM-DD`.
    public var iso: String {
        guard (1000...9999).contains(year) else {
            let y = String(year), m = month < 10 ? "0\(month)" : String(month), d = day < 10 ? "0\(day)" : String(day)
            return "\(y)-\(m)-\(d)"
        }
        return String(unsafeUninitializedCapacity: 10) { buffer in
            writeISO(into: buffer)
            return 10
        }
    }

    /// Writes `YYYY-MM-DD` into the buffer's first ten bytes, for a four-digit year: every alert
    /// and case written carries several days and timestamps, and string interpolation made
    /// four strings for each.
    package func writeISO(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        Self.digits(year, 4, into: buffer, at: 0)
        buffer[4] = UInt8(ascii: "-")
        Self.digits(month, 2, into: buffer, at: 5)
        buffer[7] = UInt8(ascii: "-")
        Self.digits(day, 2, into: buffer, at: 8)
    }

    /// Writes `YYYY-MM-DD?HH:MM:SS` (19 bytes, `?` the separator) for a moment in whole seconds
    /// since 1970, in UTC: ISO 8601's timestamps and the stores' dates are written with it.
    package static func writeTimestamp(_ seconds: Int, separator: UInt8, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        let (days, rest) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, time) = rest < 0 ? (days - 1, rest + 86_400) : (days, rest)
        CalendarDay(ordinal: day).writeISO(into: buffer)
        buffer[10] = separator
        digits(time / 3_600, 2, into: buffer, at: 11)
        buffer[13] = UInt8(ascii: ":")
        digits(time / 60 % 60, 2, into: buffer, at: 14)
        buffer[16] = UInt8(ascii: ":")
        digits(time % 60, 2, into: buffer, at: 17)
    }

    /// `value`'s last `count` decimal digits, zero-padded.
    @inline(__always)
    package static func digits(_ value: Int, _ count: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var rest = value
        for index in stride(from: offset + count - 1, through: offset, by: -1) {
            buffer[index] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
        }
    }

    /// `YYYYMMDD`, the compact form used in BODACC ids.
    public var compact: String { iso.replacingOccurrences(of: "-", with: "") }

    public var description: String { iso }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.packed < rhs.packed }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let day = CalendarDay(iso: raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a date as YYYY-MM-DD, found \"\(raw)\"")
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for date arithmetic without a calendar object.
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day from an ordinal.
    public init(ordinal: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(packing: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public func adding(days: Int) -> CalendarDay { CalendarDay(ordinal: ordinal + days) }

    public func days(until other: CalendarDay) -> Int { other.ordinal - ordinal }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}

extension Date {
    /// `2026-02-05T08:00:00Z`: the one timestamp format Vigie writes, what `ISO8601FormatStyle`
    /// writes (seconds rounded down), from the digits for the years 1600 to 9999: a signed
    /// webhook writes three, and the format style's calendar was a twentieth of a delivery.
    /// Other years (Foundation's calendar is Julian before 1582) go to the format style.
    public var iso8601: String {
        // Rounded down from the reference date, as the format style does: through 1970, the
        // addition could round a fraction just below a second up to it.
        let reference = timeIntervalSinceReferenceDate.rounded(.down)
        guard reference >= -12_654_403_200, reference < 252_423_993_600 else { return formatted(.iso8601) }
        return String(unsafeUninitializedCapacity: 20) { buffer in
            CalendarDay.writeTimestamp(Int(reference) + 978_307_200, separator: UInt8(ascii: "T"), into: buffer)
            buffer[19] = UInt8(ascii: "Z")
            return 20
        }
    }
}

extension Date {
    /// Reads an ISO 8601 timestamp. The form Vigie writes (`2026-02-05T08:00:00Z`) is read
    /// from its digits: stored alerts and cases hold several each, and `ISO8601FormatStyle`'s
    /// parser was a tenth of reading them back. Any other form goes to that parser.
    public init?(iso8601 text: String) {
        if let seconds = Self.plainUTCSeconds(text) {
            self.init(timeIntervalSince1970: TimeInterval(seconds))
        } else if let date = try? Date(text, strategy: .iso8601) {
            self = date
        } else {
            return nil
        }
    }

    /// Seconds since 1970 of `YYYY-MM-DDTHH:MM:SSZ`, or nil for any other text or an
    /// impossible date (which the full parser then judges). The day is `CalendarDay`'s.
    static func plainUTCSeconds(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A, bytes[19] == 0x5A,
              // Foundation's calendar is Julian before 1582: those dates are its to read.
              let day = CalendarDay(iso: text), day.year >= 1600,
              let hour = CalendarDay.number(bytes[11..<13]), let minute = CalendarDay.number(bytes[14..<16]),
              let second = CalendarDay.number(bytes[17..<19]), hour < 24, minute < 60, second < 60
        else { return nil }
        return day.ordinal * 86_400 + hour * 3_600 + minute * 60 + second
    }
}
