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

    /// A due delivery's row, ready to send with its alert, or set apart with why its alert
    /// cannot be read: one damaged document must not stop a channel's whole queue.
    static func due(
        _ row: (id: Int64, alertID: String, revision: Int, payload: String, attempts: Int, queuedAt: Date, digestKey: String?),
        channel: String, into batch: inout DueDeliveries
    ) {
        do {
            let alert = try read(Alert.self, row.payload)
            batch.ready.append(PendingDelivery(id: row.id, alert: alert, channel: channel, attempts: row.attempts, queuedAt: row.queuedAt, digestKey: row.digestKey))
        } catch {
            let what = (error as? DecodingError)?.summary ?? "\(error)"
            batch.unreadable.append(UnreadableDelivery(
                id: row.id, alertID: row.alertID, revision: row.revision, channel: channel, attempts: row.attempts, queuedAt: row.queuedAt,
                reason: "its stored alert (revision \(row.revision)) cannot be read, so it cannot be sent: \(what.prefix(300))"
            ))
        }
    }
}
