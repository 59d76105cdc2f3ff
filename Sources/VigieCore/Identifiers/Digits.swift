/// Shared digit handling for SIREN, SIRET and VAT numbers.
enum Digits {
    /// Strips the separators people type ("552 081 317", "552.081.317", non-breaking spaces)
    /// and checks what is left is digits only.
    static func normalize(_ input: String, kind: String) throws(IdentifierError) -> [UInt8] {
        // The common case, read byte by byte: digits, ASCII separators and the two non-breaking
        // spaces' UTF-8 forms. Anything else goes the slow way, which names the character and
        // its position. Watchlists of a million lines spend their time here.
        var digits: [UInt8] = []
        digits.reserveCapacity(14)
        var utf8 = input.utf8.makeIterator()
        var plain = true
        while let byte = utf8.next() {
            switch byte {
            case 48...57: digits.append(byte - 48)
            case 32, 46, 9: continue
            case 0xC2 where utf8.next() == 0xA0: continue
            case 0xE2 where utf8.next() == 0x80 && utf8.next() == 0xAF: continue
            default: plain = false
            }
            if !plain { break }
        }
        if plain { return digits }
        digits.removeAll(keepingCapacity: true)
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
    static func passesLuhn(_ digits: some BidirectionalCollection<UInt8>) -> Bool {
        var sum = 0
        var offset = 0
        for digit in digits.reversed() {
            var value = Int(digit)
            if offset & 1 == 1 {
                value &*= 2
                if value > 9 { value -= 9 }
            }
            sum += value
            offset += 1
        }
        return sum % 10 == 0
    }

    static func string(_ digits: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: digits.count) { buffer in
            for (index, digit) in digits.enumerated() { buffer[index] = digit + 48 }
            return digits.count
        }
    }
}
