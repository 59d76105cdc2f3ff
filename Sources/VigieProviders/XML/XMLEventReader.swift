import CLibXML2
import Foundation

/// An element's name as the parser gives it: interned by the parser's dictionary, so that one
/// name is one pointer for the whole document, and a handler can recognise it without making a
/// string (`XMLPushParser`).
struct XMLName {
    let pointer: UnsafePointer<xmlChar>

    var key: UnsafeRawPointer { UnsafeRawPointer(pointer) }
    var string: String { String(cString: pointer) }
}

/// Values by an element's interned name, each made once per document (names come from one
/// parser's dictionary, so the table lives with one document). Bounded, so that a document of
/// a million different names costs a value per element, not a table that keeps growing.
struct XMLNameTable<Value> {
    private var values: [UnsafeRawPointer: Value] = [:]
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    mutating func value(for name: XMLName, _ make: (String) -> Value) -> Value {
        if let value = values[name.key] { return value }
        let value = make(name.string)
        if values.count < limit { values[name.key] = value }
        return value
    }
}

/// An element's attributes as the parser gives them: five pointers each (local name, prefix,
/// URI, start and end of the value).
struct XMLAttributes {
    let pointers: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let count: Int

    /// By local name; the value's entities already replaced.
    func dictionary(name: (XMLName) -> String) -> [String: String] {
        guard count > 0, let pointers else { return [:] }
        var values: [String: String] = [:]
        for index in 0..<count {
            guard let local = pointers[5 * index], let start = pointers[5 * index + 3], let end = pointers[5 * index + 4] else { continue }
            values[name(XMLName(pointer: local))] = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
        }
        return values
    }
}

/// What a document is made of, told as the parser reads it. A handler that finds the document
/// is not what it reads (a wrong root) throws: the parse stops there.
protocol XMLContentHandler: AnyObject {
    func start(_ name: XMLName, attributes: XMLAttributes, line: Int) throws
    /// Some of an element's text: an element's text may come in several pieces.
    func characters(_ text: UnsafeBufferPointer<UInt8>)
    func end(_ name: XMLName) throws
}

/// libxml2's SAX2 push parser over an input read a chunk at a time: what every XML format Vigie
/// reads (DILA bulk files, Ellisphère reports) is parsed with. No size limit, no network, no
/// entity from outside, nothing printed.
///
/// The push parser, not libxml2's text reader: the reader builds a node for every element and
/// piece of text and answers a name or a value by a call each; the SAX callbacks hand over an
/// element's interned name and its text's bytes, and a handler keeps only what it reads. Bytes
/// go in a chunk at a time, so a file of any size is read in the memory of one chunk, and a
/// caller that awaits between notices (an import) asks for one chunk at a time.
final class XMLPushParser {
    struct Failure: Error {
        var line: Int
        var message: String
    }

    /// No network, no entity expansion from outside, no size limit. Messages are silenced by the
    /// handler's structured-error callback; the error is read from the context.
    static let options = Int32(XML_PARSE_HUGE.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)

    /// What the C callbacks reach through the context's `_private`.
    private final class Shared {
        let handler: any XMLContentHandler
        /// What the handler threw; the parser is stopped when it does.
        var thrown: (any Error)?

        init(handler: any XMLContentHandler) { self.handler = handler }

        static func from(_ context: UnsafeMutableRawPointer) -> Shared {
            Unmanaged<Shared>.fromOpaque(context.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private!).takeUnretainedValue()
        }
    }

