import Foundation

/// The French intra-community VAT number: `FR`, a 2-character key, the SIREN.
public struct FrenchVATNumber: Hashable, Sendable, CustomStringConvertible {
    public let key: String
    public let siren: SIREN

    /// The key computed from the SIREN: (12 + 3 × (SIREN mod 97)) mod 97, on two digits.
    public static func key(for siren: SIREN) -> String {
        let value = (12 + 3 * (Int(siren.digits)! % 97)) % 97
        return value < 10 ? "0\(value)" : String(value)
    }

    public init(siren: SIREN) {
        self.siren = siren
        self.key = Self.key(for: siren)
    }

    /// Validates `FR85494814452` (spaces allowed). Some old numbers carry an alphanumeric key
    /// that no formula gives: those are accepted, and `hasComputedKey` is false.
    public init(_ input: String) throws(IdentifierError) {
        let compact = input.filter { $0 != " " && $0 != "." && $0 != "\u{00A0}" }.uppercased()
        guard compact.hasPrefix("FR"), compact.count >= 4 else {
            throw IdentifierError(kind: "VAT number", input: input, reason: .prefix)
        }
        let body = compact.dropFirst(2)
        let key = String(body.prefix(2))
        guard key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw IdentifierError(kind: "VAT number", input: input, reason: .prefix)
        }
        let sirenPart = String(body.dropFirst(2))
        let siren: SIREN
        do {
            siren = try SIREN(sirenPart)
        } catch {
            throw IdentifierError(kind: "VAT number", input: input, reason: error.reason)
        }
        let expected = Self.key(for: siren)
        if key.allSatisfy(\.isNumber), key != expected {
            throw IdentifierError(kind: "VAT number", input: input, reason: .vatKey(expected: expected, found: key))
        }
        self.key = key
        self.siren = siren
    }

    /// False for the old alphanumeric keys, which are kept but flagged.
    public var hasComputedKey: Bool { key == Self.key(for: siren) }

    public var description: String { "FR\(key)\(siren.digits)" }
}
