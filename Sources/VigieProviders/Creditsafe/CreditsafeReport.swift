import Foundation
import VigieCore

/// The parts of a Creditsafe Connect company report (`GET /companies/{connectId}`) that
/// Vigie reads. A French report is about 125 KB; only these fields are decoded.
///
/// The poll reads it with `JSONReader` (below), in one pass; the `Decodable` conformance is
/// what `JSONDecoder` reads, the reference the tests hold that reader to.
public struct CreditsafeReportResponse: Decodable, Sendable {
    public var report: Report
    public var companyId: String?
    public var dateOfOrder: String?

    public struct Report: Decodable, Sendable {
        public var companyId: String?
        public var companySummary: CompanySummary?
        public var companyIdentification: CompanyIdentification?
        public var creditScore: CreditScore?
        public var negativeInformation: NegativeInformation?
        public var additionalInformation: AdditionalInformation?
    }

    public struct NegativeInformation: Decodable, Sendable {
        public var judgements: [Judgement]?
        /// French reports: the procedures as each register records them.
        public var collectiveProcedures: CollectiveProcedures?
        /// French reports: tax and social privileges (debts registered by the tax office or URSSAF).
        public var preferentialRightsDetails: PreferentialRights?
    }

    public struct CollectiveProcedures: Decodable, Sendable {
        public var courts: [ProcedureEntry]?
        public var rncs: [ProcedureEntry]?
        public var bodacc: [ProcedureEntry]?
    }

    /// `{judgment, court, details, effectiveDate}`.
    public struct ProcedureEntry: Decodable, Sendable {
        public var judgment: String?
        public var court: String?
        public var effectiveDate: String?
    }

    public struct PreferentialRights: Decodable, Sendable {
        public var numberOfActivePreferentialRights: Int?
    }

    /// French reports: `{effectiveDate, typeOfJudgement {code, value}, court, details}`.
    public struct Judgement: Decodable, Sendable {
        public struct Kind: Decodable, Sendable {
            public var code: String?
            public var value: String?
        }

        public var effectiveDate: String?
        public var typeOfJudgement: Kind?
        public var court: String?
    }

    public struct CompanySummary: Decodable, Sendable {
        public var businessName: String?
        public var companyRegistrationNumber: String?
        public var companyStatus: Status?
    }

    public struct CompanyIdentification: Decodable, Sendable {
        public var basicInformation: BasicInformation?
    }

    public struct BasicInformation: Decodable, Sendable {
        public var businessName: String?
        public var companyRegistrationNumber: String?
        public var companyStatus: Status?
    }

    public struct Status: Decodable, Sendable {
        /// `Active`, `NonActive`, `Pending`, `Other`.
        public var status: String?
        public var description: String?
    }

    public struct CreditScore: Decodable, Sendable {
        public var currentCreditRating: CreditRating?
        public var previousCreditRating: CreditRating?
        public var latestRatingChangeDate: String?
    }

    public struct CreditRating: Decodable, Sendable {
        /// The common scale A–E; E with "Not Scored" means no rating.
        public var commonValue: String?
        public var commonDescription: String?
        /// "Company in situation of failure and with a very high risk of winding up".
        public var providerDescription: String?
        public var creditLimit: Limit?
        public var providerValue: ProviderValue?
    }

    public struct Limit: Decodable, Sendable {
        public var currency: String?
        /// Digits, or "Credit Limit not applicable".
        public var value: StringOrNumber?
    }

    public struct ProviderValue: Decodable, Sendable {
        public var minValue: StringOrNumber?
        public var maxValue: StringOrNumber?
        /// Digits, or "Not Rated".
        public var value: StringOrNumber?
    }

    public struct AdditionalInformation: Decodable, Sendable {
        public var misc: Misc?
    }

    public struct Misc: Decodable, Sendable {
        public var deregistrationDate: String?
    }
}

