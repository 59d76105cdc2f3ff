import Foundation

/// Reading the values of a watchlist entry, shared by the CSV and YAML formats so that both
/// accept the same things and say the same things when they do not.
enum WatchlistFields {
    /// Amounts as ERPs export them: `12500`, `12 500,50`, `12,500.50`, `12500 €`, `EUR 12500`.
    /// Returns the amount and a currency if one was written next to it.
    static func money(_ raw: String) throws(FieldError) -> (Decimal, String?) {
        let (amount, currency) = try signedMoney(raw)
        guard amount >= 0 else { throw FieldError("\"\(raw)\" is negative; an exposure or a limit is 0 or more") }
        return (amount, currency)
    }

    /// The same, negative amounts allowed (a credit note in an aged balance): `-1 200,00`,
    /// `(1 200,00)` as accountants write it.
    static func signedMoney(_ raw: String) throws(FieldError) -> (Decimal, String?) {
        // Read off the string's bytes with no array or string made on the way: an export of a
        // million lines has an amount or two on each. What was written is only made for a
        // message.
        var text = raw
        let reading = text.withUTF8 { readMoney($0) }
        switch reading.outcome {
        case .amount(let amount, let currency):
            return (amount, currency)
        case .notAnAmount:
            throw FieldError("\"\(written(raw, reading.written))\" is not an amount; write it like 12500 or 12 500,50")
        case .currencyNotACode:
            throw FieldError("\"\(written(raw, reading.written))\" is not an amount; write the currency as a 3-letter code such as EUR")
        }
    }

    enum MoneyReading {
        case amount(Decimal, String?)
        case notAnAmount
        case currencyNotACode
    }

    /// The bytes of `raw` in `range`: the amount as written, for messages.
    static func written(_ raw: String, _ range: Range<Int>) -> String {
        String(decoding: Array(raw.utf8)[range], as: UTF8.self)
    }

