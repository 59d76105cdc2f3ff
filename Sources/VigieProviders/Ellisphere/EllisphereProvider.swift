import Foundation
import VigieCore
import VigieTransport

/// Ellisphère as a score provider: one online order (`svcOnlineOrder`, XML 2.2) per company,
/// read by `EllisphereReportDecoder`: the 0–10 score, the risk class, the credit opinion and
/// the status.
///
/// Ellisphère authenticates every order with the contract's credentials in the request body;
/// they are sent over TLS and never logged.
public final class EllisphereProvider: CompanyByCompanyProvider {
    public struct Configuration: Sendable {
        /// `https://services.data-access-gateway.com/1/rest`, or `vigie mock-provider`'s `/ellisphere`.
        public var baseURL: String
        public var contractID: String
        public var userPrefix: String
        public var userID: String
        /// From the environment or a file; never logged.
        public var password: String
        /// Ellisphère's product code for the report ordered: 101021 is "Rapport approfondi WS".
        public var product = "101021"
        public var concurrency = 4
        public var client = ProviderClient.Configuration()

        public init(baseURL: String, contractID: String, userPrefix: String, userID: String, password: String) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.contractID = contractID
            self.userPrefix = userPrefix
            self.userID = userID
            self.password = password
        }
    }

    public let name = "ellisphere"
    let configuration: Configuration
    let client: ProviderClient

    public init(configuration: Configuration, transport: CurlTransport) {
        self.configuration = configuration
        self.client = ProviderClient(name: "Ellisphère", configuration: configuration.client, transport: transport)
    }

    var concurrency: Int { configuration.concurrency }

    /// The company's observation, or nil when Ellisphère does not know it (404).
    func observe(_ siren: SIREN, on today: CalendarDay) async throws -> ScoreObservation? {
        let request = HTTPRequest(
            url: "\(configuration.baseURL)/svcOnlineOrder",
            headers: [("Content-Type", "application/xml; charset=utf-8"), ("Accept", "application/xml")],
            body: Array(orderXML(for: siren).utf8)
        )
        guard let response = try await client.company(request, credentials: "contract_id, user_prefix, user_id and the password the configuration names") else { return nil }
        return try client.checked(try EllisphereReportDecoder.decode(Data(response.body), observedOn: today), asked: siren)
    }

    /// The order, as Ellisphère's XML 2.2 interface takes it.
    func orderXML(for siren: SIREN) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svcOnlineOrderRequest lang="FR" version="2.2">
            <admin>
                <client>
                    <contractId>\(Self.escape(configuration.contractID))</contractId>
                    <userPrefix>\(Self.escape(configuration.userPrefix))</userPrefix>
                    <userId>\(Self.escape(configuration.userID))</userId>
                    <password>\(Self.escape(configuration.password))</password>
                </client>
            </admin>
            <request>
                <id type="register" idName="SIREN">\(siren.digits)</id>
                <product range="\(Self.escape(configuration.product))" version="1"/>
                <deliveryType>XML</deliveryType>
            </request>
        </svcOnlineOrderRequest>
        """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
