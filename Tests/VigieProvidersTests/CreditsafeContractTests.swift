import Foundation
import Testing
import VigieCore
import VigieProviders
import VigieTestSupport
import VigieTransport

/// Vigie and its mock were written together: these tests hold both to Creditsafe's own
/// published contract (the Connect OpenAPI description in data/providers), so that neither can
/// drift from the real service again.
@Suite("Creditsafe's contract")
struct CreditsafeContractTests {
    @Test("every request Vigie sends to Creditsafe, and every answer the mock gives, match the OpenAPI description")
    func contract() async throws {
        try await withMockProvider { baseURL, control in
            let proxy = try TestServer(script: "contract_proxy.py", arguments: [baseURL])
            let proxied = "http://127.0.0.1:\(proxy.port)"
            // Per company: authentication, search by SIREN, reports; then monitoring: portfolios,
            // event rules read and turned on, companies added and removed, notification events.
            let (perCompany, transport) = CreditsafeOverHTTPTests.provider(proxied)
            defer { transport.shutdown() }
            _ = try await perCompany.poll(CreditsafeOverHTTPTests.sirens + [try SIREN("552081317")], cursor: nil)
            let (monitored, monitoredTransport) = CreditsafeOverHTTPTests.provider(proxied) { $0.monitoring = CreditsafeProvider.Configuration.Monitoring() }
            defer { monitoredTransport.shutdown() }
            let first = try await monitored.poll(CreditsafeOverHTTPTests.sirens, cursor: nil)
            try await CreditsafeOverHTTPTests.advance(baseURL, control)
            _ = try await monitored.poll(Array(CreditsafeOverHTTPTests.sirens.dropLast()), cursor: first.cursor)

            let exchanges = try await control.send(HTTPRequest(method: "GET", url: proxied + "/_exchanges")).body
            let verdicts = String(decoding: try TestServer.run(
                "check_contract.py", arguments: [RepositoryData.url("providers/creditsafe-connect-openapi.yaml").path, "/creditsafe"], input: Data(exchanges), allowFailure: true
            ), as: UTF8.self).split(separator: "\n")
            let failures = verdicts.filter { $0.hasPrefix("FAIL") }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            // Every kind of call was made and checked.
            for call in ["POST /creditsafe/authenticate", "GET /creditsafe/companies?", "GET /creditsafe/companies/FR-X-", "GET /creditsafe/monitoring/portfolios",
                         "/eventRules/FR", "PUT /creditsafe/monitoring/portfolios/", "POST /creditsafe/monitoring/portfolios/", "DELETE /creditsafe/monitoring/portfolios/",
                         "GET /creditsafe/monitoring/notificationEvents?"] {
                #expect(verdicts.contains { $0.contains(call) }, "no \(call) checked")
            }
        }
    }
}
