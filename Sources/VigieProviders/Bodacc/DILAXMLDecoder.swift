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

/// Collects the elements of each `annonce` as a flat parent/child → text table, then maps it.
struct PCLAssembler {
    let file: String
    private(set) var notices: [BodaccNotice] = []
    private var path: [String] = []
    private var text = ""
    private var issue: String?
    private var issueDate: CalendarDay?
    private var fields: [String: String] = [:]
    private var firstNames: [String] = []
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
            fields = [:]
            firstNames = []
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
        var value = text.trimmed
        if value.includes("&amp;") { value = value.replacingOccurrences(of: "&amp;", with: "&") }
        if !inNotice {
            if name == "parution" { issue = value }
            if name == "dateParution" { issueDate = FrenchDate.parse(value) }
            return
        }
        if name == "annonce" {
            inNotice = false
            notices.append(notice())
            return
        }
        guard !value.isEmpty else { return }
        if name == "prenom" {
            firstNames.append(value)
            return
        }
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        fields["\(parent)/\(name)"] = value
    }

    private func notice() -> BodaccNotice {
        let number = fields["annonce/numeroAnnonce"] ?? ""
        let id = BodaccNotice.officialID(publication: "A", issue: issue ?? "", number: number, issueYear: issueDate?.year)
            ?? "BODACC-\(issueDate?.iso ?? "undated")-\(number)"
        let name = fields["personneMorale/denomination"]
            ?? fields["personnePhysique/nom"].map { ([$0] + firstNames).joined(separator: ", ") }
        let sirens = [fields["numeroImmatriculation/numeroIdentificationRCS"]].compactMap { $0 }.compactMap { try? SIREN($0) }
        let rawDate = fields["jugement/date"]
        let date = rawDate.flatMap(FrenchDate.parse)
        let judgment = Judgment(
            famille: fields["jugement/famille"], nature: fields["jugement/nature"], date: date,
            rawDate: date == nil ? rawDate : nil, complement: fields["jugement/complementJugement"]
        )
        var supersedes: String?
        if let previousIssue = fields["parutionAvisPrecedent/numeroParution"], let previousNumber = fields["parutionAvisPrecedent/numeroAnnonce"] {
            supersedes = BodaccNotice.officialID(
                publication: fields["parutionAvisPrecedent/nomPublication"] ?? "A", issue: previousIssue, number: previousNumber,
                issueYear: fields["parutionAvisPrecedent/dateParution"].flatMap(FrenchDate.parse)?.year
            )
        }
        return BodaccNotice(
            id: id, kind: kind, published: issueDate, sirens: sirens, companyName: name,
            tribunal: fields["annonce/tribunal"], city: fields["france/ville"], postalCode: fields["france/codePostal"],
            judgment: judgment, supersedes: supersedes
        )
    }
}
