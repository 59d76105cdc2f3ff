import Foundation

/// Splits JSON-lines files: one line per element, empty ones kept so that line numbers in
/// errors stay right. `Data.split` goes through generic collection code byte by byte and was
/// a fifth of a cycle over 125 KB reports; this searches for newlines with `memchr`.
enum JSONLines {
    static func split(_ data: Data) -> [Data] {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Data] in
            guard let base = raw.baseAddress, raw.count > 0 else { return [] }
            var lines: [Data] = []
            var start = 0
            while start <= raw.count {
                let end = memchr(base + start, 0x0A, raw.count - start).map { base.distance(to: UnsafeRawPointer($0)) } ?? raw.count
                lines.append(Data(bytes: base + start, count: end - start))
                start = end + 1
            }
            if lines.last?.isEmpty == true { lines.removeLast() }
            return lines
        }
    }
}

extension JSONLines {
    /// A file that cannot be opened or read.
    struct ReadError: Error {
        var errno: Int32
    }

    /// Calls `body` with each line of the file at `path` (its bytes without the line feed, and
    /// its number from 1), reading a megabyte at a time: a generated scenario of a million
    /// reports is half a gigabyte, which the fixture held whole, then again line by line.
    /// Memory is a megabyte (`chunk`), or the longest line.
    static func forEachLine(path: String, chunk: Int = 1 << 20, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(errno: errno) }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: max(1, chunk))
        var filled = 0
        var number = 0
        var ended = false
        while !ended {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(errno: errno)
            }
            filled += count
            ended = count == 0
            // Every whole line in the buffer; at the end of the file, the last one without its line feed.
            let consumed = try buffer.withUnsafeBytes { raw -> Int in
                let base = raw.baseAddress!
                var start = 0
                while start < filled {
                    let end: Int
                    if let found = memchr(base + start, 0x0A, filled - start) {
                        end = base.distance(to: UnsafeRawPointer(found))
                    } else if ended {
                        end = filled
                    } else {
                        break
                    }
                    number += 1
                    try body(UnsafeRawBufferPointer(start: base + start, count: end - start), number)
                    start = end + 1
                }
                return min(start, filled)
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    let base = raw.baseAddress!
                    memmove(base, base + consumed, filled - consumed)
                }
                filled -= consumed
            }
        }
    }
}
