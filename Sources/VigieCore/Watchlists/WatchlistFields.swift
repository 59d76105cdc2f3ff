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
        // Read byte by byte: an export of a million lines has an amount or two on each.
        var bytes = Array(raw.utf8)[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D { bytes.removeFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D { bytes.removeLast() }
        var parenthesized = false
        if bytes.first == UInt8(ascii: "("), bytes.last == UInt8(ascii: ")"), bytes.count >= 2 {
            bytes = bytes.dropFirst().dropLast()
            parenthesized = true
        }
        let written = String(decoding: bytes, as: UTF8.self)
        var currency: String?
        var number: [UInt8] = []
        number.reserveCapacity(bytes.count)
        var letters: [UInt8] = []
        var index = bytes.startIndex
        func next(_ offset: Int) -> UInt8? { bytes.index(index, offsetBy: offset, limitedBy: bytes.endIndex).flatMap { $0 < bytes.endIndex ? bytes[$0] : nil } }
        while index < bytes.endIndex {
            let byte = bytes[index]
            var width = 1
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "-"): number.append(byte)
            case UInt8(ascii: " "), UInt8(ascii: "'"), UInt8(ascii: "\t"): break
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"): letters.append(byte)
            case 0xC2 where next(1) == 0xA0: width = 2
            case 0xE2 where next(1) == 0x80 && next(2) == 0xAF: width = 3
            case 0xE2 where next(1) == 0x82 && next(2) == 0xAC:
                currency = "EUR"
                width = 3
            default:
                throw FieldError("\"\(written)\" is not an amount; write it like 12500 or 12 500,50")
            }
            index += width
        }
        if !letters.isEmpty {
            let upper = letters.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
            let lower = letters.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
            guard letters.count == 3, upper || lower else {
                throw FieldError("\"\(written)\" is not an amount; write the currency as a 3-letter code such as EUR")
            }
            currency = String(decoding: letters.map { upper ? $0 : $0 - 32 }, as: UTF8.self)
        }
        let comma = UInt8(ascii: ","), dot = UInt8(ascii: ".")
        let lastComma = number.lastIndex(of: comma), lastDot = number.lastIndex(of: dot)
        let separator: UInt8? = switch (lastComma, lastDot) {
        case (nil, nil): nil
        case (.some, nil): comma
        case (nil, .some): number.count(where: { $0 == dot }) > 1 ? nil : dot
        case (.some(let c), .some(let d)): c > d ? comma : dot
        }
        // The decimal separator becomes a point; the other marks group thousands and go.
        let canonical = number.compactMap { byte -> UInt8? in
            if byte == separator { return dot }
            return byte == comma || byte == dot ? nil : byte
        }
        guard let amount = Self.decimal(canonical) else {
            throw FieldError("\"\(written)\" is not an amount; write it like 12500 or 12 500,50")
        }
        return (parenthesized ? -amount : amount, currency)
    }

    /// `-12500.50` as a Decimal, read digit by digit: Foundation's `Decimal(string:)` goes
    /// through a scanner and locale for each amount. Longer numbers than a UInt64 holds go
    /// that slow way.
    static func decimal(_ canonical: [UInt8]) -> Decimal? {
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
        if let first = seen[key] {
            return FileIssue(file: file, line: line, message: "\(identifier) is already listed at line \(first); remove one of the two lines")
        }
        seen[key] = line
        return nil
    }
}