    /// Two passes over the bytes: the first finds the marks, the letters and the decimal
    /// separator (the last of `,` and `.`, unless `.` groups thousands); the second reads the
    /// digits.
    static func readMoney(_ all: UnsafeBufferPointer<UInt8>) -> (outcome: MoneyReading, written: Range<Int>) {
        var start = 0, end = all.count
        func blank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while start < end, blank(all[start]) { start += 1 }
        while end > start, blank(all[end - 1]) { end -= 1 }
        var parenthesized = false
        if end - start >= 2, all[start] == UInt8(ascii: "("), all[end - 1] == UInt8(ascii: ")") {
            start += 1
            end -= 1
            parenthesized = true
        }
        let written = start..<end
        let comma = UInt8(ascii: ","), dot = UInt8(ascii: ".")
        var currency: String?
        var letters: (UInt8, UInt8, UInt8) = (0, 0, 0), letterCount = 0
        var upper = true, lower = true
        var lastComma = -1, lastDot = -1, dots = 0
        var index = start
        while index < end {
            let byte = all[index]
            var width = 1
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): break
            case comma: lastComma = index
            case dot: lastDot = index; dots += 1
            case UInt8(ascii: " "), UInt8(ascii: "'"), UInt8(ascii: "\t"): break
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                let isUpper = byte <= UInt8(ascii: "Z")
                upper = upper && isUpper
                lower = lower && !isUpper
                switch letterCount {
                case 0: letters.0 = byte
                case 1: letters.1 = byte
                case 2: letters.2 = byte
                default: break
                }
                letterCount += 1
            case 0xC2 where index + 1 < end && all[index + 1] == 0xA0: width = 2
            case 0xE2 where index + 2 < end && all[index + 1] == 0x80 && all[index + 2] == 0xAF: width = 3
            case 0xE2 where index + 2 < end && all[index + 1] == 0x82 && all[index + 2] == 0xAC:
                currency = "EUR"
                width = 3
            default:
                return (.notAnAmount, written)
            }
            index += width
        }
        if letterCount > 0 {
            guard letterCount == 3, upper || lower else { return (.currencyNotACode, written) }
            let shift: UInt8 = upper ? 0 : 32
            currency = String(decoding: [letters.0 - shift, letters.1 - shift, letters.2 - shift], as: UTF8.self)
        }
        let separator: UInt8? = switch (lastComma >= 0, lastDot >= 0) {
        case (false, false): nil
        case (true, false): comma
        case (false, true): dots > 1 ? nil : dot
        case (true, true): lastComma > lastDot ? comma : dot
        }
        // The decimal separator becomes a point; the other marks group thousands and go: the
        // canonical form, read lazily, with nothing copied.
        let canonical = all[start..<end].lazy.compactMap { byte -> UInt8? in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): byte
            case comma, dot: byte == separator ? dot : nil
            default: nil
            }
        }
        guard let amount = decimal(canonical) else { return (.notAnAmount, written) }
        return (.amount(parenthesized ? -amount : amount, currency), written)
    }

    /// `-12500.50` as a Decimal, read digit by digit: Foundation's `Decimal(string:)` goes
    /// through a scanner and locale for each amount. Longer numbers than a UInt64 holds go
    /// that slow way.
    static func decimal(_ canonical: some Collection<UInt8>) -> Decimal? {
        var significand: UInt64 = 0
        var fraction = 0, digits = 0
        var negative = false, point = false
        for (index, byte) in canonical.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where index == 0: negative = true
            case UInt8(ascii: "."): if point { return nil } else { point = true }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                guard digits <= 18 else { return Decimal(string: String(decoding: canonical, as: UTF8.self)) }
                significand = significand * 10 + UInt64(byte - 48)
                if point { fraction += 1 }
            default: return nil
            }
        }
        guard digits > 0 else { return nil }
        return Decimal(sign: negative ? .minus : .plus, exponent: -fraction, significand: Decimal(significand))
    }

    /// A coverage rate: `90 %`, `90`, `0,9`, `0.9`; a figure above 1 is a percentage.
    static func rate(_ raw: String) throws(FieldError) -> Decimal {
        let cleaned = raw.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: ",", with: ".").filter { !$0.isWhitespace }
        guard let value = Decimal(string: cleaned), Double(cleaned) != nil else {
            throw FieldError("rate \"\(raw)\" is not a number; write it like 90 % or 0.9")
        }
        let rate = value > 1 ? value / 100 : value
        guard rate > 0, rate <= 1 else { throw FieldError("rate \"\(raw)\" is not between 0 and 100 %; write it like 90 % or 0.9") }
        return rate
    }

    /// A currency code, `EUR`, `usd`.
    static func currency(_ raw: String) throws(FieldError) -> String {
        // `EUR` as written, on every line of an export: no case mapping to do.
        if raw.utf8.count == 3, raw.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) { return raw }
        let code = raw.trimmed.uppercased()
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw FieldError("\"\(raw)\" is not a currency; use a 3-letter ISO code such as EUR")
        }
        return code
    }

    /// A threshold: a non-negative number, with a `%` allowed after percentages.
    static func threshold(_ raw: String, name: String) throws(FieldError) -> Double {
        let cleaned = raw.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: ",", with: ".").trimmed
        guard let value = Double(cleaned), value >= 0, value.isFinite else {
            throw FieldError("\(name) \"\(raw)\" is not a number; write it like 10 or 12.5")
        }
        return value
    }

    /// Tags in one cell: `key account|retail`, `key account, retail`.
    static func tags(_ raw: String) -> [String] {
        raw.split(whereSeparator: { $0 == "|" || $0 == "," || $0 == ";" })
            .map { String($0).trimmed }
            .filter { !$0.isEmpty }
    }

    static func identifier(_ raw: String) throws(FieldError) -> CompanyIdentifier {
        do {
            return try CompanyIdentifier(raw)
        } catch {
            throw FieldError(error.description)
        }
    }
}

/// A value that could not be read, before it is placed at a file and line.
struct FieldError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Checks that the same identifier is not listed twice in one file. Two SIRETs of the same
/// company are fine (two establishments); their entries both watch the company.
struct DuplicateCheck {
    /// By the identifier's digits as a number: a 14-digit SIRET fits, and hashes far faster
    /// than its string.
    private var seen: [UInt64: Int] = [:]

    init(expected: Int = 0) {
        seen.reserveCapacity(expected)
    }

    mutating func check(_ identifier: String, line: Int, file: String) -> FileIssue? {
        guard let key = UInt64(identifier) else { return nil }
        // One probe of the table per line: the line is written, and put back on a duplicate.
        guard let first = seen.updateValue(line, forKey: key) else { return nil }
        seen[key] = first
        return FileIssue(file: file, line: line, message: "\(identifier) is already listed at line \(first); remove one of the two lines")
    }
}
