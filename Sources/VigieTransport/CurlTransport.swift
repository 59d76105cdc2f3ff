import CCurl
import Foundation
import Synchronization

/// Outbound HTTP(S) and SMTP(S) through libcurl, for async callers.
///
/// A bounded pool of worker threads, each with its own reused easy handle (so connections are
/// kept alive and DNS answers cached), runs transfers that callers await. Blocking libcurl calls
/// never run on Swift's cooperative threads. Measured on this project's machines, a 16-thread
/// pool does about as many loopback requests per second as libcurl's multi interface.
public final class CurlTransport: Sendable {
    public struct Configuration: Sendable {
        /// Transfers in flight at once.
        public var workers: Int = 16
        public var connectTimeout: Duration = .seconds(10)
        /// The whole transfer, connection included.
        public var totalTimeout: Duration = .seconds(30)
        /// Verify the server's certificate and name. Turn off only for a test server.
        public var verifyTLS = true
        /// A PEM bundle of trusted CAs, instead of the system's.
        public var caBundle: String?
        /// A proxy for every transfer (`http://proxy:3128`). Without it, libcurl reads the
        /// standard `https_proxy`, `http_proxy` and `no_proxy` environment variables.
        public var proxy: String?
        /// Longer answers are cut and the transfer fails: a webhook's answer is a few bytes.
        public var maxResponseBytes = 1 << 20

        public init() {}
    }

    enum Job: Sendable {
        case http(HTTPRequest, CheckedContinuation<HTTPResponse, any Error>)
        case mail(MailSubmission, CheckedContinuation<Void, any Error>)
    }

    private let queue = Mutex<(jobs: [Job], closed: Bool)>(([], false))
    private let available = DispatchSemaphore(value: 0)
    let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        CurlGlobal.initialize()
        for index in 0..<max(1, configuration.workers) {
            let thread = Thread { [self] in
                let worker = CurlWorker(configuration: configuration)
                while let job = self.next() { worker.run(job) }
            }
            thread.name = "vigie-curl-\(index)"
            thread.start()
        }
    }

    /// Sends an HTTP request. A status of 4xx or 5xx is an answer, not an error: the caller decides.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.http(request, continuation))
        }
    }

    /// Submits one email to an SMTP relay.
    public func send(_ mail: MailSubmission) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            enqueue(.mail(mail, continuation))
        }
    }

    /// Lets the workers finish the transfers already queued, then stop. The workers hold the
    /// transport until then, so a transport lives until it is shut down.
    public func shutdown() {
        let workers = queue.withLock { state -> Int in
            if state.closed { return 0 }
            state.closed = true
            return max(1, configuration.workers)
        }
        for _ in 0..<workers { available.signal() }
    }

    private func enqueue(_ job: Job) {
        let accepted = queue.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.jobs.append(job)
            return true
        }
        guard accepted else {
            let error = TransportError(kind: .other, code: 0, target: "-", detail: "the transport is shut down")
            switch job {
            case .http(_, let continuation): continuation.resume(throwing: error)
            case .mail(_, let continuation): continuation.resume(throwing: error)
            }
            return
        }
        available.signal()
    }

    /// The next job for a worker; nil when the transport is shut down and drained.
    private func next() -> Job? {
        while true {
            available.wait()
            let (job, closed) = queue.withLock { state -> (Job?, Bool) in
                state.jobs.isEmpty ? (nil, state.closed) : (state.jobs.removeFirst(), state.closed)
            }
            if let job { return job }
            if closed { return nil }
        }
    }
}

/// `curl_global_init` must run once, before any thread uses libcurl.
enum CurlGlobal {
    private static let once: Void = { _ = ccurl_global_init() }()

    static func initialize() { once }
}
