import Foundation
import VigieCore

/// Reads a file of BODACC notices in whichever format it is: DILA XML, or any JSON shape.
public enum NoticeFileReader {
    public static func read(path: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        var notices: [BodaccNotice] = []
        try forEach(path: path) { notices.append($0) }
        return notices
    }

    /// Hands each notice of the file to `body`, in order. A DILA XML file streams: its notices
    /// are never all held at once; a JSON export is decoded whole.
    public static func forEach(path: String, _ body: (BodaccNotice) throws -> Void) throws(NoticeDecodingError) {
        if isXML(path: path) { return try DILAXMLDecoder.forEach(file: path, body) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw NoticeDecodingError(file: path, message: unreadable(path, error))
        }
        let notices = try decode(data, file: path)
        do {
            for notice in notices { try body(notice) }
        } catch let error as NoticeDecodingError {
            throw error
        } catch {
            throw NoticeDecodingError(file: path, message: "\(error)")
        }
    }

    public static func decode(_ data: Data, file: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        switch firstSignificantByte(data) {
        case UInt8(ascii: "<"): return try DILAXMLDecoder.decode(data, file: file)
        case UInt8(ascii: "{"), UInt8(ascii: "["): return try BodaccJSONDecoder.decode(data, file: file)
        case nil: throw NoticeDecodingError(file: file, message: "the file is empty")
        default: throw NoticeDecodingError(file: file, line: 1, message: "neither XML nor JSON; give a DILA PCL file or an Opendatasoft JSON/JSONL export")
        }
    }

    /// A file's notices one at a time: a DILA XML file streams, a JSON export is decoded whole.
    public final class Stream {
        private let xml: DILAXMLDecoder.Stream?
        private var list: IndexingIterator<[BodaccNotice]>?
        /// How many notices the file holds, counted before reading (for progress).
        public let count: Int

        public init(path: String) throws(NoticeDecodingError) {
            if NoticeFileReader.isXML(path: path) {
                xml = DILAXMLDecoder.Stream(file: path)
                count = NoticeFileReader.countNotices(path: path)
            } else {
                let notices = try NoticeFileReader.read(path: path)
                xml = nil
                list = notices.makeIterator()
                count = notices.count
            }
        }

        public func next() throws(NoticeDecodingError) -> BodaccNotice? {
            if let xml { return try xml.next() }
            return list?.next()
        }
    }

    /// Whether the file (inflated, if it is gzip-compressed) starts as XML.
    static func isXML(path: String) -> Bool {
        guard let input = XMLPushParser.FileInput(path: path) else { return false }
        var head = [UInt8](repeating: 0, count: 512)
        let count = head.withUnsafeMutableBytes { input.read(into: $0) } ?? 0
        return firstSignificantByte(Data(head.prefix(count))) == UInt8(ascii: "<")
    }

    /// The `<annonce>` elements of a DILA file (inflated, if it is gzip-compressed), counted over
    /// its bytes a megabyte at a time: memchr to each `<`, then the rest compared. (Foundation's
    /// generic `firstRange(of:)` over a copy of each chunk took 11 s for 154 MB, more than
    /// importing it.)
    static func countNotices(path: String, readSize: Int = 1 << 20) -> Int {
        guard let input = XMLPushParser.FileInput(path: path) else { return 0 }
        let marker = Array("<annonce>".utf8)
        var count = 0
        var buffer = [UInt8](repeating: 0, count: readSize + marker.count - 1)
        buffer.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress!
            // The last bytes of a chunk, too few to hold a whole marker, start the next one: a
            // marker cut between two reads is found there, none is counted twice.
            var kept = 0
            while let read = input.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[kept...])), read > 0 {
                let end = kept + read
                var index = 0
                while end - index >= marker.count, let found = memchr(base + index, Int32(UInt8(ascii: "<")), end - index) {
                    let at = base.distance(to: found)
                    guard end - at >= marker.count else { break }
                    if memcmp(found, marker, marker.count) == 0 {
                        count += 1
                        index = at + marker.count
                    } else {
                        index = at + 1
                    }
                }
                kept = min(marker.count - 1, end)
                memmove(base, base + end - kept, kept)
            }
        }
        return count
    }

    /// Why a file cannot be read, in words that say what to do: Foundation's own words for a
    /// folder were "The operation could not be completed (NSCocoaErrorDomain error 256)".
    static func unreadable(_ path: String, _ error: any Error) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return "does not exist; check the path" }
        if isFolder.boolValue { return "is a folder, not a file; give the BODACC files in it (for example \(path)/*.xml)" }
        return "cannot be read (\(error.localizedDescription)); check its permissions"
    }

    /// The first byte that is not white space or a byte-order mark: `<` for XML, `{` or `[` for JSON.
    static func firstSignificantByte(_ data: Data) -> UInt8? {
        data.first { ![UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), 0xEF, 0xBB, 0xBF].contains($0) }
    }
}
