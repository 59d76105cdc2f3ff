import Foundation
import Testing
import VigieTestSupport
import VigieTransport

@Suite("libcurl transport")
struct TransportTests {
    static func transport(_ configure: (inout CurlTransport.Configuration) -> Void = { _ in }) -> CurlTransport {
        var configuration = CurlTransport.Configuration()
        configuration.workers = 4
        configure(&configuration)
        return CurlTransport(configuration: configuration)
    }

    @Test("a POST reaches a real server with its headers and body; the answer comes back")
    func post() async throws {
        let receiver = try WebhookReceiver()
        try await receiver.plan([["status": 202, "body": "accepted", "headers": ["Retry-After": "7"]]])
        let transport = Self.transport()
        defer { transport.shutdown() }
        let body = Array(#"{"text": "Liquidation judiciaire — GAMM VERT"}"#.utf8)
        let response = try await transport.send(HTTPRequest(url: receiver.url, headers: [("Content-Type", "application/json"), ("webhook-id", "vg_1")], body: body))
        #expect(response.status == 202)
        #expect(response.text == "accepted")
        #expect(response.headers["retry-after"] == "7")
        let received = try #require(try await receiver.requests().first)
        #expect(received.method == "POST")
        #expect(received.path == "/hook")
        #expect(received.headers["webhook-id"] == "vg_1")
        #expect(received.headers["content-type"] == "application/json")
        #expect(received.headers["expect"] == nil)
        #expect(received.body == #"{"text": "Liquidation judiciaire — GAMM VERT"}"#)
    }

    @Test("many transfers run at once, each gets its own answer")
    func concurrent() async throws {
        let receiver = try WebhookReceiver()
        let transport = Self.transport()
        defer { transport.shutdown() }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<50 {
                group.addTask { try await transport.send(HTTPRequest(url: receiver.url + "?n=\(index)", body: Array("\(index)".utf8))).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.count == 50 && statuses.allSatisfy { $0 == 200 })
        #expect(Set(try await receiver.requests().map(\.body)).count == 50)
    }

    @Test("a transport shut down finishes what it was given and refuses the rest, saying so")
    func shutdown() async throws {
        let receiver = try WebhookReceiver()
        try await receiver.plan([["status": 200, "delay": 0.3]])
        let transport = Self.transport()
        async let slow = transport.send(HTTPRequest(url: receiver.url))
        // The slow transfer is in flight once the receiver has it.
        while try await receiver.requests().isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        transport.shutdown()
        #expect(try await slow.status == 200, "a transfer in flight is finished")
        do {
            _ = try await transport.send(HTTPRequest(url: receiver.url))
            Issue.record("a transport shut down took a transfer")
        } catch let error as TransportError {
            #expect(error.description.contains("shut down"))
        }
    }

    @Test("a server that answers too late is a timeout")
    func timeout() async throws {
        let receiver = try WebhookReceiver()
        try await receiver.plan([["status": 200, "delay": 3]])
        let transport = Self.transport { $0.totalTimeout = .milliseconds(500) }
        defer { transport.shutdown() }
        do {
            _ = try await transport.send(HTTPRequest(url: receiver.url))
            Issue.record("no timeout")
        } catch let error as TransportError {
            #expect(error.kind == .timeout)
        }
    }

    @Test("nobody listening is a connection error, and the error shows no secret")
    func refused() async throws {
        let transport = Self.transport()
        defer { transport.shutdown() }
        do {
            _ = try await transport.send(HTTPRequest(url: "http://user:hunter2@127.0.0.1:9/services/T000/B000/SECRETTOKEN?sig=abc"))
            Issue.record("connected to port 9")
        } catch let error as TransportError {
            #expect(error.kind == .connection)
            #expect(error.target == "http://127.0.0.1:9")
            for secret in ["hunter2", "SECRETTOKEN", "sig=", "user"] { #expect(!error.description.contains(secret)) }
        }
    }

    @Test("an answer past the size cap fails instead of filling memory")
    func responseCap() async throws {
        let receiver = try WebhookReceiver()
        try await receiver.plan([["status": 200, "body": String(repeating: "x", count: 100_000)]])
        let transport = Self.transport { $0.maxResponseBytes = 10_000 }
        defer { transport.shutdown() }
        do {
            _ = try await transport.send(HTTPRequest(url: receiver.url))
            Issue.record("accepted 100 kB")
        } catch let error as TransportError {
            #expect(error.kind == .responseTooLarge)
        }
    }

    @Test("a configured proxy carries the request")
    func proxy() async throws {
        let proxy = try WebhookReceiver()
        let transport = Self.transport { $0.proxy = "http://127.0.0.1:\(proxy.server.port)" }
        defer { transport.shutdown() }
        let response = try await transport.send(HTTPRequest(url: "http://vigie-destination.invalid/hook", body: Array("x".utf8)))
        #expect(response.status == 200)
        let received = try #require(try await proxy.requests().first)
        #expect(received.path == "http://vigie-destination.invalid/hook", "the proxy got the absolute URL")
    }

    @Test("redaction keeps scheme and host only", arguments: [
        ("https://hooks.slack.com/services/T0/B0/XXXX", "https://hooks.slack.com"),
        ("https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=SECRET", "https://prod-12.westeurope.logic.azure.com:443"),
        ("smtp://user:pass@mail.example.fr:587", "smtp://mail.example.fr:587"),
        ("not a url", "<url>"),
    ])
    func redaction(url: String, expected: String) {
        #expect(redactedTarget(url) == expected)
    }
}