/// The poll's reader: the report in one pass (`JSONReader`), the members below set, the rest
/// stepped over. `Decodable` above is what `JSONDecoder` reads; the tests hold the two to the
/// same observation on every real and scenario report, cut, reordered and mutated.
extension CreditsafeReportResponse: JSONReadable {
    public static func read(from reader: inout JSONReader) throws -> Self {
        var report: Report?
        var companyId: String?
        var dateOfOrder: String?
        try reader.members { key, reader in
            switch key {
            case "report": report = try reader.read(Report.self)
            case "companyId": companyId = try reader.read()
            case "dateOfOrder": dateOfOrder = try reader.read()
            default: break
            }
        }
        guard let report else {
            throw DecodingError.keyNotFound(JSONPathKey(stringValue: "report"), .init(codingPath: [], debugDescription: "No value associated with key report."))
        }
        return Self(report: report, companyId: companyId, dateOfOrder: dateOfOrder)
    }
}

extension CreditsafeReportResponse.Report: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "companyId": { $0.companyId = try $1.read() },
        "companySummary": { $0.companySummary = try $1.read() },
        "companyIdentification": { $0.companyIdentification = try $1.read() },
        "creditScore": { $0.creditScore = try $1.read() },
        "negativeInformation": { $0.negativeInformation = try $1.read() },
        "additionalInformation": { $0.additionalInformation = try $1.read() },
    ])
}

extension CreditsafeReportResponse.NegativeInformation: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "judgements": { $0.judgements = try $1.read() },
        "collectiveProcedures": { $0.collectiveProcedures = try $1.read() },
        "preferentialRightsDetails": { $0.preferentialRightsDetails = try $1.read() },
    ])
}

extension CreditsafeReportResponse.CollectiveProcedures: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "courts": { $0.courts = try $1.read() },
        "rncs": { $0.rncs = try $1.read() },
        "bodacc": { $0.bodacc = try $1.read() },
    ])
}

extension CreditsafeReportResponse.ProcedureEntry: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "judgment": { $0.judgment = try $1.read() },
        "court": { $0.court = try $1.read() },
        "effectiveDate": { $0.effectiveDate = try $1.read() },
    ])
}

extension CreditsafeReportResponse.PreferentialRights: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "numberOfActivePreferentialRights": { $0.numberOfActivePreferentialRights = try $1.read() },
    ])
}

extension CreditsafeReportResponse.Judgement: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "effectiveDate": { $0.effectiveDate = try $1.read() },
        "typeOfJudgement": { $0.typeOfJudgement = try $1.read() },
        "court": { $0.court = try $1.read() },
    ])
}

extension CreditsafeReportResponse.Judgement.Kind: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "code": { $0.code = try $1.read() },
        "value": { $0.value = try $1.read() },
    ])
}

extension CreditsafeReportResponse.CompanySummary: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "businessName": { $0.businessName = try $1.read() },
        "companyRegistrationNumber": { $0.companyRegistrationNumber = try $1.read() },
        "companyStatus": { $0.companyStatus = try $1.read() },
    ])
}

extension CreditsafeReportResponse.CompanyIdentification: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "basicInformation": { $0.basicInformation = try $1.read() },
    ])
}

extension CreditsafeReportResponse.BasicInformation: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "businessName": { $0.businessName = try $1.read() },
        "companyRegistrationNumber": { $0.companyRegistrationNumber = try $1.read() },
        "companyStatus": { $0.companyStatus = try $1.read() },
    ])
}

extension CreditsafeReportResponse.Status: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "status": { $0.status = try $1.read() },
        "description": { $0.description = try $1.read() },
    ])
}

extension CreditsafeReportResponse.CreditScore: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "currentCreditRating": { $0.currentCreditRating = try $1.read() },
        "previousCreditRating": { $0.previousCreditRating = try $1.read() },
        "latestRatingChangeDate": { $0.latestRatingChangeDate = try $1.read() },
    ])
}

