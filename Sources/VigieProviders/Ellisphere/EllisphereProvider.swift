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

    public func request(for siren: SIREN) -> HTTPRequest {
        HTTPRequest(
            url: "\(baseURL)/svcOnlineOrder",
            headers: [("Content-Type", "application/xml; charset=utf-8"), ("Accept", "application/xml")],
            body: Array(orderXML(for: siren).utf8)
        )
    }

    public func observation(from body: Data, observedOn today: CalendarDay) throws -> ScoreObservation {
        try EllisphereReportDecoder.decode(body, observedOn: today)
    }

    /// The order, as Ellisphère's XML 2.2 interface takes it.
    func orderXML(for siren: SIREN) -> String {
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
            </admin>
            <request>
                <id type="register" idName="SIREN">\(siren.digits)</id>
                <product range="\(Markup.escaped(product))" version="1"/>
                <deliveryType>XML</deliveryType>
            </request>
        </svcOnlineOrderRequest>
        """
    }
}
