import Foundation
import Testing
@testable import VigieCore
import VigieTestSupport

@Suite("Dates and text from court notices")
struct TextTests {
    @Test("French dates in every form BODACC has used", arguments: [
        ("2026-01-20", "2026-01-20"),
        ("2021-05-07T00:00:00Z", "2021-05-07"),
        ("27/01/2022", "2022-01-27"),
        ("21\u{00A0}décembre\u{00A0}2007", "2007-12-21"),
        ("1er janvier 2020", "2020-01-01"),
        ("5 décembre 2007", "2007-12-05"),
        ("13 Août 2019", "2019-08-13"),
        ("3 fÃ©vrier 2015", "2015-02-03"),
    ])
    func frenchDates(raw: String, iso: String) {
        #expect(FrenchDate.parse(raw)?.iso == iso)
    }

    @Test("impossible or unknown dates are not guessed", arguments: ["31/02/2022", "32 janvier 2020", "hier", "", "2022-13-01"])
    func badDates(raw: String) {
        #expect(FrenchDate.parse(raw) == nil)
    }

    @Test("the byte path for common dates gives the general path's day, or leaves the text to it")
    func commonDates() {
        let months = ["janvier", "février", "Fevrier", "mars", "avril", "mai", "JUIN", "juillet", "août", "Aout", "septembre", "octobre", "novembre", "décembre", "Décembre", "brumaire"]
        var forms: [String] = []
        for day in [0, 1, 9, 28, 29, 30, 31, 32] {
            for (index, month) in months.enumerated() {
                forms += ["\(day) \(month) 2007", "\(day)er \(month) 2024", " \(day)  \(month) 1999 ", "\(day) \(month) 20", "\(day)\u{00A0}\(month)\u{00A0}2007"]
                forms += ["\(day)/\(index)/2024", "\(day)/\(index)/24", "\(day)/\(index)/2024 00:00", "2024-\(index < 10 ? "0" : "")\(index)-\(day < 10 ? "0" : "")\(day)"]
            }
        }
        forms += ["", " ", "1er", "1 janvier", "janvier 2020", "12345 janvier 2020", "3 fÃ©vrier 2015", "2024-1-1", "2024-01-01T10:00:00Z", "1 janvierx 2020"]
        for form in forms {
            if let quick = FrenchDate.common(form) {
                #expect(quick == FrenchDate.general(form), "\(form)")
            }
        }
        #expect(forms.filter { FrenchDate.common($0) != nil }.count > 300, "the byte path reads the common forms itself")
    }

    @Test("mojibake is repaired, clean text is left alone")
    func mojibake() {
        #expect(TextRepair.repairMojibake("Jugement de clÃ´ture pour insuffisance d'actif") == "Jugement de clôture pour insuffisance d'actif")
        #expect(TextRepair.repairMojibake("procÃ©dure de redressement") == "procédure de redressement")
        #expect(TextRepair.repairMojibake("Ganymède") == "Ganymède")
        #expect(TextRepair.fold("Avis d’annulation") == "avis d'annulation")
        #expect(TextRepair.fold("  Jugement   de CLÔTURE ") == "jugement de cloture")
    }
}

@Suite("Calendar arithmetic")
struct CalendarArithmeticTests {
    @Test("days are added across months, leap years and centuries", arguments: [
        ("2026-02-27", 2, "2026-03-01"), ("2024-02-28", 1, "2024-02-29"), ("2000-02-28", 1, "2000-02-29"),
        ("1900-02-28", 1, "1900-03-01"), ("2026-01-01", -1, "2025-12-31"), ("1970-01-01", 0, "1970-01-01"),
    ])
    func adding(start: String, days: Int, expected: String) {
        let day = CalendarDay(iso: start)!
        #expect(day.adding(days: days).iso == expected)
        #expect(day.days(until: day.adding(days: days)) == days)
    }

