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
        var raw = raw.trimmed
        var parenthesized = false
        if raw.hasPrefix("("), raw.hasSuffix(")") {
            raw = String(raw.dropFirst().dropLast())
            parenthesized = true
        }
        var currency: String?
        var number = ""
        var letters = ""
        for character in raw {
            switch character {
            case "0"..."9", ",", ".", "-": number.append(character)
            case "€": currency = "EUR"
            case " ", "\u{00A0}", "\u{202F}", "'", "\t": continue
            case _ where character.isLetter: letters.append(character)
            default:
                throw FieldError("\"\(raw)\" is not an amount; write it like 12500 or 12 500,50")
            }
        }
        if !letters.isEmpty {
            guard letters.count == 3, letters.allSatisfy(\.isUppercase) || letters.allSatisfy(\.isLowercase) else {
                throw FieldError("\"\(raw)\" is not an amount; write the currency as a 3-letter code such as EUR")
            }
            currency = letters.uppercased()
        }
        let lastComma = number.lastIndex(of: ","), lastDot = number.lastIndex(of: ".")
        let decimalSeparator: Character? = switch (lastComma, lastDot) {
        case (nil, nil): nil
        case (.some, nil): ","
        case (nil, .some): number.filter { $0 == "." }.count > 1 ? nil : "."
        case (.some(let comma), .some(let dot)): comma > dot ? "," : "."
        }
        let canonical = String(number.compactMap { character -> Character? in
            if character == decimalSeparator { return "." }
            if character == "," || character == "." { return nil }
            return character
        })
        guard !canonical.isEmpty, let amount = Decimal(string: canonical) else {
            throw FieldError("\"\(raw)\" is not an amount; write it like 12500 or 12 500,50")
        }
        return (parenthesized ? -amount : amount, currency)
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
    private var seen: [String: Int] = [:]

    mutating func check(_ identifier: String, line: Int, file: String) -> FileIssue? {
        if let first = seen[identifier] {
            return FileIssue(file: file, line: line, message: "\(identifier) is already listed at line \(first); remove one of the two lines")
        }
        seen[identifier] = line
        return nil
    }
}
