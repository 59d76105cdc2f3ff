/// Reads delimiter-separated text as an ERP exports it: a header row, `;` or `,` (or tab),
/// quoted fields with doubled quotes and line breaks, CRLF or LF, with or without a BOM.
/// Each record keeps the line it starts on, for messages.
///
/// Works on the string's own UTF-8 bytes, in place: every character that matters is ASCII, a
/// field without doubled quotes is one slice of the text, and records are handed over one by
/// one (`scan`, `parse`) so that a million-line export is never held twice; `splits` says where
/// readers working side by side can take it apart.
struct CSVReader {
    struct Record {
        var line: Int
        var fields: [String]
        /// Where the record ends in the bytes read, its line break included.
        var end = 0
        /// The line the next record starts on.
        var nextLine = 0
    }

    let delimiter: Character
    let records: [Record]

    init(text: String) {
        var records: [Record] = []
        delimiter = Self.scan(text) { records.append($0) }
        self.records = records
    }

    /// Hands each record to `body`, in order; returns the delimiter read from the header.
    @discardableResult
    static func scan(_ text: String, _ body: (Record) throws -> Void) rethrows -> Character {
        var text = text
        return try text.withUTF8 { buffer in
            var start = 0
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            var headerEnd = start
            while headerEnd < buffer.count, buffer[headerEnd] != UInt8(ascii: "\n"), buffer[headerEnd] != UInt8(ascii: "\r") { headerEnd += 1 }
            let separator = detectDelimiter(buffer[start..<headerEnd])
            try parse(UnsafeBufferPointer(rebasing: buffer[start...]), delimiter: separator, body)
            return Character(Unicode.Scalar(separator))
        }
    }

    /// The candidate found most often outside quotes in the header row; `;` when none is.
    static func detectDelimiter(_ header: some Sequence<UInt8>) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\t")]
        var counts = [0, 0, 0]
        var quoted = false
        for byte in header {
            if byte == UInt8(ascii: "\"") { quoted.toggle() } else if !quoted, let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
        }
        guard let best = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[best] > 0 else { return candidates[0] }
        return candidates[best]
    }

    /// Hands each record of `bytes` to `body`; the first starts on line `firstLine`.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, firstLine: Int = 1, _ body: (Record) throws -> Void) rethrows {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var fields: [String] = []
        /// A field being read: a slice of the text until a doubled quote makes it a copy.
        var fieldStart = 0, fieldEnd = 0
        var copied: [UInt8]? = nil
        var quoted = false, wasQuoted = false
        var line = firstLine
        var recordLine = firstLine
        var index = 0

        func endField() {
            if let copy = copied {
                fields.append(String(decoding: copy, as: UTF8.self))
            } else {
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<fieldEnd]), as: UTF8.self))
            }
            copied = nil
            wasQuoted = false
            fieldStart = index
            fieldEnd = index
        }
        func endRecord(nextLine: Int) throws {
            endField()
            if !(fields.count == 1 && fields[0].allSatisfy(\.isWhitespace)) {
                try body(Record(line: recordLine, fields: fields, end: index, nextLine: nextLine))
            }
            fields.removeAll(keepingCapacity: true)
        }
        func append(_ byte: UInt8) {
            // The byte just read: next to the field's slice, it extends it; after a quote that
            // was dropped, the field becomes a copy.
            let position = index - 1
            if copied == nil {
                if fieldStart == fieldEnd {
                    fieldStart = position
                    fieldEnd = position + 1
                    return
                }
                if fieldEnd == position {
                    fieldEnd += 1
                    return
                }
                copied = Array(bytes[fieldStart..<fieldEnd])
            }
            copied!.append(byte)
        }

        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == quote {
                    if index < bytes.count, bytes[index] == quote {
                        if copied == nil { copied = Array(bytes[fieldStart..<fieldEnd]) }
                        copied!.append(quote)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == newline || (byte == carriageReturn && (index >= bytes.count || bytes[index] != newline)) { line += 1 }
                    append(byte)
                }
                continue
            }
            switch byte {
            case quote where fieldStart == fieldEnd && copied == nil && !wasQuoted:
                quoted = true
                wasQuoted = true
                fieldStart = index
                fieldEnd = index
            case delimiter:
                endField()
            case carriageReturn, newline:
                if byte == carriageReturn, index < bytes.count, bytes[index] == newline { index += 1 }
                try endRecord(nextLine: line + 1)
                line += 1
                recordLine = line
            default:
                append(byte)
            }
        }
        if fieldEnd > fieldStart || copied != nil || !fields.isEmpty { try endRecord(nextLine: line + 1) }
    }

    /// Where `bytes` can be read apart, for readers working side by side: for each of the
    /// ascending `targets`, the end of the first record ending at or after it, with the line the
    /// next record starts on. Quotes are followed as `parse` follows them (a quote opens a quoted
    /// field only as a field's first byte; `""` inside one is a quote), so a line break inside a
    /// quoted field is never taken for a record's end. Targets past the last record give none.
    static func splits(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, firstLine: Int, near targets: [Int]) -> [(offset: Int, line: Int)] {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var result: [(offset: Int, line: Int)] = []
        var pending = targets[...]
        var quoted = false, atFieldStart = true
        var line = firstLine
        var index = 0
        while index < bytes.count, let target = pending.first {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == quote {
                    if index < bytes.count, bytes[index] == quote { index += 1 } else { quoted = false }
                } else if byte == newline || (byte == carriageReturn && (index >= bytes.count || bytes[index] != newline)) {
                    line += 1
                }
                continue
            }
            switch byte {
            case quote where atFieldStart:
                quoted = true
                atFieldStart = false
            case delimiter:
                atFieldStart = true
            case carriageReturn, newline:
                if byte == carriageReturn, index < bytes.count, bytes[index] == newline { index += 1 }
                line += 1
                atFieldStart = true
                if index >= target, index < bytes.count {
                    result.append((index, line))
                    while let next = pending.first, next <= index { pending = pending.dropFirst() }
                }
            default:
                atFieldStart = false
            }
        }
        return result
    }
}
