import Foundation
import VigieCore

/// Reads DILA's bulk BODACC files for collective procedures (`PCL_BXA….xml`): a
/// `PCL_REDIFF` root with the issue number and date, then one `annonce` per notice.
///
/// libxml2's push parser, with no size limit: a file is never held as a tree, so a year of
/// notices fits in little memory. (Foundation's `XMLParser` on Linux stops at libxml2's 10 MB
/// default limit.)
public enum DILAXMLDecoder {
    public static func decode(file path: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        var notices: [BodaccNotice] = []
        try forEach(file: path) { notices.append($0) }
        return notices
    }

    /// Hands each notice to `body` as soon as the chunk that ends it is parsed: a file of any
    /// size is read in the memory of a few chunks' notices. The file is parsed on a thread of its
    /// own, a few chunks ahead of `body`, which runs on the caller's.
    public static func forEach(file path: String, _ body: (BodaccNotice) throws -> Void) throws(NoticeDecodingError) {
        do {
            try ReadAhead.run(
                produce: { send in try parse(file: path, send) },
                consume: { annonces in for annonce in annonces { try body(annonce.notice) } }
            )
        } catch {
            throw NoticeDecodingError.reading(path, error)
        }
    }

    public static func decode(_ data: Data, file: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        var notices: [BodaccNotice] = []
        do {
            try assemble(file: file, { notices.append(contentsOf: $0.lazy.map(\.notice)) }) { handler in try XMLPushParser(XMLPushParser.MemoryInput(data), name: file, handler: handler) }
        } catch {
            throw NoticeDecodingError.reading(file, error)
        }
        return notices
    }

    /// Parses a whole file, as `assemble` does; what both readers of a file run on their thread.
    static func parse(file path: String, _ batch: ([PCLAssembler.Annonce]) throws -> Void) throws {
        try assemble(file: path, batch) { handler in try XMLPushParser(file: path, handler: handler) }
    }

    /// Parses a whole document, handing over the notices each chunk completed, as read: made
    /// into notices by whoever takes them (`notice`), on the other thread when reading ahead.
    static func assemble(file: String, _ batch: ([PCLAssembler.Annonce]) throws -> Void, _ parser: (PCLHandler) throws -> XMLPushParser) throws {
        let handler = PCLHandler(file: file)
        try parser(handler).parseAll {
            guard !handler.assembler.annonces.isEmpty else { return }
            try batch(handler.assembler.annonces)
            handler.assembler.annonces.removeAll(keepingCapacity: true)
        }
    }
}

extension DILAXMLDecoder {
    /// A file's notices asked for one at a time (`next()`), read a chunk at a time as they are
    /// asked: an import awaits the store between two batches without ever holding the file's
    /// notices. The file is parsed on a thread of its own, a few chunks ahead of `next()`.
    public final class Stream {
        private let reader: ReadAhead.Reader<[PCLAssembler.Annonce]>
        private let file: String
        /// The chunk's notices being handed over, and the next one to hand over.
        private var annonces: [PCLAssembler.Annonce] = []
        private var head = 0

        public init(file path: String) {
            file = path
            reader = ReadAhead.Reader { send in try parse(file: path, send) }
        }

        public func next() throws(NoticeDecodingError) -> BodaccNotice? {
            do {
                while head == annonces.count {
                    guard let next = try reader.next() else { return nil }
                    annonces = next
                    head = 0
                }
                defer { head += 1 }
                return annonces[head].notice
            } catch {
                throw NoticeDecodingError.reading(file, error)
            }
        }
    }
}

extension NoticeDecodingError {
    /// What went wrong reading a DILA file, at its line when the XML reader says.
    static func reading(_ file: String, _ error: any Error) -> NoticeDecodingError {
        switch error {
        case let error as NoticeDecodingError: error
        case let error as XMLPushParser.Failure: NoticeDecodingError(file: file, line: error.line, message: error.message)
        default: NoticeDecodingError(file: file, message: "\(error)")
        }
    }
}

/// What the parser tells a DILA file's assembler through: the assembler is a value, changed in
/// place by each callback, instead of a class whose every property a method touches would be
/// checked for exclusive access (those checks were a tenth of classifying a file). The one
/// property left is not checked either: only the parser's thread calls the handler, and takes
/// the notices between two chunks (4 % of reading a file went to checking it).
final class PCLHandler: XMLContentHandler {
    @exclusivity(unchecked) var assembler: PCLAssembler

    init(file: String) { assembler = PCLAssembler(file: file) }

    func start(_ name: XMLName, attributes: XMLAttributes, line: Int) throws { try assembler.start(name, line: line) }
    func characters(_ text: UnsafeBufferPointer<UInt8>) { assembler.characters(text) }
    func end(_ name: XMLName) { assembler.end(name) }
}