    private let context: xmlParserCtxtPtr
    private let input: any Input
    private let shared: Shared
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 1)
    /// What went wrong, thrown by the next `parse` once the caller has what came before it.
    private var failure: (any Error)?
    private var finished = false

    /// Parses the file at `path` (inflated on the way if it is gzip-compressed) into `handler`.
    convenience init(file path: String, handler: any XMLContentHandler) throws {
        guard let input = FileInput(path: path) else { throw Failure(line: 0, message: "cannot be opened as XML; check the path and permissions") }
        try self.init(input, name: path, handler: handler)
    }

    init(_ input: any Input, name: String, handler: any XMLContentHandler) throws {
        var sax = xmlSAXHandler()
        // The SAX2 defaults first (entities and a DTD the document declares), then the element
        // and text callbacks that tell the handler instead of building a tree.
        xmlSAXVersion(&sax, 2)
        sax.startElementNs = { context, localName, _, _, _, _, attributeCount, _, attributes in
            guard let context, let localName else { return }
            let shared = Shared.from(context)
            do {
                try shared.handler.start(XMLName(pointer: localName), attributes: XMLAttributes(pointers: attributes, count: Int(attributeCount)), line: Int(xmlSAX2GetLineNumber(context)))
            } catch {
                shared.thrown = error
                xmlStopParser(context.assumingMemoryBound(to: xmlParserCtxt.self))
            }
        }
        sax.endElementNs = { context, localName, _, _ in
            guard let context, let localName else { return }
            let shared = Shared.from(context)
            do {
                try shared.handler.end(XMLName(pointer: localName))
            } catch {
                shared.thrown = error
                xmlStopParser(context.assumingMemoryBound(to: xmlParserCtxt.self))
            }
        }
        let text: charactersSAXFunc = { context, characters, length in
            guard let context, let characters, length > 0 else { return }
            Shared.from(context).handler.characters(UnsafeBufferPointer(start: characters, count: Int(length)))
        }
        sax.characters = text
        sax.ignorableWhitespace = text
        sax.cdataBlock = text
        sax.comment = nil
        sax.processingInstruction = nil
        // Errors are kept in the context and read from there; nothing goes to stderr.
        sax.serror = { _, _ in }
        sax.warning = nil
        sax.error = nil
        sax.fatalError = nil
        guard let context = xmlCreatePushParserCtxt(&sax, nil, nil, 0, name) else {
            chunk.deallocate()
            throw Failure(line: 0, message: "cannot be read as XML (libxml2 could not start a parser)")
        }
        xmlCtxtUseOptions(context, XMLPushParser.options)
        shared = Shared(handler: handler)
        context.pointee._private = Unmanaged.passUnretained(shared).toOpaque()
        self.context = context
        self.input = input
    }

    deinit {
        if let document = context.pointee.myDoc { xmlFreeDoc(document) }
        xmlFreeParserCtxt(context)
        chunk.deallocate()
    }

    /// Parses the next chunk into the handler (the end of the document once the input is used
    /// up). Returns false when the document has ended; throws what went wrong, after the call
    /// that parsed what came before it.
    func parse() throws -> Bool {
        if let failure {
            self.failure = nil
            finished = true
            throw failure
        }
        guard !finished else { return false }
        guard let count = input.read(into: chunk) else {
            failure = Failure(line: line, message: "cannot be read (\(String(cString: strerror(errno))))")
            return true
        }
        let end: Int32 = count == 0 ? 1 : 0
        let status = chunk.baseAddress!.withMemoryRebound(to: CChar.self, capacity: count) {
            xmlParseChunk(context, $0, Int32(count), end)
        }
        if let thrown = shared.thrown {
            failure = thrown
            return true
        }
        if status != 0 || context.pointee.wellFormed == 0 {
            // The parser's own stack of open elements says whether the file stopped inside one.
            if end == 1, context.pointee.nameNr > 0 {
                failure = Failure(line: line, message: "not well-formed XML (the file ends inside an element); is the file complete?")
            } else {
                let detail = xmlCtxtGetLastError(context).flatMap { $0.pointee.message }.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown error"
                failure = Failure(line: line, message: "not well-formed XML (\(detail)); is the file complete?")
            }
            return true
        }
        if end == 1 { finished = true }
        return !finished
    }

    /// Parses the whole document into the handler, calling `drain` after each chunk (and before
    /// throwing) so that what the handler made is taken as it comes.
    func parseAll(_ drain: () throws -> Void) throws {
        var more = true
        while more {
            do {
                more = try parse()
            } catch {
                try drain()
                throw error
            }
            try drain()
        }
    }

    private var line: Int { Int(xmlSAX2GetLineNumber(context)) }

    /// Where a document's bytes come from, a chunk at a time.
    protocol Input: AnyObject {
        /// Fills `buffer` from the start: the bytes read, 0 at the end, nil on an error.
        func read(into buffer: UnsafeMutableRawBufferPointer) -> Int?
    }

    /// A file read through zlib, a megabyte per `read(2)` (libxml2's own file input reads 4 KB
    /// at a time, and those calls were a tenth of classifying a 150 MB file): zlib hands a file
    /// that is not gzip-compressed over as it is, and inflates one that is.
    final class FileInput: Input {
        private let file: gzFile

        init?(path: String) {
            guard let file = gzopen(path, "rb") else { return nil }
            gzbuffer(file, 1 << 20)
            self.file = file
        }

        deinit { gzclose(file) }

        func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
            let count = gzread(file, buffer.baseAddress, UInt32(buffer.count))
            return count < 0 ? nil : Int(count)
        }
    }

    /// A document already in memory, handed over a chunk at a time like a file.
    final class MemoryInput: Input {
        private let data: Data
        private var offset = 0

        init(_ data: Data) { self.data = data }

        func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
            let count = min(buffer.count, data.count - offset)
            guard count > 0 else { return 0 }
            data.withUnsafeBytes { bytes in
                buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            }
            offset += count
            return count
        }
    }
}

/// A document as a sequence of events with names and texts as strings: for the small documents
/// whose readers want every element (Ellisphère's reports). DILA's big files are read by a
/// handler of their own (`PCLAssembler`), which keeps only the texts it reads.
enum XMLEventReader {
    enum Event {
        case start(name: String, attributes: [String: String], line: Int)
        case text(String)
        case end(name: String)
    }

    typealias Failure = XMLPushParser.Failure

    /// Reads a document in memory, a chunk's events at a time.
    static func read(_ data: Data, name: String, _ handle: (Event) throws -> Void) throws {
        let collector = Collector()
        let parser = try XMLPushParser(XMLPushParser.MemoryInput(data), name: name, handler: collector)
        try parser.parseAll {
            for event in collector.events { try handle(event) }
            collector.events.removeAll(keepingCapacity: true)
        }
    }

    /// The events of the chunk being parsed.
    final class Collector: XMLContentHandler {
        var events: [Event] = []
        /// A name becomes a `String` once, not once per element.
        private var names = XMLNameTable<String>(limit: 4_096)

        func name(_ name: XMLName) -> String {
            names.value(for: name) { $0 }
        }

        func start(_ name: XMLName, attributes: XMLAttributes, line: Int) {
            events.append(.start(name: self.name(name), attributes: attributes.dictionary(name: self.name), line: line))
        }

        func characters(_ text: UnsafeBufferPointer<UInt8>) {
            events.append(.text(String(decoding: text, as: UTF8.self)))
        }

        func end(_ name: XMLName) {
            events.append(.end(name: self.name(name)))
        }
    }
}
