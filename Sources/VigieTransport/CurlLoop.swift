import CCurl
import Foundation
import Synchronization

/// The transport's one libcurl thread: a multi handle drives every transfer in flight, and a
/// transfer that ends resumes its caller.
///
/// One thread waiting on every socket at once, instead of a thread per transfer each waiting
/// on its own: a webhook's whole exchange was two thread wake-ups and a semaphore beside
/// libcurl's own work, a third of a delivery's CPU. The multi handle also shares one
/// connection cache and one DNS cache across transfers. Easy handles are confined to this
/// thread, as libcurl requires, and reused.
final class CurlLoop {
    private let multi: UnsafeMutableRawPointer
    private let queue: CurlQueue
    private let configuration: CurlTransport.Configuration
    private var idle: [UnsafeMutableRawPointer] = []
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    static let receiveBuffer = 256 << 10

    init(multi: UnsafeMutableRawPointer, queue: CurlQueue, configuration: CurlTransport.Configuration) {
        self.multi = multi
        self.queue = queue
        self.configuration = configuration
    }

    /// Runs until the transport is shut down and every transfer it took has ended.
    func run() {
        let limit = max(1, configuration.workers)
        var running: Int32 = 0
        while true {
            guard let jobs = queue.take(upTo: limit - active.count, idle: active.isEmpty) else { break }
            for job in jobs { start(job) }
            curl_multi_perform(multi, &running)
            var ended = 0
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle, let transfer = active.removeValue(forKey: handle) else { continue }
                finish(transfer, code: message.pointee.data.result)
                ended += 1
            }
            // A transfer that ended makes room: the next ones start before waiting.
            if ended > 0 { continue }
            // A wait that fails at once (out of file descriptors) must not spin a core: the
            // transfers' own timeouts end them meanwhile.
            if curl_multi_poll(multi, nil, 0, 1000, nil) != CURLM_OK { usleep(10_000) }
        }
        for handle in idle { curl_easy_cleanup(handle) }
        curl_multi_cleanup(multi)
    }

    private func start(_ job: CurlTransport.Job) {
        let handle = idle.popLast() ?? curl_easy_init()!
        curl_easy_reset(handle)
        let transfer: CurlTransfer
        switch job {
        case .http(let request, let continuation): transfer = prepare(request, on: handle, continuation)
        case .mail(let mail, let continuation): transfer = prepare(mail, on: handle, continuation)
        }
        let added = curl_multi_add_handle(multi, handle)
        guard added == CURLM_OK else {
            transfer.fail(TransportError(kind: .other, code: Int(added.rawValue), target: redactedTarget(transfer.url), detail: String(cString: curl_multi_strerror(added))))
            idle.append(handle)
            return
        }
        active[handle] = transfer
    }

    private func finish(_ transfer: CurlTransfer, code: CURLcode) {
        let handle = transfer.handle
        curl_multi_remove_handle(multi, handle)
        transfer.complete(code: code, maxResponseBytes: configuration.maxResponseBytes)
        idle.append(handle)
    }

    private func prepare(_ request: HTTPRequest, on handle: UnsafeMutableRawPointer, _ continuation: CheckedContinuation<HTTPResponse, any Error>) -> CurlTransfer {
        applyCommon(handle, url: request.url)
        if let timeout = request.timeout { ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout.milliseconds)) }
        // A report of 100 KB in a few reads and callbacks rather than seven of libcurl's default 16 KB.
        ccurl_setopt_long(handle, CURLOPT_BUFFERSIZE, Self.receiveBuffer)
        let collector = ResponseCollector(limit: configuration.maxResponseBytes)
        var headers: UnsafeMutablePointer<curl_slist>?
        for header in request.headers {
            headers = curl_slist_append(headers, "\(header.name): \(header.value)")
        }
        // libcurl would otherwise send "Expect: 100-continue" and wait for the answer to it.
        headers = curl_slist_append(headers, "Expect:")
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        let method = request.method.uppercased()
        switch method {
        case "GET": ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case "POST": ccurl_setopt_long(handle, CURLOPT_POST, 1)
        default: ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        }
        if method != "GET" {
            ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            if request.body.isEmpty {
                ccurl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                request.body.withUnsafeBufferPointer { body in
                    _ = ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress!))
                }
            }
        }
        let context = Unmanaged.passUnretained(collector).toOpaque()
        ccurl_setopt_datacb(handle, CURLOPT_WRITEFUNCTION, collectBody)
        ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        ccurl_setopt_datacb(handle, CURLOPT_HEADERFUNCTION, collectHeader)
        ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        return CurlTransfer(handle: handle, url: request.url, lists: [headers], waiting: .http(continuation, collector))
    }

    private func prepare(_ mail: MailSubmission, on handle: UnsafeMutableRawPointer, _ continuation: CheckedContinuation<Void, any Error>) -> CurlTransfer {
        let relay = mail.relay
        let scheme = relay.security == .implicitTLS ? "smtps" : "smtp"
        let url = "\(scheme)://\(relay.host):\(relay.port)"
        applyCommon(handle, url: url)
        if relay.security == .starttls { ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
        if let username = relay.username { ccurl_setopt_string(handle, CURLOPT_USERNAME, username) }
        if let password = relay.password { ccurl_setopt_string(handle, CURLOPT_PASSWORD, password) }
        ccurl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(mail.from)>")
        var recipients: UnsafeMutablePointer<curl_slist>?
        for recipient in mail.recipients { recipients = curl_slist_append(recipients, "<\(recipient)>") }
        ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)
        let source = UploadSource(bytes: mail.message)
        ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
        ccurl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(mail.message.count))
        ccurl_setopt_datacb(handle, CURLOPT_READFUNCTION, readUpload)
        ccurl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
        return CurlTransfer(handle: handle, url: url, lists: [recipients], waiting: .mail(continuation, source))
    }

    /// Timeouts, TLS, proxy and safety settings every transfer shares.
    private func applyCommon(_ handle: UnsafeMutableRawPointer, url: String) {
        ccurl_setopt_string(handle, CURLOPT_URL, url)
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout.milliseconds))
        ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(configuration.totalTimeout.milliseconds))
        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, configuration.verifyTLS ? 1 : 0)
        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, configuration.verifyTLS ? 2 : 0)
        if let bundle = configuration.caBundle { ccurl_setopt_string(handle, CURLOPT_CAINFO, bundle) }
        if let proxy = configuration.proxy { ccurl_setopt_string(handle, CURLOPT_PROXY, proxy) }
        // Never follow a redirect: a webhook that moved must be reconfigured, not guessed.
        ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps")
    }
}

