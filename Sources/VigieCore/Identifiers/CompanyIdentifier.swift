/// What a watchlist or a risk officer gives to name a company: a SIREN, or a SIRET that
/// stands for its company.
public enum CompanyIdentifier: Hashable, Sendable, CustomStringConvertible {
    case siren(SIREN)
    case siret(SIRET)

    /// Chooses by length once separators are removed: 9 digits is a SIREN, 14 a SIRET.
    public init(_ input: String) throws(IdentifierError) {
        let digits = try Digits.normalize(input, kind: "SIREN or SIRET")
        switch digits.count {
        case 9: self = .siren(try SIREN(digits: digits, input: input))
        case 14: self = .siret(try SIRET(digits: digits, input: input))
        default:
            throw IdentifierError(kind: "SIREN or SIRET", input: input, reason: .length(expected: [9, 14], found: digits.count))
        }
    }

    /// The company watched: a SIRET watches the company it belongs to.
    public var siren: SIREN {
        switch self {
        case .siren(let siren): siren
        case .siret(let siret): siret.siren
        }
    }

    public var description: String {
        switch self {
        case .siren(let siren): siren.digits
        case .siret(let siret): siret.digits
        }
    }
}