/// Collects the elements of each `annonce` that Vigie reads, then maps them. Told by the
/// parser: elements are recognised by their interned name, and only the text of an element
/// Vigie reads is kept, as bytes, until the element ends.
struct PCLAssembler {
    /// The elements Vigie reads or finds its way by; every other is `other`.
    enum Tag: String {
        case other
        case PCL_REDIFF, parution, dateParution, annonce, typeAnnonce, rectificatif, annulation
        case numeroAnnonce, tribunal, personneMorale, denomination, personnePhysique, nom, prenom
        case numeroImmatriculation, numeroIdentificationRCS, france, ville, codePostal
        case jugement, famille, nature, date, complementJugement
        case parutionAvisPrecedent, nomPublication, numeroParution
    }

    /// The values of one `annonce`, by the element that holds them.
    fileprivate struct Fields {
        var number: String?
        var tribunal: String?
        var denomination: String?
        var lastName: String?
        var firstNames: [String] = []
        var registration: String?
        var city: String?
        var postalCode: String?
        var famille: String?
        var nature: String?
        var date: String?
        var complement: String?
        var previousPublication: String?
        var previousIssue: String?
        var previousDate: String?
        var previousNumber: String?
    }

    /// Where an element's text goes: by the element and the one that holds it.
    fileprivate enum Field {
        case issue, issueDate
        case number, tribunal, denomination, lastName, firstName, registration, city, postalCode
        case famille, nature, date, complement
        case previousPublication, previousIssue, previousDate, previousNumber
    }

    let file: String
    /// The notices ended since the last were taken.
    var annonces: [Annonce] = []
    private var path: [Tag] = []
    /// The notice being read: the text of the elements Vigie reads, kept as bytes.
    private var current = Annonce()
    /// Where the text of the element being read starts in `current.text`, when Vigie reads it
    /// (`field`).
    private var textStart = 0
    private var field: Field?
    private var issue: String?
    private var issueDate: CalendarDay?
    private var inNotice = false
    /// Tags by the parser's interned name: a name is looked up once per file.
    private var tags = XMLNameTable<Tag>(limit: 1_024)

    init(file: String) {
        self.file = file
    }

    private mutating func tag(_ name: XMLName) -> Tag {
        tags.value(for: name) { Tag(rawValue: $0) ?? .other }
    }

    /// The field the text of `tag` fills, inside `parent`.
    private func field(_ tag: Tag, in parent: Tag?) -> Field? {
        guard inNotice else {
            switch tag {
            case .parution: return .issue
            case .dateParution: return .issueDate
            default: return nil
            }
        }
        switch (parent, tag) {
        case (.annonce, .numeroAnnonce): return .number
        case (.annonce, .tribunal): return .tribunal
        case (.personneMorale, .denomination): return .denomination
        case (.personnePhysique, .nom): return .lastName
        case (.personnePhysique, .prenom): return .firstName
        case (.numeroImmatriculation, .numeroIdentificationRCS): return .registration
        case (.france, .ville): return .city
        case (.france, .codePostal): return .postalCode
        case (.jugement, .famille): return .famille
        case (.jugement, .nature): return .nature
        case (.jugement, .date): return .date
        case (.jugement, .complementJugement): return .complement
        case (.parutionAvisPrecedent, .nomPublication): return .previousPublication
        case (.parutionAvisPrecedent, .numeroParution): return .previousIssue
        case (.parutionAvisPrecedent, .dateParution): return .previousDate
        case (.parutionAvisPrecedent, .numeroAnnonce): return .previousNumber
        default: return nil
        }
    }

    mutating func start(_ name: XMLName, line: Int) throws(NoticeDecodingError) {
        let tag = tag(name)
        if path.isEmpty, tag != .PCL_REDIFF {
            let name = name.string
            let hint = name.hasPrefix("RCS") ? "; RCS files announce registrations, not collective procedures" : ""
            throw NoticeDecodingError(file: file, line: line, message: "root element <\(name)> is not <PCL_REDIFF>: this reads DILA's PCL (procédures collectives) files\(hint)")
        }
        let parent = path.last
        path.append(tag)
        // The parent's text before a child is not its value. (Most elements have none: the
        // array is not touched for them.)
        if current.text.count > textStart { current.text.removeSubrange(textStart...) }
        if tag == .annonce {
            inNotice = true
            current = Annonce(issue: issue, issueDate: issueDate)
            textStart = 0
        } else if inNotice, parent == .typeAnnonce {
            current.kind = tag == .rectificatif ? .rectificatif : tag == .annulation ? .annulation : .initial
        }
        field = field(tag, in: parent)
    }

