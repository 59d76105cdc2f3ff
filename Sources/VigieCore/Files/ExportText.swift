import Foundation

/// The text of a file exported by another program: watchlists, insurer exports, aged balances.
public enum ExportText {
    /// UTF-16 when the data starts with a UTF-16 byte-order mark (Excel's "Unicode text"),
    /// else UTF-8, else Windows-1252 (older ERP exports); nil when none reads it.
    public static func decode(_ data: Data) -> String? {
        if data.starts(with: [0xFF, 0xFE]) { return String(data: data.dropFirst(2), encoding: .utf16LittleEndian) }
        if data.starts(with: [0xFE, 0xFF]) { return String(data: data.dropFirst(2), encoding: .utf16BigEndian) }
        return String(data: data, encoding: .utf8) ?? String(data: data, encoding: .windowsCP1252)
    }
}
