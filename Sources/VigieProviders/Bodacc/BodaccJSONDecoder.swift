import Foundation
import VigieCore

/// Reads BODACC notices from any JSON the API or its exports produce: a v2.1 `records`
/// response `{"total_count","results"}`, a v1 search response `{"nhits","records"}`, a JSON
/// array export, a JSON-lines export, or a single record.
public enum BodaccJSONDecoder {
    public static func decode(_ data: Data, file: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        if let whole = try? JSONSerialization.jsonObject(with: data) {
            return try notices(in: whole, file: file, line: nil)
        }
        return try decodeLines(data, file: file)
    }

    static func decodeLines(_ data: Data, file: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        var notices: [BodaccNotice] = []
        var lineNumber = 0
        for line in JSONLines.split(data) {
            lineNumber += 1
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: line) else {
                throw NoticeDecodingError(file: file, line: lineNumber, message: "not valid JSON; expected one BODACC record per line (JSONL) or a whole JSON document")
            }
            notices.append(contentsOf: try Self.notices(in: object, file: file, line: lineNumber))
        }
        return notices
    }

    static func notices(in json: Any, file: String, line: Int?) throws(NoticeDecodingError) -> [BodaccNotice] {
        let records: [Any]
        if let object = json as? [String: Any] {
            if let results = object["results"] as? [Any] {
                records = results
            } else if let legacy = object["records"] as? [Any] {
                records = legacy
            } else {
                records = [object]
            }
        } else if let array = json as? [Any] {
            records = array
        } else {
            throw NoticeDecodingError(file: file, line: line, message: "expected a BODACC record, an array of records, or an API response with \"results\"")
        }
        var notices: [BodaccNotice] = []
        notices.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            guard let object = record as? [String: Any], let notice = BodaccRecordMapper.notice(from: object) else {
                throw NoticeDecodingError(file: file, line: line, message: "record \(index + 1) has no id, nor a publication date and notice number to identify it")
            }
            notices.append(notice)
        }
        return notices
    }
}
