import Foundation
import VigieCore

/// Reads a file of BODACC notices in whichever format it is: DILA XML, or any JSON shape.
public enum NoticeFileReader {
    public static func read(path: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        if let handle = FileHandle(forReadingAtPath: path) {
            let head = (try? handle.read(upToCount: 512)) ?? Data()
            try? handle.close()
            if firstSignificantByte(head) == UInt8(ascii: "<") { return try DILAXMLDecoder.decode(file: path) }
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw NoticeDecodingError(file: path, message: "cannot be read (\(error.localizedDescription)); check the path and permissions")
        }
        return try decode(data, file: path)
    }

    public static func decode(_ data: Data, file: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        switch firstSignificantByte(data) {
        case UInt8(ascii: "<"): return try DILAXMLDecoder.decode(data, file: file)
        case UInt8(ascii: "{"), UInt8(ascii: "["): return try BodaccJSONDecoder.decode(data, file: file)
        case nil: throw NoticeDecodingError(file: file, message: "the file is empty")
        default: throw NoticeDecodingError(file: file, line: 1, message: "neither XML nor JSON; give a DILA PCL file or an Opendatasoft JSON/JSONL export")
        }
    }

    /// The first byte that is not white space or a byte-order mark: `<` for XML, `{` or `[` for JSON.
    static func firstSignificantByte(_ data: Data) -> UInt8? {
        data.first { ![UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), 0xEF, 0xBB, 0xBF].contains($0) }
    }
}