extension CreditsafeReportResponse.CreditRating: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "commonValue": { $0.commonValue = try $1.read() },
        "commonDescription": { $0.commonDescription = try $1.read() },
        "providerDescription": { $0.providerDescription = try $1.read() },
        "creditLimit": { $0.creditLimit = try $1.read() },
        "providerValue": { $0.providerValue = try $1.read() },
    ])
}

extension CreditsafeReportResponse.Limit: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "currency": { $0.currency = try $1.read() },
        "value": { $0.value = try $1.read() },
    ])
}

extension CreditsafeReportResponse.ProviderValue: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "minValue": { $0.minValue = try $1.read() },
        "maxValue": { $0.maxValue = try $1.read() },
        "value": { $0.value = try $1.read() },
    ])
}

extension CreditsafeReportResponse.AdditionalInformation: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "misc": { $0.misc = try $1.read() },
    ])
}

extension CreditsafeReportResponse.Misc: JSONRecord {
    public static let fields = JSONFields<Self>(blank: Self(), [
        "deregistrationDate": { $0.deregistrationDate = try $1.read() },
    ])
}

/// Creditsafe writes numbers as strings ("100", "Not Rated") but not always.
public struct StringOrNumber: Decodable, JSONReadable, Sendable {
    public var text: String

    init(text: String) {
        self.text = text
    }

    /// A string as it is, a number as `String(Double)` writes it: what `init(from:)` reads.
    public static func read(from reader: inout JSONReader) throws -> StringOrNumber {
        StringOrNumber(text: reader.isString ? try reader.string() : String(try reader.double()))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else {
            self.text = String(try container.decode(Double.self))
        }
    }

    /// The number, when the text is one ("12 500" included: spaces are dropped only when the
    /// text as it is does not read, the one case that walks its characters).
    var number: Double? { Double(text) ?? Double(text.filter { !$0.isWhitespace }) }
}

/// Turns a Creditsafe report into an observation: score 0–100 or Not Rated, the common
/// rating A–E, the credit limit or "not applicable", the company's status.
public enum CreditsafeReportDecoder {
    public enum Failure: Error, CustomStringConvertible {
        case malformed(String)
        case noIdentifier

        public var description: String {
            switch self {
            case .malformed(let detail): "not a Creditsafe company report (\(detail))"
            case .noIdentifier: "the report carries no French registration number (SIREN or SIRET)"
            }
        }
    }

    /// Reads the answer's bytes as libcurl handed them over: no copy, and only the fields
    /// above are read (`JSONReader`); the rest of the report is stepped over.
    public static func decode(_ body: some ContiguousBytes, observedOn fallback: CalendarDay) throws(Failure) -> ScoreObservation {
        let response: CreditsafeReportResponse
        do {
            response = try JSONReader.read(body) { try $0.read(CreditsafeReportResponse.self) }
        } catch {
            // Long enough for the path and the line and column of what is wrong, short enough
            // for a log line (of the report itself, a character or a number at most is quoted).
            throw .malformed(String(describing: error).prefix(320).description)
        }
        return try observation(from: response, observedOn: fallback)
    }