/// One transfer in flight: the easy handle, what libcurl writes into or reads from (kept
/// alive here while libcurl holds a pointer to it), the lists it was given, and who waits.
final class CurlTransfer {
    enum Waiting {
        case http(CheckedContinuation<HTTPResponse, any Error>, ResponseCollector)
        case mail(CheckedContinuation<Void, any Error>, UploadSource)
    }

    let handle: UnsafeMutableRawPointer
    let url: String
    private let lists: [UnsafeMutablePointer<curl_slist>?]
    private let waiting: Waiting

    init(handle: UnsafeMutableRawPointer, url: String, lists: [UnsafeMutablePointer<curl_slist>?], waiting: Waiting) {
        self.handle = handle
        self.url = url
        self.lists = lists
        self.waiting = waiting
    }

    deinit {
        for list in lists { curl_slist_free_all(list) }
    }

    /// Resumes the caller with the answer, or with why there is none. Reads the status from the
    /// handle: before it is reused.
    func complete(code: CURLcode, maxResponseBytes: Int) {
        switch waiting {
        case .http(let continuation, let collector):
            if collector.truncated {
                return continuation.resume(throwing: TransportError(
                    kind: .responseTooLarge, code: Int(code.rawValue), target: redactedTarget(url), detail: "the answer is longer than \(maxResponseBytes) bytes"
                ))
            }
            guard code == CURLE_OK else { return continuation.resume(throwing: error(code)) }
            var status = 0
            ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            continuation.resume(returning: HTTPResponse(status: status, headers: collector.headers, body: collector.body))
        case .mail(let continuation, _):
            guard code == CURLE_OK else { return continuation.resume(throwing: error(code)) }
            continuation.resume()
        }
    }

    /// Resumes the caller with an error: the transfer never started.
    func fail(_ error: TransportError) {
        switch waiting {
        case .http(let continuation, _): continuation.resume(throwing: error)
        case .mail(let continuation, _): continuation.resume(throwing: error)
        }
    }

    private func error(_ code: CURLcode) -> TransportError {
        let kind: TransportError.Kind = switch code {
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR: .connection
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_USE_SSL_FAILED: .tls
        case CURLE_LOGIN_DENIED, CURLE_SEND_FAIL_REWIND, CURLE_UPLOAD_FAILED: .rejected
        default: .other
        }
        return TransportError(kind: kind, code: Int(code.rawValue), target: redactedTarget(url), detail: String(cString: curl_easy_strerror(code)))
    }
}
