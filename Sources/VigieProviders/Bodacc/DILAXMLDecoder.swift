import CLibXML2
import Foundation
import VigieCore

/// Reads DILA's bulk BODACC files for collective procedures (`PCL_BXA….xml`): a
/// `PCL_REDIFF` root with the issue number and date, then one `annonce` per notice.
///
/// libxml2's streaming reader, with no size limit: a file is never held as a tree, so a
/// year of notices fits in little memory. (Foundation's `XMLParser` on Linux stops at
/// libxml2's 10 MB default limit.)
public enum DILAXMLDecoder {
    public static func decode(file path: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        guard let reader = xmlReaderForFile(path, nil, options) else {
            throw NoticeDecodingError(file: path, message: "cannot be opened as XML; check the path and permissions")
        }
        return try read(reader, file: path)
    }

    public static func decode(_ data: Data, file: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        let reader = data.withUnsafeBytes { bytes in
            xmlReaderForMemory(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), file, nil, options)
        }
        guard let reader else { throw NoticeDecodingError(file: file, message: "cannot be read as XML") }
        return try read(reader, file: file)
    }

    /// No network, no entity expansion from outside, no size limit.
    static let options = Int32(XML_PARSE_HUGE.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)

    static func read(_ reader: xmlTextReaderPtr, file: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        defer { xmlFreeTextReader(reader) }
        var assembler = PCLAssembler(file: file)
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            let line = Int(xmlTextReaderGetParserLineNumber(reader))
            guard status == 1 else {
                let detail = xmlGetLastError().flatMap { $0.pointee.message }.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown error"
                throw NoticeDecodingError(file: file, line: line, message: "not well-formed XML (\(detail)); is the file complete?")
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let name = String(cString: xmlTextReaderConstLocalName(reader))
                try assembler.start(name, line: line)
                if xmlTextReaderIsEmptyElement(reader) == 1 { assembler.end(name) }
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
                if let value = xmlTextReaderConstValue(reader) { assembler.text(String(cString: value)) }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                assembler.end(String(cString: xmlTextReaderConstLocalName(reader)))
            default:
                continue
            }
        }
        if let open = assembler.openElement {
            throw NoticeDecodingError(file: file, line: Int(xmlTextReaderGetParserLineNumber(reader)), message: "not well-formed XML (the file ends inside <\(open)>); is the file complete?")
        }
        return assembler.notices
    }
}

/// Collects the elements of each `annonce` that Vigie reads, then maps them.
struct PCLAssembler {
    /// The values of one `annonce`, by the element that holds them.
    private struct Fields {
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

    let file: String
    private(set) var notices: [BodaccNotice] = []
    private var path: [String] = []
    private var text = ""
    private var issue: String?
    private var issueDate: CalendarDay?
    private var fields = Fields()
    private var kind: BodaccNotice.Kind = .initial
    private var inNotice = false

    init(file: String) {
        self.file = file
    }

    /// The element the document ended in, if it ended early.
    var openElement: String? { path.last }

    mutating func start(_ name: String, line: Int) throws(NoticeDecodingError) {
        if path.isEmpty, name != "PCL_REDIFF" {
            let hint = name.hasPrefix("RCS") ? "; RCS files announce registrations, not collective procedures" : ""
            throw NoticeDecodingError(file: file, line: line, message: "root element <\(name)> is not <PCL_REDIFF>: this reads DILA's PCL (procédures collectives) files\(hint)")
        }
        path.append(name)
        text = ""
        if name == "annonce" {
            inNotice = true
            fields = Fields()
            kind = .initial
        } else if inNotice, path.count >= 2, path[path.count - 2] == "typeAnnonce" {
            kind = name == "rectificatif" ? .rectificatif : name == "annulation" ? .annulation : .initial
        }
    }

    mutating func text(_ string: String) {
        text += string
    }

    mutating func end(_ name: String) {
        defer {
            path.removeLast()
            text = ""
        }
        if name == "annonce" {
            inNotice = false
            notices.append(notice())
            return
        }
        guard !text.isEmpty else { return }
        var value = text.trimmed
        guard !value.isEmpty else { return }
        if value.includes("&amp;") { value = value.replacingOccurrences(of: "&amp;", with: "&") }
        guard inNotice else {
            if name == "parution" { issue = value }
            if name == "dateParution" { issueDate = FrenchDate.parse(value) }
            return
        }
        switch (path.count >= 2 ? path[path.count - 2] : "", name) {
        case ("annonce", "numeroAnnonce"): fields.number = value
        case ("annonce", "tribunal"): fields.tribunal = value
        case ("personneMorale", "denomination"): fields.denomination = value
        case ("personnePhysique", "nom"): fields.lastName = value
        case ("personnePhysique", "prenom"): fields.firstNames.append(value)
        case ("numeroImmatriculation", "numeroIdentificationRCS"): fields.registration = value
        case ("france", "ville"): fields.city = value
        case ("france", "codePostal"): fields.postalCode = value
        case ("jugement", "famille"): fields.famille = value
        case ("jugement", "nature"): fields.nature = value
        case ("jugement", "date"): fields.date = value
        case ("jugement", "complementJugement"): fields.complement = value
        case ("parutionAvisPrecedent", "nomPublication"): fields.previousPublication = value
        case ("parutionAvisPrecedent", "numeroParution"): fields.previousIssue = value
        case ("parutionAvisPrecedent", "dateParution"): fields.previousDate = value
        case ("parutionAvisPrecedent", "numeroAnnonce"): fields.previousNumber = value
        default: break
        }
    }

    private func notice() -> BodaccNotice {
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
