import Foundation
import VigieCore

/// How both stores write and read the JSON documents they keep (cases, snapshot details,
/// alert payloads): keys sorted, so a stored text is the same whichever replica wrote it, and
/// dates in ISO 8601, readable in `psql` and `sqlite3`. Read with `SkimmingJSONDecoder`,
/// in place from the column's text: the dispatcher decodes every alert it sends.
enum StoredJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static let decoder = SkimmingJSONDecoder(dateDecoding: .iso8601)

    /// A stored document with a reader of its own (`Alert`, `Case`): read by it, and through
    /// `Codable` when it refuses the document, which also says what is wrong.
    static func read<T: StoredReadable>(_ type: T.Type, _ payload: String) throws -> T {
        var text = payload
        if let value = text.withUTF8({ T.readStored(UnsafeRawBufferPointer($0)) }) { return value }
        return try decoder.decode(T.self, from: payload)
    }
}
