import Foundation
import Testing
import VigieTestSupport
import VigieTransport

@Suite("SMTP through libcurl")
struct SMTPTransportTests {
    static let message = Array("From: vigie@example.fr\r\nTo: credit@example.fr\r\nSubject: test\r\n\r\nLiquidation judiciaire.\r\n.leading dot\r\n".utf8)

    static func maildir() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("vigie-mail-\(UUID())")
    }

    @Test("a message reaches a real SMTP server, envelope and body intact")
    func plain() async throws {
        let folder = Self.maildir()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try TestServer(script: "smtp_server.py", arguments: [folder.path])
        let transport = CurlTransport()
        defer { transport.shutdown() }
        try await transport.send(MailSubmission(relay: SMTPRelay(host: "127.0.0.1", port: server.port, security: .plain), from: "vigie@example.fr", recipients: ["credit@example.fr", "risk@example.fr"], message: Self.message))
        let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("1.json"))) as! [String: Any]
        #expect(envelope["from"] as? String == "vigie@example.fr")
        #expect(envelope["recipients"] as? [String] == ["credit@example.fr", "risk@example.fr"])
        let received = try String(contentsOf: folder.appendingPathComponent("1.eml"), encoding: .utf8)
        #expect(received.contains("Liquidation judiciaire.\r\n.leading dot"))
    }

    @Test("STARTTLS and AUTH: the session is encrypted and authenticated; a wrong password is refused without showing it")
    func starttls() async throws {
        let folder = Self.maildir()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try TestServer(script: "smtp_server.py", arguments: [folder.path, "--auth", "vigie:s3cret-pass", "--starttls"])
        var configuration = CurlTransport.Configuration()
        configuration.verifyTLS = false
        let transport = CurlTransport(configuration: configuration)
        defer { transport.shutdown() }
        try await transport.send(MailSubmission(relay: SMTPRelay(host: "127.0.0.1", port: server.port, security: .starttls, username: "vigie", password: "s3cret-pass"), from: "vigie@example.fr", recipients: ["credit@example.fr"], message: Self.message))
        let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("1.json"))) as! [String: Any]
        #expect(envelope["tls"] as? Bool == true)
        #expect(envelope["authenticated"] as? Bool == true)
        do {
            try await transport.send(MailSubmission(relay: SMTPRelay(host: "127.0.0.1", port: server.port, security: .starttls, username: "vigie", password: "wrong-pass-42"), from: "vigie@example.fr", recipients: ["credit@example.fr"], message: Self.message))
            Issue.record("a wrong password was accepted")
        } catch let error as TransportError {
            #expect(error.kind == .rejected)
            #expect(!error.description.contains("wrong-pass-42"))
        }
    }

    @Test("implicit TLS (smtps) reaches a server that speaks TLS from the first byte")
    func implicitTLS() async throws {
        let folder = Self.maildir()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try TestServer(script: "smtp_server.py", arguments: [folder.path, "--tls"])
        var configuration = CurlTransport.Configuration()
        configuration.verifyTLS = false
        let transport = CurlTransport(configuration: configuration)
        defer { transport.shutdown() }
        try await transport.send(MailSubmission(relay: SMTPRelay(host: "127.0.0.1", port: server.port, security: .implicitTLS), from: "vigie@example.fr", recipients: ["credit@example.fr"], message: Self.message))
        let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("1.json"))) as! [String: Any]
        #expect(envelope["tls"] as? Bool == true)
    }

    @Test("TLS verification is on by default: a self-signed server is refused")
    func verifiesCertificates() async throws {
        let folder = Self.maildir()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try TestServer(script: "smtp_server.py", arguments: [folder.path, "--tls"])
        let transport = CurlTransport()
        defer { transport.shutdown() }
        do {
            try await transport.send(MailSubmission(relay: SMTPRelay(host: "127.0.0.1", port: server.port, security: .implicitTLS), from: "vigie@example.fr", recipients: ["credit@example.fr"], message: Self.message))
            Issue.record("a self-signed certificate was accepted")
        } catch let error as TransportError {
            #expect(error.kind == .tls)
        }
    }

    @Test("plain SMTP to a server that requires STARTTLS fails instead of sending in clear")
    func tlsRequired() async throws {
        let folder = Self.maildir()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try TestServer(script: "smtp_server.py", arguments: [folder.path])
        var configuration = CurlTransport.Configuration()
        configuration.verifyTLS = false
        let transport = CurlTransport(configuration: configuration)
        defer { transport.shutdown() }
        do {
            try await transport.send(MailSubmission(relay: SMTPRelay(host: "127.0.0.1", port: server.port, security: .starttls), from: "vigie@example.fr", recipients: ["credit@example.fr"], message: Self.message))
            Issue.record("sent without TLS")
        } catch let error as TransportError {
            #expect(error.kind == .tls)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("1.eml").path))
    }
}
