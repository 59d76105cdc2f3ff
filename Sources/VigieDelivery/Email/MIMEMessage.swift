import Foundation

/// An RFC 5322 message with a multipart/alternative body (text and HTML, UTF-8, base64).
///
/// Header values are built here and only here, and none can gain a line: CR, LF and other
/// control characters are removed from every value, and a subject with anything but
/// printable ASCII is written as RFC 2047 encoded words. A company named
/// `ACME\r\nBcc: x@example.org` stays in the subject, as text.
struct MIMEMessage {
    var from: String
    var to: [String]
    var subject: String
    var text: String
    var html: String
    var messageID: String
    var date: Date
    var boundary: String

    func rendered() -> [UInt8] {
        var lines = [
            "From: \(Self.clean(from))",
            "To: \(to.map(Self.clean).joined(separator: ", "))",
            "Subject: \(Self.encodedHeader(subject))",
            "Date: \(Self.rfc5322(date))",
            "Message-ID: <\(Self.clean(messageID))>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines += Self.base64Lines(text)
        lines += ["--\(boundary)", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", ""]
        lines += Self.base64Lines(html)
        lines += ["--\(boundary)--", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// A header value with every control character (CR and LF included) turned into a space.
    static func clean(_ value: String) -> String {
        Escape.controlCharacters(value)
    }

    /// Printable ASCII as is; anything else as `=?UTF-8?B?…?=` words of at most 75 characters,
    /// split on character boundaries.
    /// A subject longer than `subjectLimit` characters is cut: mail clients show far less, and
    /// some servers refuse very long header fields.
    static let subjectLimit = 200

    static func encodedHeader(_ value: String) -> String {
        let cleaned = Limits.cut(clean(value), subjectLimit)
        if cleaned.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && cleaned.count < 900 { return cleaned }
        var words: [String] = []
        var chunk = ""
        for character in cleaned {
            if (chunk + String(character)).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// A text part's lines end in CRLF, as RFC 5322 and 2045 ask, whatever the template wrote.
    static func base64Lines(_ text: String) -> [String] {
        let crlf = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(crlf.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { offset in
            let start = encoded.index(encoded.startIndex, offsetBy: offset)
            let end = encoded.index(start, offsetBy: min(76, encoded.count - offset))
            return String(encoded[start..<end])
        }
    }

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