    mutating func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        if field != nil { current.text.append(contentsOf: bytes) }
    }

    mutating func end(_ name: XMLName) {
        let tag = path.removeLast()
        defer {
            textStart = current.text.count
            // Text after a child element belongs to its parent again.
            field = path.last.flatMap { field($0, in: path.count >= 2 ? path[path.count - 2] : nil) }
        }
        if tag == .annonce {
            inNotice = false
            annonces.append(current)
            current = Annonce()
            return
        }
        guard let field else { return }
        guard inNotice else {
            let value = current.text.withUnsafeBufferPointer { Annonce.value(UnsafeBufferPointer(rebasing: $0[textStart...])) }
            current.text.removeSubrange(textStart...)
            switch field {
            case .issue: if let value { issue = value }
            case .issueDate: if let value { issueDate = FrenchDate.parse(value) }
            default: break
            }
            return
        }
        current.values.append((field, textStart..<current.text.count))
    }

    /// One `annonce` as read, made into a notice by `notice`: a notice's identifiers, dates
    /// and name are made by whoever takes it, not by the parser's thread.
    struct Annonce: Sendable {
        var kind: BodaccNotice.Kind = .initial
        var issue: String?
        var issueDate: CalendarDay?
        /// The text of every element read, one after the other, untrimmed.
        fileprivate var text: [UInt8] = []
        /// Where each element's text is in `text`, in the order they were read.
        fileprivate var values: [(Field, Range<Int>)] = []

        fileprivate init(issue: String? = nil, issueDate: CalendarDay? = nil) {
            self.issue = issue
            self.issueDate = issueDate
        }

        /// The values by the element that holds them; an element with no text leaves a value
        /// read before it.
        private var fields: Fields {
            var fields = Fields()
            text.withUnsafeBufferPointer { text in
                for (field, range) in values {
                    guard let value = Self.value(UnsafeBufferPointer(rebasing: text[range])) else { continue }
                    switch field {
                    case .issue, .issueDate: break
                    case .number: fields.number = value
                    case .tribunal: fields.tribunal = value
                    case .denomination: fields.denomination = value
                    case .lastName: fields.lastName = value
                    case .firstName: fields.firstNames.append(value)
                    case .registration: fields.registration = value
                    case .city: fields.city = value
                    case .postalCode: fields.postalCode = value
                    case .famille: fields.famille = value
                    case .nature: fields.nature = value
                    case .date: fields.date = value
                    case .complement: fields.complement = value
                    case .previousPublication: fields.previousPublication = value
                    case .previousIssue: fields.previousIssue = value
                    case .previousDate: fields.previousDate = value
                    case .previousNumber: fields.previousNumber = value
                    }
                }
            }
            return fields
        }

        /// An element's text, trimmed, nil when there is none; DILA escapes `&` twice
        /// (`&amp;amp;`), so a remaining `&amp;` is an ampersand.
        fileprivate static func value(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
            var start = 0, end = bytes.count
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x0A || bytes[start] == 0x09 || bytes[start] == 0x0D { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x0A || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D { end -= 1 }
            guard start < end else { return nil }
            let trimmed = UnsafeBufferPointer(rebasing: bytes[start..<end])
            // Other white space (a no-break space) is trimmed as before, by `trimmed`.
            var value = String(decoding: trimmed, as: UTF8.self).trimmed
            guard !value.isEmpty else { return nil }
            if trimmed.contains(UInt8(ascii: "&")), value.includes("&amp;") { value = value.replacingOccurrences(of: "&amp;", with: "&") }
            return value
        }

        var notice: BodaccNotice {
            let fields = fields
            let number = fields.number ?? ""
            let id = BodaccNotice.officialID(publication: "A", issue: issue ?? "", number: number, issueYear: issueDate?.year)
                ?? "BODACC-\(issueDate?.iso ?? "undated")-\(number)"
            let name = fields.denomination ?? fields.lastName.map { ([$0] + fields.firstNames).joined(separator: ", ") }
            let date = fields.date.flatMap(FrenchDate.parse)
            let judgment = Judgment(
                famille: fields.famille, nature: fields.nature, date: date,
                rawDate: date == nil ? fields.date : nil, complement: fields.complement
            )
            var supersedes: String?
            if let previousIssue = fields.previousIssue, let previousNumber = fields.previousNumber {
                supersedes = BodaccNotice.officialID(
                    publication: fields.previousPublication ?? "A", issue: previousIssue, number: previousNumber,
                    issueYear: fields.previousDate.flatMap(FrenchDate.parse)?.year
                )
            }
            return BodaccNotice(
                id: id, kind: kind, published: issueDate, sirens: fields.registration.flatMap { try? SIREN($0) }.map { [$0] } ?? [],
                companyName: name, tribunal: fields.tribunal, city: fields.city, postalCode: fields.postalCode,
                judgment: judgment, supersedes: supersedes
            )
        }
    }
}
