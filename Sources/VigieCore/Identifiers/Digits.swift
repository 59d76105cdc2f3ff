/// Shared digit handling for SIREN, SIRET and VAT numbers.
enum Digits {
    /// Strips the separators people type ("552 081 317", "552.081.317", non-breaking spaces)
    /// and checks what is left is digits only.
    static func normalize(_ input: String, kind: String) throws(IdentifierError) -> [UInt8] {
        var digits: [UInt8] = []
        digits.reserveCapacity(14)
        var position = 0
        for character in input {
            position += 1
            if character == " " || character == "." || character == "\u{00A0}" || character == "\u{202F}" || character == "\t" {
                continue
            }
            guard let ascii = character.asciiValue, ascii >= 48, ascii <= 57 else {
                throw IdentifierError(kind: kind, input: input, reason: .character(character, position: position))
            }
            digits.append(ascii - 48)
        }
        return digits
    }

    /// Luhn: double every second digit from the right; the sum must be a multiple of 10.
    static func passesLuhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    static func string(_ digits: some Sequence<UInt8>) -> String {
        String(decoding: digits.map { $0 + 48 }, as: UTF8.self)
    }
}
