import CCurl
import Foundation

/// One worker thread's libcurl easy handle, reset and reused for every transfer.
///
/// Confined to its thread: the handle is never shared, which is what libcurl requires.
final class CurlWorker {
    private let handle: UnsafeMutableRawPointer
    private let configuration: CurlTransport.Configuration
    static let receiveBuffer = 256 << 10

    init(configuration: CurlTransport.Configuration) {
        self.handle = curl_easy_init()
        self.configuration = configuration
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    func run(_ job: CurlTransport.Job) {
        switch job {
        case .http(let request, let continuation):
            continuation.resume(with: Result { try perform(request) })
        case .mail(let mail, let continuation):
            continuation.resume(with: Result { try perform(mail) })
        }
    }

    private func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        curl_easy_reset(handle)
        applyCommon(url: request.url)
        if let timeout = request.timeout { ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout.milliseconds)) }
        // A report of 100 KB in a few reads and callbacks rather than seven of libcurl's default 16 KB.
        ccurl_setopt_long(handle, CURLOPT_BUFFERSIZE, Self.receiveBuffer)
        let collector = ResponseCollector(limit: configuration.maxResponseBytes)
        var headers: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headers) }
        for header in request.headers {
            headers = curl_slist_append(headers, "\(header.name): \(header.value)")
        }
        // libcurl would otherwise send "Expect: 100-continue" and wait for the answer to it.
        headers = curl_slist_append(headers, "Expect:")
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        switch request.method.uppercased() {
        case "GET": ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case "POST": ccurl_setopt_long(handle, CURLOPT_POST, 1)
        default: ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.uppercased())
        }
        if request.method.uppercased() != "GET" {
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
        let code = withExtendedLifetime(collector) { curl_easy_perform(handle) }
        if collector.truncated {
            throw TransportError(kind: .responseTooLarge, code: Int(code.rawValue), target: redactedTarget(request.url), detail: "the answer is longer than \(configuration.maxResponseBytes) bytes")
        }
        guard code == CURLE_OK else { throw error(code, url: request.url) }
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: collector.headers, body: collector.body)
    }

    private func perform(_ mail: MailSubmission) throws {
        curl_easy_reset(handle)
        let relay = mail.relay
        let scheme = relay.security == .implicitTLS ? "smtps" : "smtp"
        let url = "\(scheme)://\(relay.host):\(relay.port)"
        applyCommon(url: url)
        if relay.security == .starttls { ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
        if let username = relay.username { ccurl_setopt_string(handle, CURLOPT_USERNAME, username) }
        if let password = relay.password { ccurl_setopt_string(handle, CURLOPT_PASSWORD, password) }
        ccurl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(mail.from)>")
        var recipients: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(recipients) }
        for recipient in mail.recipients { recipients = curl_slist_append(recipients, "<\(recipient)>") }
        ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)
        let source = UploadSource(bytes: mail.message)
        ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
        ccurl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(mail.message.count))
        ccurl_setopt_datacb(handle, CURLOPT_READFUNCTION, readUpload)
        ccurl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
        let code = withExtendedLifetime(source) { curl_easy_perform(handle) }
        guard code == CURLE_OK else { throw error(code, url: url) }
    }

    /// Timeouts, TLS, proxy and safety settings every transfer shares.
    private func applyCommon(url: String) {
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

    private func error(_ code: CURLcode, url: String) -> TransportError {
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

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}

/// Where a response lands while libcurl writes it.
final class ResponseCollector {
    let limit: Int
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var truncated = false

    init(limit: Int) {
        self.limit = limit
    }
}

/// What an upload reads from.
final class UploadSource {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}

/// libcurl's write callback: appends the body, and stops the transfer past the limit.
let collectBody: ccurl_data_cb = { data, size, count, context in
    let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard collector.body.count + length <= collector.limit else {
        collector.truncated = true
        return 0
    }
    data!.withMemoryRebound(to: UInt8.self, capacity: length) { collector.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
    return length
}

/// libcurl's header callback: one header line per call. A new status line (after a redirect
/// or a 100 Continue) starts the headers afresh. Read as bytes: a dozen header lines per
/// answer went through Foundation's trimming and lower-casing, 5 % of a poll's CPU.
let collectHeader: ccurl_data_cb = { data, size, count, context in
    let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    data!.withMemoryRebound(to: UInt8.self, capacity: length) { start in
        let line = UnsafeBufferPointer(start: start, count: length)
        if line.starts(with: "HTTP/".utf8) {
            collector.headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: 0x3A) else { return }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var from = colon + 1, to = length
        while from < to, isSpace(line[from]) { from += 1 }
        while to > from, isSpace(line[to - 1]) { to -= 1 }
        let name = String(decoding: line[..<colon].lazy.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }, as: UTF8.self)
        let value = String(decoding: line[from..<to], as: UTF8.self)
        collector.headers[name] = value
        // The body's size announced: its buffer is taken once, not grown and copied a dozen
        // times over a 100 KB report.
        if name == "content-length", let size = Int(value), size > 0 {
            collector.body.reserveCapacity(min(size, collector.limit))
        }
    }
    return length
}

/// libcurl's read callback for uploads (SMTP's DATA).
let readUpload: ccurl_data_cb = { buffer, size, count, context in
    let source = Unmanaged<UploadSource>.fromOpaque(context!).takeUnretainedValue()
    let length = min(size * count, source.bytes.count - source.offset)
    guard length > 0 else { return 0 }
    source.bytes.withUnsafeBufferPointer { bytes in
        UnsafeMutableRawPointer(buffer!).copyMemory(from: bytes.baseAddress! + source.offset, byteCount: length)
    }
    source.offset += length
    return length
}
