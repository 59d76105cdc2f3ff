import Foundation
import VigieCore
import VigieTransport

/// Ellisphère as a score provider: one online order (`svcOnlineOrder`, XML 2.2) per company,
/// read by `EllisphereReportDecoder`: the 0–10 score, the risk class, the credit opinion and
/// the status.
public typealias EllisphereProvider = CompanyProvider<EllisphereAPI>

/// How Vigie orders a report from Ellisphère. Ellisphère authenticates every order with the
/// contract's credentials in the request body; they are sent over TLS and never logged.
public struct EllisphereAPI: CompanyAPI {
    public static let provider = "ellisphere"
    public static let credentials = "contract_id, user_prefix, user_id and the password the configuration names"

    /// `https://services.data-access-gateway.com/1/rest`, or `vigie mock-provider`'s `/ellisphere`.
    public var baseURL: String
    public var contractID: String
    public var userPrefix: String
    public var userID: String
    /// From the environment or a file; never logged.
    public var password: String
    /// Ellisphère's product code for the report ordered: 101021 is "Rapport approfondi WS".
    public var product = "101021"

    public init(baseURL: String, contractID: String, userPrefix: String, userID: String, password: String) {
        self.baseURL = ProviderClient.baseURL(baseURL)
        self.contractID = contractID
        self.userPrefix = userPrefix
        self.userID = userID
        self.password = password
    }

    public func request(for siren: SIREN, at now: Date) -> HTTPRequest {
        HTTPRequest(
            url: "\(baseURL)/svcOnlineOrder",
            headers: [("Content-Type", "application/xml; charset=utf-8"), ("Accept", "application/xml")],
            body: Array(orderXML(for: siren, at: now).utf8)
        )
    }

    /// Ellisphère answers business errors (an unknown company, refused credentials) with a
    /// `result` code other than OK, in an HTTP 200: an unknown company is no failure, the
    /// others say what they mean.
    public func observation(from body: Data, observedOn today: CalendarDay) throws -> ScoreObservation? {
        do {
            return try EllisphereReportDecoder.decode(body, observedOn: today)
        } catch let refusal as EllisphereReportDecoder.Refusal {
            switch refusal.meaning {
            case .unknownCompany: return nil
            case .credentials:
                throw ProviderClient.Failure(status: nil, message: "Ellisphère refused the credentials (result \(refusal.code): \(refusal.message)); check \(Self.credentials)")
            case .other:
                throw ProviderClient.Failure(status: nil, message: "Ellisphère refused the order (result \(refusal.code)\(refusal.message.isEmpty ? "" : ": \(refusal.message)"))")
            }
        }
    }

    /// The order, as Ellisphère's XML 2.2 interface takes it and as its public clients send it:
    /// the application's context (`WSPRO`, the order's date) and a raw XML delivery.
    func orderXML(for siren: SIREN, at now: Date) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svcOnlineOrderRequest lang="FR" version="2.2">
            <admin>
                <client>
                    <contractId>\(Markup.escaped(contractID))</contractId>
                    <userPrefix>\(Markup.escaped(userPrefix))</userPrefix>
                    <userId>\(Markup.escaped(userID))</userId>
                    <password>\(Markup.escaped(password))</password>
                </client>
                <context>
                    <appId version="1">WSPRO</appId>
                    <date>\(Self.orderDate(now))</date>
                </context>
            </admin>
            <request>
                <id type="register" idName="SIREN">\(siren.digits)</id>
                <product range="\(Markup.escaped(product))" version="1"/>
                <deliveryOptions>
                    <outputMethod>raw</outputMethod>
                </deliveryOptions>
            </request>
        </svcOnlineOrderRequest>
        """
    }

    /// `2026-11-30T21:08:13`, as the public clients write the context's date.
    static func orderDate(_ date: Date) -> String {
        String(date.iso8601.prefix(19))
    }
}
