import CLibXML2
import Foundation

/// Streams an XML document as events through libxml2's reader, with no size limit and no
/// network access: what every XML format Vigie reads (DILA bulk files, Ellisphère reports) is
/// parsed with.
struct XMLEventReader {
    enum Event {
        case start(name: String, attributes: [String: String], line: Int)
        case text(String)
        case end(name: String)
    }

    struct Failure: Error {
        var line: Int
        var message: String
    }

    /// No network, no entity expansion from outside, no size limit, no messages on stderr.
    static let options = Int32(XML_PARSE_HUGE.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)

    /// Reads a file, streaming.
    static func read(file path: String, _ handle: (Event) throws -> Void) throws {
        try run(Pull(file: path), handle)
    }

    /// A reader of the file at `path`, fed a megabyte per `read(2)`: libxml2's own file input
    /// reads 4 KB at a time, and those calls were a tenth of classifying a 150 MB file. A
    /// gzip-compressed file is left to libxml2, which inflates it.
    static func reader(file path: String) -> xmlTextReaderPtr? {
        guard let input = FileInput(path: path), !input.isGzip else { return xmlReaderForFile(path, nil, options) }
        // libxml2 owns the input from here: it closes it, on failure too.
        let context = Unmanaged.passRetained(input).toOpaque()
        return xmlReaderForIO({ context, buffer, length in
            guard let context, let buffer, length > 0 else { return -1 }
            return Unmanaged<FileInput>.fromOpaque(context).takeUnretainedValue().read(into: buffer, length: Int(length))
        }, { context in
            guard let context else { return 0 }
            Unmanaged<FileInput>.fromOpaque(context).release()
            return 0
        }, context, path, nil, options)
    }

    /// A file read a megabyte at a time, handed over in the pieces libxml2 asks for.
    final class FileInput {
        private let descriptor: Int32
        private var buffer = [UInt8](repeating: 0, count: 1 << 20)
        private var start = 0
        private var end = 0

        init?(path: String) {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            _ = fill()
        }

        deinit { close(descriptor) }

        var isGzip: Bool { end - start >= 2 && buffer[start] == 0x1F && buffer[start + 1] == 0x8B }

        /// Refills the buffer once it is used up: the bytes read, 0 at the end of the file, -1 on an error.
        private func fill() -> Int {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            start = 0
            end = max(0, count)
            return count
        }

        func read(into destination: UnsafeMutablePointer<CChar>, length: Int) -> Int32 {
            if start == end {
                let count = fill()
                if count <= 0 { return count < 0 ? -1 : 0 }
            }
            let count = min(length, end - start)
            buffer.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(destination).copyMemory(from: bytes.baseAddress! + start, byteCount: count)
            }
            start += count
            return Int32(count)
        }
    }

    /// Reads a document in memory.
    static func read(_ data: Data, name: String, _ handle: (Event) throws -> Void) throws {
        let reader = data.withUnsafeBytes { bytes in
            xmlReaderForMemory(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), name, nil, options)
        }
        guard let reader else { throw Failure(line: 0, message: "cannot be read as XML") }
        try run(Pull(reader), handle)
    }

    private static func run(_ pull: Pull, _ handle: (Event) throws -> Void) throws {
        while let event = try pull.next() { try handle(event) }
    }

    /// The same events, asked for one at a time: what async code reads a big file with, a
    /// notice at a time, between two awaits.
    final class Pull {
        private let reader: xmlTextReaderPtr
        private var depth = 0
        /// The end of an empty element, owed after its start.
        private var pending: Event?
        private var finished = false

        init(_ reader: xmlTextReaderPtr) {
            self.reader = reader
        }

        /// Opens a file, streaming.
        convenience init(file path: String) throws {
            guard let reader = XMLEventReader.reader(file: path) else { throw Failure(line: 0, message: "cannot be opened as XML; check the path and permissions") }
            self.init(reader)
        }

        deinit { xmlFreeTextReader(reader) }

        func next() throws -> Event? {
            if let event = pending {
                pending = nil
                return event
            }
            while !finished {
                let status = xmlTextReaderRead(reader)
                if status == 0 {
                    finished = true
                    if depth > 0 {
                        throw Failure(line: Int(xmlTextReaderGetParserLineNumber(reader)), message: "not well-formed XML (the file ends inside an element); is the file complete?")
                    }
                    return nil
                }
                let line = Int(xmlTextReaderGetParserLineNumber(reader))
                guard status == 1 else {
                    finished = true
                    let detail = xmlGetLastError().flatMap { $0.pointee.message }.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown error"
                    throw Failure(line: line, message: "not well-formed XML (\(detail)); is the file complete?")
                }
                switch xmlTextReaderNodeType(reader) {
                case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                    let name = String(cString: xmlTextReaderConstLocalName(reader))
                    let empty = xmlTextReaderIsEmptyElement(reader) == 1
                    var attributes: [String: String] = [:]
                    while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                        attributes[String(cString: xmlTextReaderConstLocalName(reader))] = xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
                    }
                    if empty { pending = .end(name: name) } else { depth += 1 }
                    return .start(name: name, attributes: attributes, line: line)
                case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
                    if let value = xmlTextReaderConstValue(reader) { return .text(String(cString: value)) }
                case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                    depth -= 1
                    return .end(name: String(cString: xmlTextReaderConstLocalName(reader)))
                default:
                    continue
                }
            }
            return nil
        }
    }
}
