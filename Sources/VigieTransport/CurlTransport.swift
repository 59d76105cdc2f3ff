import CCurl
import Foundation
import Synchronization

/// Outbound HTTP(S) and SMTP(S) through libcurl, for async callers.
///
/// One thread of its own drives every transfer through libcurl's multi interface (`CurlLoop`),
/// with a bounded number in flight; connections are kept alive and DNS answers cached across
/// transfers. Blocking libcurl calls never run on Swift's cooperative threads.
public final class CurlTransport: Sendable {
    public struct Configuration: Sendable {
        /// Transfers in flight at once; more wait their turn.
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

        func refuse(_ error: TransportError) {
            switch self {
            case .http(_, let continuation): continuation.resume(throwing: error)
            case .mail(_, let continuation): continuation.resume(throwing: error)
            }
        }
    }

    private let queue: CurlQueue
    let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        CurlGlobal.initialize()
        let multi = curl_multi_init()!
        let queue = CurlQueue(multi: multi)
        self.queue = queue
        nonisolated(unsafe) let handle = multi
        let thread = Thread {
            CurlLoop(multi: handle, queue: queue, configuration: configuration).run()
        }
        thread.name = "vigie-curl"
        thread.start()
    }

    /// Sends an HTTP request. A status of 4xx or 5xx is an answer, not an error: the caller decides.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await withCheckedThrowingContinuation { continuation in
            queue.enqueue(.http(request, continuation))
        }
    }

    /// Submits one email to an SMTP relay.
    public func send(_ mail: MailSubmission) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.enqueue(.mail(mail, continuation))
        }
    }

    /// Lets the transfers already queued finish, then stops the transport's thread; what is
    /// sent after that is refused. A transport let go of shuts down the same way.
    public func shutdown() {
        queue.close()
    }

    deinit {
        queue.close()
    }
}

/// What callers hand the loop: transfers waiting for room, and whether the transport is shut
/// down. The loop is woken with `curl_multi_wakeup` under the lock, so that no wake-up reaches
/// a multi handle the loop has cleaned up after its last transfer.
final class CurlQueue: Sendable {
    private struct State {
        var jobs: [CurlTransport.Job] = []
        var closed = false
        /// The loop has taken what was queued and may be waiting: the next job wakes it. One
        /// wake-up per turn of the loop, not one per transfer.
        var mayBeWaiting = false
    }

    private let state = Mutex(State())
    nonisolated(unsafe) private let multi: UnsafeMutableRawPointer

    init(multi: UnsafeMutableRawPointer) {
        self.multi = multi
    }

    func enqueue(_ job: CurlTransport.Job) {
        let accepted = state.withLock { state in
            guard !state.closed else { return false }
            state.jobs.append(job)
            if state.mayBeWaiting {
                state.mayBeWaiting = false
                curl_multi_wakeup(multi)
            }
            return true
        }
        if !accepted { job.refuse(TransportError(kind: .other, code: 0, target: "-", detail: "the transport is shut down")) }
    }

    func close() {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            curl_multi_wakeup(multi)
        }
    }

    /// At most `room` transfers to start, the oldest first; nil once the transport is shut
    /// down, nothing is queued and nothing is in flight (`idle`): the loop then ends.
    func take(upTo room: Int, idle: Bool) -> [CurlTransport.Job]? {
        state.withLock { state in
            // With no room, the loop waits for a transfer to end, not for more jobs.
            state.mayBeWaiting = room > 0
            if state.jobs.isEmpty { return state.closed && idle ? nil : [] }
            let count = min(max(0, room), state.jobs.count)
            defer { state.jobs.removeFirst(count) }
            return Array(state.jobs.prefix(count))
        }
    }
}

/// `curl_global_init` must run once, before any thread uses libcurl.
enum CurlGlobal {
    private static let once: Void = { _ = ccurl_global_init() }()

    static func initialize() { once }
}
