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
        let (seconds, rest) = Int(milliseconds).quotientAndRemainder(dividingBy: 1_000)
        let (second, millisecond) = rest < 0 ? (seconds - 1, rest + 1_000) : (seconds, rest)
        return String(unsafeUninitializedCapacity: 23) { buffer in
            CalendarDay.writeTimestamp(second, separator: UInt8(ascii: " "), into: buffer)
            buffer[19] = UInt8(ascii: ".")
            CalendarDay.digits(millisecond, 3, into: buffer, at: 20)
            return 23
        }
    }
}
