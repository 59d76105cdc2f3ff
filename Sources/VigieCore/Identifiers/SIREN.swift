/// The 9-digit number that identifies a French company (unité légale) in the Sirene register.
public struct SIREN: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Nine ASCII digits, no separators.
    public let digits: String

    /// Validates input such as `"552 081 317"` or `"552.081.317"`.
    public init(_ input: String) throws(IdentifierError) {
        try self.init(digits: try Digits.normalize(input, kind: "SIREN"), input: input)
    }

    /// From digits already stripped of their separators.
    init(digits: [UInt8], input: String) throws(IdentifierError) {
        guard digits.count == 9 else {
            throw IdentifierError(kind: "SIREN", input: input, reason: .length(expected: [9], found: digits.count))
        }
        guard Digits.passesLuhn(digits) else {
            throw IdentifierError(kind: "SIREN", input: input, reason: .checkDigit)
        }
        self.digits = Digits.string(digits)
    }

    init(trusted digits: String) {
        self.digits = digits
    }

    /// A SIREN read back from Vigie's own store, where only validated values are written.
    public init(stored digits: String) {
        self.digits = digits
    }

    /// The group-of-three form people read: "552 081 317".
    public var formatted: String {
        let characters = Array(digits)
        return "\(String(characters[0..<3])) \(String(characters[3..<6])) \(String(characters[6..<9]))"
    }

    public var description: String { digits }

    public static func < (lhs: SIREN, rhs: SIREN) -> Bool { lhs.digits < rhs.digits }

    /// The nine digits as a number, in the same order as the SIRENs (nil for a stored value that
    /// is not nine digits): a million of them sort as integers, not as strings.
    var number: UInt32? {
        var number: UInt32 = 0, count = 0
        for byte in digits.utf8 {
            guard (0x30...0x39).contains(byte), count < 9 else { return nil }
            number = number * 10 + UInt32(byte - 0x30)
            count += 1
        }
        return count == 9 ? number : nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do {
            try self.init(raw)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }

    /// La Poste's SIREN: its establishments' SIRETs do not all follow Luhn.
    public static let laPoste = SIREN(trusted: "356000000")
}
