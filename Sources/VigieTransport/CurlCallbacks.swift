import CCurl
import Foundation

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
