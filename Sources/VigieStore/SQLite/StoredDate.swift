import Foundation
import GRDB
import VigieCore

/// A date as GRDB writes one into SQLite (`2026-02-05 08:00:00.250`: its `DateFormatter`'s
/// `yyyy-MM-dd HH:mm:ss.SSS` in UTC, the moment rounded to the millisecond), written from the
/// digits for the years 1600 to 9999 and by GRDB otherwise. The same text, so stored dates
/// still compare as text with those GRDB binds; the formatter's ICU calendar was a fortieth
/// of a delivery pass, which records two dates per attempt. A test holds the two together.
enum StoredDate {
    static func text(_ date: Date) -> String {
        // Half a millisecond up, before 1970 too, as ICU rounds.
        let milliseconds = ((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000 + 0.5).rounded(.down)
        guard milliseconds >= -11_676_096_000_000, milliseconds < 253_402_300_800_000 else {
            return String.fromDatabaseValue(date.databaseValue) ?? ""
        }
        let (days, rest) = Int(milliseconds).quotientAndRemainder(dividingBy: 86_400_000)
        let (day, time) = rest < 0 ? (days - 1, rest + 86_400_000) : (days, rest)
        return String(unsafeUninitializedCapacity: 23) { buffer in
            CalendarDay(ordinal: day).writeISO(into: buffer)
            buffer[10] = UInt8(ascii: " ")
            CalendarDay.digits(time / 3_600_000, 2, into: buffer, at: 11)
            buffer[13] = UInt8(ascii: ":")
            CalendarDay.digits(time / 60_000 % 60, 2, into: buffer, at: 14)
            buffer[16] = UInt8(ascii: ":")
            CalendarDay.digits(time / 1_000 % 60, 2, into: buffer, at: 17)
            buffer[19] = UInt8(ascii: ".")
            CalendarDay.digits(time % 1_000, 3, into: buffer, at: 20)
            return 23
        }
    }

    static func text(_ date: Date?) -> String? {
        date.map(text)
    }
}
