import Foundation
import Synchronization
import VigieCore
import VigieTransport

/// How Vigie calls a provider's API: within its rate limit, retrying what is worth retrying
/// (timeouts, connection errors, 5xx) with backoff, waiting as long as a 429 or 503 asks, and
/// failing at once on other 4xx, and not calling at all while its circuit breaker is open. Bad
/// data is not an event: a failure is reported, never turned into a value.
public final class ProviderClient: Sendable {
    public struct Configuration: Sendable {
        /// Requests per second on average, and the burst allowed.
        public var rate: Double = 10
        public var burst: Double = 10
        /// Attempts per request, the first included.
        public var attempts = 3
        public var backoff: Duration = .milliseconds(200)
        /// The longest `Retry-After` honoured before giving up on the request.
        public var maxRetryAfter: Duration = .seconds(30)
        /// The longest one request may take, answer included.
        public var timeout: Duration = .seconds(30)
        public var breaker = CircuitBreaker.Configuration()

        public init() {}
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var status: Int?
        public var message: String
        public var reason: FailureReason
        public var description: String { message }

        /// Without a reason, the status says it (a 2xx answer that fails is malformed).
        public init(status: Int?, message: String, reason: FailureReason? = nil) {
            self.status = status
            self.message = message
            self.reason = reason ?? FailureReason(status: status)
        }
    }

    let name: String
    let configuration: Configuration
    let transport: CurlTransport
    /// The time the rate limit, the breaker and `Retry-After` dates are read against; waits
    /// themselves sleep on the monotonic clock.
    let clock: any WallClock
    private let bucket: Mutex<TokenBucket>
    private let breaker: Mutex<CircuitBreaker>

    public init(name: String, configuration: Configuration, transport: CurlTransport, clock: any WallClock = SystemWallClock()) {
        self.name = name
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.bucket = Mutex(TokenBucket(rate: configuration.rate, capacity: configuration.burst))
        self.breaker = Mutex(CircuitBreaker(configuration: configuration.breaker))
    }

    /// Sends a request and returns the 2xx answer; 401 is returned too, for the caller to
    /// authenticate again.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var request = request
        request.timeout = request.timeout ?? configuration.timeout
        var lastFailure = Failure(status: nil, message: "\(name): no attempt made")
        for attempt in 1...max(1, configuration.attempts) {
            try await admit()
            let wait = bucket.withLock { $0.reserve(now: clock.now) }
            if wait > .zero { try await Task.sleep(for: wait) }
            do {
                let response = try await transport.send(request)
                if (500...599).contains(response.status) {
                    breaker.withLock { $0.recordFailure(now: clock.now) }
                } else {
                    breaker.withLock { $0.recordSuccess() }
                }
                switch response.status {
                case 200..<300, 401:
                    return response
                case 429, 503:
                    let retryAfter = RetryAfter.parse(response.headers["retry-after"], now: clock.now) ?? configuration.backoff
                    lastFailure = Failure(status: response.status, message: "\(name) answered HTTP \(response.status) (\(response.status == 429 ? "rate limited" : "unavailable"))")
                    guard retryAfter <= configuration.maxRetryAfter, attempt < configuration.attempts else { throw lastFailure }
                    try await Task.sleep(for: retryAfter)
                case 500...599:
                    lastFailure = Failure(status: response.status, message: "\(name) answered HTTP \(response.status)")
                    if attempt < configuration.attempts { try await Task.sleep(for: configuration.backoff * attempt) }
                default:
                    throw Failure(status: response.status, message: "\(name) answered HTTP \(response.status): \(String(response.text.prefix(120)))")
                }
            } catch let error as TransportError {
                if error.kind != .responseTooLarge { breaker.withLock { $0.recordFailure(now: clock.now) } }
                let reason: FailureReason = switch error.kind {
                case .timeout: .timeout
                case .connection: .connection
                case .tls: .tls
                case .responseTooLarge: .tooLarge
                case .rejected, .other: .other
                }
                lastFailure = Failure(status: nil, message: "\(name): \(error.description)", reason: reason)
                // An answer too large to read will be too large again.
                if error.kind == .responseTooLarge { throw lastFailure }
                if attempt < configuration.attempts { try await Task.sleep(for: configuration.backoff * attempt) }
            }
        }
        throw lastFailure
    }

    /// Asks for one company: nil for a 404 (the provider does not know the company, which is
    /// neither a value nor a failure); a 401 is a failure that says which credentials to check.
    /// With a `session`, the request carries its token.
    public func company(_ request: HTTPRequest, credentials: String, session: BearerSession? = nil) async throws -> HTTPResponse? {
        let response: HTTPResponse
        do {
            if let session { response = try await session.send(request) } else { response = try await send(request) }
        } catch let failure as Failure where failure.status == 404 {
            return nil
        }
        guard response.status != 401 else {
            throw Failure(status: 401, message: "\(name) refused the credentials (HTTP 401); check \(credentials)")
        }
        return response
    }

    /// Throws while the circuit is open, naming when it lets a probe through. While a probe is
    /// in flight, waits for its answer (up to a request's timeout) instead of failing: a
    /// provider that came back must not fail the companies asked about while it was probed.
    private func admit() async throws {
        let deadline = ContinuousClock.now + configuration.timeout
        while true {
            let now = clock.now
            let refusal: CircuitBreaker.State? = breaker.withLock { $0.admit(now: now) ? nil : $0.state }
            switch refusal {
            case nil:
                return
            case .halfOpen? where ContinuousClock.now < deadline:
                try await Task.sleep(for: .milliseconds(20))
            case .open(let until)?:
                throw Failure(status: nil, message: "\(name): not called: \(configuration.breaker.threshold) requests in a row failed, so calls are paused for \(Int(until.timeIntervalSince(now).rounded(.up))) s more", reason: .paused)
            default:
                throw Failure(status: nil, message: "\(name): not called: the probe sent after a pause has not answered", reason: .paused)
            }
        }
    }

    /// A configured base URL without its trailing slash, so paths can be appended with one.
    public static func baseURL(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// A URL query string, every value percent-encoded.
    static func query(_ items: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~")
        return items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }.joined(separator: "&")
    }
}
