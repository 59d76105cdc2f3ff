import Foundation
import Testing
import VigieCore
import VigieMock
import VigieProviders
import VigieTestSupport
import VigieTransport

@Suite("The provider client against vigie mock-provider")
struct ProviderClientTests {
    static func client(_ configure: (inout ProviderClient.Configuration) -> Void = { _ in }) -> (ProviderClient, CurlTransport) {
        var configuration = ProviderClient.Configuration()
        configuration.rate = 1000
        configuration.burst = 1000
        configuration.backoff = .milliseconds(20)
        configure(&configuration)
        let transport = CurlTransport()
        return (ProviderClient(name: "Pappers", configuration: configuration, transport: transport), transport)
    }

    static func request(_ baseURL: String) -> HTTPRequest {
        HTTPRequest(method: "GET", url: baseURL + "/pappers/v2/entreprise?api_token=demo&siren=337891287")
    }

    @Test("a 429 with Retry-After: 1 is retried no sooner than a second later, and the answer comes through")
    func retryAfter() async throws {
        let (elapsed, status) = try await withMockProvider({ $0.faults.throttleEvery = 2 }) { baseURL, _ in
            let (client, transport) = Self.client()
            defer { transport.shutdown() }
            _ = try await client.send(Self.request(baseURL))
            let started = ContinuousClock.now
            let response = try await client.send(Self.request(baseURL))   // the mock's second request: 429, then retried
            return (ContinuousClock.now - started, response.status)
        }
        #expect(status == 200)
        // A lower bound only: a loaded machine makes it slower, never faster.
        #expect(elapsed >= .seconds(1), "\(elapsed)")
    }

    @Test("the breaker's pause runs on the client's clock: no request while it is open, one probe once the clock passes the cooldown")
    func breakerOnTheClock() async throws {
        let (requests, messages) = try await withMockProvider({ $0.faults.down = true }) { baseURL, control in
            let clock = ManualWallClock()
            var configuration = ProviderClient.Configuration()
            configuration.rate = 1000
            configuration.burst = 1000
            configuration.attempts = 1
            configuration.breaker = .init(threshold: 2, cooldown: .seconds(600))
            let transport = CurlTransport()
            defer { transport.shutdown() }
            let client = ProviderClient(name: "Pappers", configuration: configuration, transport: transport, clock: clock)
            var messages: [String] = []
            var requests: [Int] = []
            for step in ["down", "down", "open", "passed", "up"] {
                if step == "passed" { clock.advance(by: 599) }
                if step == "up" {
                    clock.advance(by: 2)
                    _ = try await control.send(HTTPRequest(method: "POST", url: baseURL + "/_mock/up"))
                }
                do {
                    _ = try await client.send(Self.request(baseURL))
                    messages.append("answered")
                } catch {
                    messages.append("\(error)")
                }
                requests.append(try await CreditsafeOverHTTPTests.stats(baseURL, control)["api"] ?? -1)
            }
            return (requests, messages)
        }
        // Two failures open the circuit; a second short of the cooldown it still holds without a
        // request; past it, the probe goes out and closes it.
        #expect(requests == [1, 2, 2, 2, 3], "\(messages)")
        #expect(messages[2].contains("calls are paused for 600 s more"), "\(messages[2])")
        #expect(messages[3].contains("calls are paused for 1 s more"), "\(messages[3])")
        #expect(messages[4] == "answered")
    }

    @Test("a Retry-After longer than the client accepts fails the request at once, counted, not waited for")
    func retryAfterTooLong() async throws {
        let (requests, message) = try await withMockProvider({ $0.faults.throttleEvery = 1 }) { baseURL, control in
            let (client, transport) = Self.client { $0.maxRetryAfter = .milliseconds(500) }
            defer { transport.shutdown() }
            var message = "answered"
            do {
                _ = try await client.send(Self.request(baseURL))
            } catch {
                message = "\(error)"
            }
            return (try await CreditsafeOverHTTPTests.stats(baseURL, control)["api"] ?? -1, message)
        }
        #expect(message == "Pappers answered HTTP 429 (rate limited)")
        // The client only waits before a retry: one request means it did not wait.
        #expect(requests == 1)
    }

    @Test("the rate limit spaces requests: 11 requests at 10 per second with a burst of 1 take at least a second")
    func rateLimit() async throws {
        let elapsed = try await withMockProvider { baseURL, _ in
            let (client, transport) = Self.client { $0.rate = 10; $0.burst = 1 }
            defer { transport.shutdown() }
            let started = ContinuousClock.now
            for _ in 0..<11 { _ = try await client.send(Self.request(baseURL)) }
            return ContinuousClock.now - started
        }
        // A lower bound only: a loaded machine makes it slower, never faster.
        #expect(elapsed >= .milliseconds(950), "\(elapsed)")
    }
}