    public static func observation(from response: CreditsafeReportResponse, observedOn fallback: CalendarDay) throws(Failure) -> ScoreObservation {
        let report = response.report
        let basic = report.companyIdentification?.basicInformation
        let registration = report.companySummary?.companyRegistrationNumber ?? basic?.companyRegistrationNumber
            ?? report.companyId.map { String($0.split(separator: "-").last ?? "") }
        guard let registration, let identifier = try? CompanyIdentifier(registration) else { throw .noIdentifier }

        let rating = report.creditScore?.currentCreditRating
        let status = report.companySummary?.companyStatus ?? basic?.companyStatus
        var observation = ScoreObservation(
            siren: identifier.siren,
            provider: "creditsafe",
            observedOn: response.dateOfOrder.flatMap { CalendarDay(iso: $0) } ?? fallback,
            score: rating.flatMap(score),
            rating: rating.flatMap(commonRating),
            creditLimit: rating?.creditLimit.flatMap(limit),
            status: companyStatus(status, deregistered: report.additionalInformation?.misc?.deregistrationDate != nil),
            companyName: report.companySummary?.businessName ?? basic?.businessName
        )
        observation.previousRating = report.creditScore?.previousCreditRating.flatMap(commonRating)
        observation.ratingChangedOn = report.creditScore?.latestRatingChangeDate.flatMap { CalendarDay(iso: String($0.prefix(10))) }
        observation.legalEvents = (report.negativeInformation?.judgements ?? []).compactMap { judgement in
            guard let label = judgement.typeOfJudgement?.value ?? judgement.typeOfJudgement?.code else { return nil }
            return LegalEvent(
                on: judgement.effectiveDate.flatMap { CalendarDay(iso: String($0.prefix(10))) }, code: judgement.typeOfJudgement?.code,
                label: label, authority: judgement.court
            )
        }.sorted { newer, older in
            // Latest first, undated last: compared as days, not as the text of each per comparison.
            switch (newer.on, older.on) {
            case (let newer?, let older?): newer > older
            case (.some, nil): true
            default: false
            }
        }
        observation.inFailure = rating.map { TextRepair.fold($0.providerDescription ?? "").includes("situation of failure") }
        observation.facts = facts(report.negativeInformation)
        return observation
    }

    /// Judgements, procedures (as the courts, the RNCS and the BODACC record them) and the
    /// count of active privileges; nil when the report has no negative-information section.
    static func facts(_ information: CreditsafeReportResponse.NegativeInformation?) -> [ProviderFact]? {
        guard let information else { return nil }
        func day(_ text: String?) -> CalendarDay? { text.flatMap { CalendarDay(iso: String($0.prefix(10))) } }
        var facts: [ProviderFact] = (information.judgements ?? []).compactMap { judgement in
            guard let label = judgement.typeOfJudgement?.value ?? judgement.typeOfJudgement?.code else { return nil }
            return ProviderFact(kind: .judgement, on: day(judgement.effectiveDate), code: judgement.typeOfJudgement?.code, label: label)
        }
        let procedures = information.collectiveProcedures
        // The same procedure as two registers record it is one fact.
        var seen = Set(facts.map(\.key))
        for entry in (procedures?.courts ?? []) + (procedures?.rncs ?? []) + (procedures?.bodacc ?? []) {
            guard let label = entry.judgment else { continue }
            let fact = ProviderFact(kind: .procedure, on: day(entry.effectiveDate), label: label)
            if seen.insert(fact.key).inserted { facts.append(fact) }
        }
        if let active = information.preferentialRightsDetails?.numberOfActivePreferentialRights {
            facts.append(ProviderFact(kind: .privileges, on: nil, label: "active privileges", count: active))
        }
        return facts
    }

    static func score(_ rating: CreditsafeReportResponse.CreditRating) -> ScoreValue? {
        guard let provider = rating.providerValue, let raw = provider.value else { return nil }
        guard let value = raw.number else { return .notRated }
        return .value(value, minimum: provider.minValue?.number ?? 0, maximum: provider.maxValue?.number ?? 100)
    }

    /// The common value, unless Creditsafe says it is not a score ("E — Not Scored").
    static func commonRating(_ rating: CreditsafeReportResponse.CreditRating) -> String? {
        guard let value = rating.commonValue, !value.isEmpty else { return nil }
        if TextRepair.fold(rating.commonDescription ?? "").includes("not scored") { return nil }
        return value
    }

    static func limit(_ limit: CreditsafeReportResponse.Limit) -> CreditLimit? {
        guard let raw = limit.value else { return nil }
        guard let amount = raw.number else { return .notApplicable }
        return .amount(amount, currency: limit.currency)
    }

    static func companyStatus(_ status: CreditsafeReportResponse.Status?, deregistered: Bool) -> CompanyStatus? {
        switch status?.status {
        case "Active": .active
        case "NonActive": deregistered ? .struckOff : .ceased
        default: nil
        }
    }
}
