/// Why a string is not a valid French company identifier.
///
/// The description names the problem and how to fix it, so that a watchlist check can show it as is.
public struct IdentifierError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// After removing spaces and dots, the number has the wrong number of digits.
        case length(expected: [Int], found: Int)
        /// A character other than a digit, a space or a dot.
        case character(Character, position: Int)
        /// The digits are well-formed but the check digit does not match.
        case checkDigit
        /// A SIRET whose first nine digits (its SIREN) fail the SIREN's own check digit.
        case sirenCheckDigit(String)
        /// A VAT number that does not start with `FR`.
        case prefix
        /// A VAT key that is not the one computed from the SIREN.
        case vatKey(expected: String, found: String)
    }

    /// What kind of identifier was expected ("SIREN", "SIRET", "VAT number").
    public var kind: String
    /// The input as given.
    public var input: String
    public var reason: Reason

    public init(kind: String, input: String, reason: Reason) {
        self.kind = kind
        self.input = input
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .length(let expected, let found):
            let lengths = expected.map(String.init).joined(separator: " or ")
            return "\(kind) \"\(input)\" has \(found) digits, expected \(lengths); copy the number again from the Kbis or annuaire-entreprises.data.gouv.fr"
        case .character(let character, let position):
            return "\(kind) \"\(input)\" holds \"\(character)\" at position \(position); only digits, spaces and dots are allowed"
        case .checkDigit:
            return "\(kind) \"\(input)\" fails its check digit (Luhn); a digit is probably mistyped"
        case .sirenCheckDigit(let siren):
            return "\(kind) \"\(input)\" starts with \(siren), which is not a valid SIREN (its check digit fails); a digit is probably mistyped"
        case .prefix:
            return "VAT number \"\(input)\" must start with FR followed by a 2-character key and the SIREN"
        case .vatKey(let expected, let found):
            return "VAT number \"\(input)\" has key \(found) but its SIREN gives key \(expected); check the number"
        }
    }
}
