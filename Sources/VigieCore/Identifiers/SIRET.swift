/// The 14-digit number of one establishment: the company's SIREN followed by a 5-digit NIC.
public struct SIRET: Hashable, Sendable, CustomStringConvertible {
    public let digits: String

    /// Validates a SIRET. La Poste's establishments (SIREN 356000000) are numbered with the
    /// rule "sum of the 14 digits divisible by 5", except a few that follow Luhn: either is accepted.
    public init(_ input: String) throws(IdentifierError) {
        try self.init(digits: try Digits.normalize(input, kind: "SIRET"), input: input)
    }

    /// From digits already stripped of their separators.
    init(digits: [UInt8], input: String) throws(IdentifierError) {
        guard digits.count == 14 else {
            throw IdentifierError(kind: "SIRET", input: input, reason: .length(expected: [14], found: digits.count))
        }
        let isLaPoste = Digits.string(digits.prefix(9)) == SIREN.laPoste.digits
        // The SIREN inside must be valid on its own: a 14-digit Luhn pass can hide a SIREN
        // that fails its own check, and no establishment can belong to a company that cannot exist.
        guard isLaPoste || Digits.passesLuhn(digits.prefix(9)) else {
            throw IdentifierError(kind: "SIRET", input: input, reason: .sirenCheckDigit(Digits.string(digits.prefix(9))))
        }
        let valid = Digits.passesLuhn(digits)
            || (isLaPoste && digits.reduce(0) { $0 + Int($1) } % 5 == 0)
        guard valid else {
            throw IdentifierError(kind: "SIRET", input: input, reason: .checkDigit)
        }
        self.digits = Digits.string(digits)
    }

    /// The company this establishment belongs to: `init` refused any SIRET whose first nine
    /// digits are not a valid SIREN.
    public var siren: SIREN { SIREN(trusted: String(digits.prefix(9))) }

    /// The establishment's number within its company.
    public var nic: String { String(digits.suffix(5)) }

    public var description: String { digits }
}
