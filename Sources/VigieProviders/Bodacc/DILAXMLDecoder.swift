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
        var notices: [BodaccNotice] = []
        try forEach(file: path) { notices.append($0) }
        return notices
    }

    /// Hands each notice to `body` as soon as its `annonce` ends: a file of any size is read in
    /// the memory of one notice.
    public static func forEach(file path: String, _ body: (BodaccNotice) throws -> Void) throws(NoticeDecodingError) {
        try assemble(file: path, body) { handle in try XMLEventReader.read(file: path, handle) }
    }

    public static func decode(_ data: Data, file: String) throws(NoticeDecodingError) -> [BodaccNotice] {
        var notices: [BodaccNotice] = []
        try assemble(file: file, { notices.append($0) }) { handle in try XMLEventReader.read(data, name: file, handle) }
        return notices
    }

    static func assemble(
        file: String, _ body: (BodaccNotice) throws -> Void, _ read: ((XMLEventReader.Event) throws -> Void) throws -> Void
    ) throws(NoticeDecodingError) {
        var assembler = PCLAssembler(file: file)
        do {
            try withoutActuallyEscaping(body) { body in
                try read { event in
                    try assembler.handle(event)
                    guard !assembler.notices.isEmpty else { return }
                    for notice in assembler.notices { try body(notice) }
                    assembler.notices.removeAll(keepingCapacity: true)
                }
            }
        } catch {
            throw NoticeDecodingError.reading(file, error)
        }
    }
}

extension DILAXMLDecoder {
    /// A file's notices asked for one at a time (`next()`), read as they are asked: an import
    /// awaits the store between two batches without ever holding the file's notices.
    public final class Stream {
        private let pull: XMLEventReader.Pull
        private var assembler: PCLAssembler
        private let file: String

        public init(file path: String) throws(NoticeDecodingError) {
            do {
                pull = try XMLEventReader.Pull(file: path)
            } catch {
                throw NoticeDecodingError.reading(path, error)
            }
            assembler = PCLAssembler(file: path)
            file = path
        }

        public func next() throws(NoticeDecodingError) -> BodaccNotice? {
            do {
                while assembler.notices.isEmpty {
                    guard let event = try pull.next() else { return nil }
                    try assembler.handle(event)
                }
                return assembler.notices.removeFirst()
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
        case let error as XMLEventReader.Failure: NoticeDecodingError(file: file, line: error.line, message: error.message)
        default: NoticeDecodingError(file: file, message: "\(error)")
        }
    }
}

/// Collects the elements of each `annonce` that Vigie reads, then maps them.
struct PCLAssembler {
    /// One event of the reader: an element opened, its text, its end.
    mutating func handle(_ event: XMLEventReader.Event) throws {
        switch event {
        case .start(let name, _, let line): try start(name, line: line)
        case .text(let text): self.text(text)
        case .end(let name): end(name)
        }
    }

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
    var notices: [BodaccNotice] = []
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
