import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import VigieCore

/// Reads DILA's bulk BODACC files for collective procedures (`PCL_BXA….xml`): a
/// `PCL_REDIFF` root with the issue number and date, then one `annonce` per notice.
///
/// A streaming (SAX) parse: the file is never held as a tree, so a year of notices fits.
public enum DILAXMLDecoder {
    public static func decode(_ data: Data, file: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        let handler = PCLHandler(file: file)
        let parser = XMLParser(data: data)
        parser.delegate = handler
        parser.shouldProcessNamespaces = false
        if !parser.parse() {
            if let error = handler.error { throw error }
            let message = parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error"
            throw NoticeDecodingError(file: file, line: parser.lineNumber, message: "not well-formed XML (\(message)); is the file complete?")
        }
        if let error = handler.error { throw error }
        if let open = handler.openElement {
            throw NoticeDecodingError(file: file, line: parser.lineNumber, message: "not well-formed XML (the file ends inside <\(open)>); is the file complete?")
        }
        return handler.notices
    }
}

/// Collects the elements of each `annonce` as a flat path → text table, then maps it.
private final class PCLHandler: NSObject, XMLParserDelegate {
    let file: String
    var notices: [BodaccNotice] = []
    var error: NoticeDecodingError?

    private var path: [String] = []

    /// The element the document ended in, if it ended early.
    var openElement: String? { path.last }
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

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if path.isEmpty, name != "PCL_REDIFF" {
            let hint = name.hasPrefix("RCS") ? "; RCS files announce registrations, not collective procedures" : ""
            error = NoticeDecodingError(file: file, line: parser.lineNumber, message: "root element <\(name)> is not <PCL_REDIFF>: this reads DILA's PCL (procédures collectives) files\(hint)")
            parser.abortParsing()
            return
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

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        defer {
            path.removeLast()
            text = ""
        }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "&amp;", with: "&")
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