    /// A day is packed in four bytes: every day of 1899–2101, and every 97th from year 1000 to
    /// 9999 (and ordinals either side, which dates far from now give), keeps its year, month and
    /// day, its order and its text.
    @Test("days keep their parts, their order and their text when packed", arguments: [
        (CalendarDay(year: 1899, month: 1, day: 1)!.ordinal, CalendarDay(year: 2101, month: 12, day: 31)!.ordinal, 1),
        (CalendarDay(year: 1000, month: 1, day: 1)!.ordinal - 400_000, CalendarDay(year: 9999, month: 12, day: 31)!.ordinal + 400_000, 97),
    ])
    func packedDays(first: Int, last: Int, step: Int) throws {
        var previous: CalendarDay?
        var checked = 0
        for ordinal in stride(from: first, through: last, by: step) {
            let day = CalendarDay(ordinal: ordinal)
            guard day.ordinal == ordinal else {
                Issue.record("ordinal \(ordinal) came back as \(day.ordinal)")
                return
            }
            if let previous, !(previous < day) || previous == day { Issue.record("\(previous) is not before \(day)"); return }
            if (1000...9999).contains(day.year) {
                let parsed = try #require(CalendarDay(iso: day.iso))
                if parsed != day || CalendarDay(year: day.year, month: day.month, day: day.day) != day { Issue.record("\(day.iso) does not come back"); return }
                checked += 1
            }
            previous = day
        }
        #expect(checked > 30_000)
    }
}

@Suite("Days of moments")
struct DayOfMomentTests {
    @Test("a moment's day is its UTC day")
    func utcDay() {
        #expect(CalendarDay(Date(timeIntervalSince1970: 0)).iso == "1970-01-01")
        #expect(CalendarDay(Date(timeIntervalSince1970: 1_770_000_000)).iso == "2026-02-02")
        #expect(CalendarDay(Date(timeIntervalSince1970: -1)).iso == "1969-12-31")
    }

    @Test("timestamps and days written from their digits are what Foundation's ISO 8601 format style writes")
    func writtenTimestamps() {
        var random = SplitMix(state: 2001)
        // The range's ends, the epoch, leap days, and fractions either side of a second.
        var seconds: [Double] = [-11_676_096_000, -11_676_096_000.5, -11_676_096_001, 253_402_300_799.999, 253_402_300_800, 0, -0.5, 0.999_999, -1.5,
                                 951_782_399.5, 951_868_800, 1_000_000_000.999_999_9, 978_307_199.999_999_9, 978_307_200, -62_135_596_800]
        for _ in 0..<5_000 {
            let whole = Double(Int64(random.next() % 280_000_000_000) - 14_000_000_000)
            seconds.append(whole)
            seconds.append(whole + Double(random.next() % 1_000_000) / 1_000_000)
            // Just below a whole second, where a sum through 1970 would round up.
            seconds.append(whole.nextDown)
        }
        for value in seconds {
            let date = Date(timeIntervalSince1970: value)
            #expect(date.iso8601 == date.formatted(.iso8601), "\(value)")
        }
        for ordinal in stride(from: -150_000, to: 3_000_000, by: 97) {
            let day = CalendarDay(ordinal: ordinal)
            #expect(day.iso == String(format: "%04d-%02d-%02d", day.year, day.month, day.day), "\(ordinal)")
        }
    }

    @Test("timestamps read from their digits are the dates Foundation's ISO 8601 parser reads")
    func timestamps() throws {
        var random = SplitMix(state: 8601)
        var texts = ["2026-02-05T08:00:00Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "1900-03-01T00:00:00Z", "2400-02-29T12:00:00Z",
                     "1600-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-12-02T03:46:18Z"]
        for _ in 0..<2_000 {
            let seconds = Int64(random.next() % 16_000_000_000) - 2_000_000_000
            texts.append(Date(timeIntervalSince1970: TimeInterval(seconds)).iso8601)
        }
        for text in texts {
            #expect(Date.plainUTCSeconds(text) != nil, "\(text)")
            #expect(Date(iso8601: text) == (try Date(text, strategy: .iso8601)), "\(text)")
        }
        // Other forms and impossible dates are the full parser's to judge.
        for text in ["2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-02-05T24:00:00Z", "2026-02-05T08:00:60Z", "2026-02-05T08:00:00+01:00",
                     "2026-02-05 08:00:00Z", "2026-02-05T08:00:00.5Z", "20260205T080000Z", "", "2026-02-05T08:00:0xZ", "1582-10-10T00:00:00Z", "0001-01-01T00:00:00Z"] {
            #expect(Date.plainUTCSeconds(text) == nil, "\(text)")
            #expect(Date(iso8601: text) == (try? Date(text, strategy: .iso8601)), "\(text)")
        }
    }
}
