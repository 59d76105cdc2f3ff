import Foundation
import Testing
import VigieCore
import VigieDelivery
import VigieTestSupport
import VigieTransport

@Suite("Email")
struct EmailTests {
    static func send(_ alert: Alert, language: Language = .fr) async throws -> [String: Any] {
        try await deliver(alert, language: language).mail
    }

    /// Mails `alert` through a real SMTP server on loopback: the message as parsed, and the
    /// envelope (who it was sent to).
    static func deliver(_ alert: Alert, language: Language = .fr, to: [String] = ["credit@example.fr"]) async throws -> (mail: [String: Any], envelope: [String: Any]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-mail-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try TestServer(script: "smtp_server.py", arguments: [folder.path])
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let channel = EmailChannel(configuration: .init(
            name: "credit-mail", relay: SMTPRelay(host: "127.0.0.1", port: server.port, security: .plain),
            from: "vigie@example.fr", to: to, language: language
        ), transport: transport)
        try await channel.deliver(alert)
        let parsed = try TestServer.run("parse_mail.py", arguments: [folder.appendingPathComponent("1.eml").path])
        let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("1.json"))) as! [String: Any]
        return (try JSONSerialization.jsonObject(with: parsed) as! [String: Any], envelope)
    }

    @Test("the email arrives: multipart/alternative, UTF-8 text and HTML, a UTF-8 subject, a Message-ID from the alert id")
    func arrives() async throws {
        let alert = Fixtures.alert(company: "SOCIÉTÉ ÉTOILE")
        let mail = try await Self.send(alert)
        #expect(mail["content_type"] as? String == "multipart/alternative")
        #expect(mail["subject"] as? String == "[Vigie] Critique · SOCIÉTÉ ÉTOILE · Ouverture d’une procédure de redressement judiciaire")
        #expect(mail["message_id"] as? String == "<\(alert.id).r1@example.fr>")
        #expect((mail["defects"] as? [String])?.isEmpty == true)
        let parts = try #require(mail["parts"] as? [[String: Any]])
        #expect(parts.map { $0["content_type"] as? String } == ["text/plain", "text/html"])
        #expect(parts.allSatisfy { $0["charset"] as? String == "utf-8" })
        let text = try #require(parts.first?["content"] as? String)
        #expect(text.contains("Encours: 12 480,50 EUR"))
        #expect(text.contains("SOCIÉTÉ ÉTOILE (881 843 924)"))
        #expect(text.contains("date de cessation des paiements le 10 juin 2025"))
        #expect((parts.last?["content"] as? String)?.contains("<table>") == true)
    }

    @Test("a company name with CR/LF adds no header; markup in it is escaped in the HTML part")
    func headerInjection() async throws {
        let mail = try await Self.send(Fixtures.alert(company: "ACME\r\nBcc: x@example.org <!channel> @everyone <script>"), language: .en)
        #expect(mail["bcc"] is NSNull)
        let headers = try #require(mail["header_names"] as? [String])
        #expect(headers.filter { $0 == "bcc" }.isEmpty)
        #expect(Set(headers) == ["from", "to", "subject", "date", "message-id", "mime-version", "content-type"])
        #expect((mail["subject"] as? String)?.contains("ACME Bcc: x@example.org") == true)
        let html = try #require((mail["parts"] as? [[String: Any]])?.last?["content"] as? String)
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;"))
    }
}

@Suite("Email within the RFCs")
struct EmailFormatTests {
    @Test("text parts end their lines in CRLF; a very long subject is cut")
    func crlfAndSubject() async throws {
        let mail = try await EmailTests.send(Fixtures.alert(company: String(repeating: "VERY LONG NAME ", count: 60)), language: .en)
        let subject = try #require(mail["subject"] as? String)
        #expect(subject.count <= 210 && subject.hasSuffix("…"), "\(subject.count)")
        let raw = try #require(mail["text_raw"] as? String)
        #expect(raw.contains("\r\n") && !raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }
}
