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

    /// A stored alert: the common ones read without `Codable` (`Alert.readStored`), the others
    /// through it, which also says what is wrong with one that cannot be read.
    static func alert(_ payload: String) throws -> Alert {
        var text = payload
        if let alert = text.withUTF8({ Alert.readStored(UnsafeRawBufferPointer($0)) }) { return alert }
        return try decoder.decode(Alert.self, from: payload)
    }

    /// A stored case, as `alert(_:)` reads an alert.
    static func storedCase(_ payload: String) throws -> Case {
        var text = payload
        if let item = text.withUTF8({ Case.readStored(UnsafeRawBufferPointer($0)) }) { return item }
        return try decoder.decode(Case.self, from: payload)
    }
}
