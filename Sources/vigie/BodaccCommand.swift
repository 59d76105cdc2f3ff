import ArgumentParser
import Foundation
import Logging
import VigieRuntime
import VigieCore
import VigieProviders

struct BodaccCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bodacc",
        abstract: "Read BODACC collective-procedure notices.",
        subcommands: [Classify.self, Import.self]
    )

    struct Classify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify every notice in BODACC files: what happened, to which procedure, how severe.",
            discussion: """
                Reads DILA bulk XML (PCL_BXA….xml, or gzip-compressed: PCL_BXA….xml.gz), Opendatasoft API responses and exports (JSON, JSON lines), and the older v1 format. Prints one result per notice; a notice whose nature Vigie does not know is printed as `unclassified` with its raw text.

                jsonl fields: notice_id, notice_type, sirens, company, published, judgment_date, famille, nature, event, procedure, from_procedure, status_after, severity, detail, supersedes, url.

                Examples:
                  vigie bodacc classify data/bodacc/dila-PCL_BXA20080010.xml
                  vigie bodacc classify export.jsonl --format jsonl
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, jsonl
        }

        @Argument(help: ArgumentHelp("BODACC files to read.", valueName: "file"))
        var files: [String]

        @Option(name: .long, help: "Output format: text (aligned, for people) or jsonl (one object per line).")
        var format: Format = .text

        func run() async throws {
            var output = OutputBuffer()
            var failed = false
            for file in files {
                // Each notice is printed as it is read: a file of any size, in the memory of one.
                do {
                    try NoticeFileReader.forEach(path: file) { notice in
                        let result = ClassifiedNotice(notice: notice, classification: NoticeClassifier.classify(notice))
                        switch format {
                        case .jsonl: output.line(result.jsonLine)
                        case .text: output.line(result.text)
                        }
                    }
                } catch {
                    output.flush()
                    printError("vigie: \(error)")
                    failed = true
                }
            }
            output.flush()
            if failed { throw ExitCode(1) }
        }
    }
}

extension BodaccCommand {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Backfill BODACC notices from files and alert on those about watched companies.",
            discussion: """
                Reads DILA bulk XML (gzip-compressed too) and Opendatasoft JSON or JSON-lines exports. Notices about companies on your watchlists are tracked as the live feed would (procedure status, alerts, and deliveries through your channels); notices already seen are skipped. An interrupted import resumes after its last committed batch; a file imported in full is skipped.

                Example:
                  vigie bodacc import PCL_BXA20260010.xml PCL_BXA20260011.xml
                """
        )

        @Argument(help: ArgumentHelp("BODACC files to import, in order.", valueName: "file"))
        var files: [String]

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            options.bootstrapLogging(default: .warning)
            let application = try await VigieApplication(configuration: try options.load(), logger: Logger(label: "vigie"))
            defer { application.shutdown() }
            let terminal = isatty(STDERR_FILENO) == 1
            let report: NoticeImporter.Report
            do {
                report = try await application.importer().run(files: files) { progress in
                    guard terminal else { return }
                    let elapsed = max(SystemWallClock().now.timeIntervalSince(progress.started), 0.001)
                    let rate = Double(progress.done) / elapsed
                    let eta = rate > 0 ? Int(Double(progress.total - progress.done) / rate) : 0
                    let line = "\r\u{1B}[2K[\(progress.fileIndex)/\(progress.files)] \(progress.done)/\(progress.total) notices · \(Int(rate))/s · ETA \(eta) s · \(progress.alertsRaised) alerts"
                    FileHandle.standardError.write(Data(line.utf8))
                }
            } catch {
                printError("vigie: \(error)")
                throw ExitCode(1)
            }
            if terminal { printError("") }
            _ = try await application.dispatcher.drain()
            print("\(counted(report.notices, "notice")) read, \(report.matched) about watched companies, \(counted(report.alertsRaised, "alert")) raised\(report.skippedFiles > 0 ? ", \(counted(report.skippedFiles, "file")) already imported" : "")")
        }
    }
}

/// One classified notice, as `bodacc classify` prints it.
struct ClassifiedNotice: Encodable {
    var noticeID: String
    var noticeType: String
    var sirens: [String]
    var company: String?
    var published: String?
    var judgmentDate: String?
    var famille: String?
    var nature: String?
    var event: String
    var procedure: String?
    var fromProcedure: String?
    var statusAfter: String?
    var severity: String
    var detail: String?
    var supersedes: String?
    var url: String?

    init(notice: BodaccNotice, classification: NoticeClassification) {
        noticeID = notice.id
        noticeType = notice.kind.rawValue
        sirens = notice.sirens.map(\.digits)
        company = notice.companyName
        published = notice.published?.iso
        judgmentDate = notice.judgment?.date?.iso
        famille = notice.judgment?.famille
        nature = classification.nature
        event = classification.event.rawValue
        procedure = classification.procedure?.rawValue
        fromProcedure = classification.fromProcedure?.rawValue
        statusAfter = classification.statusAfter?.rawValue
        severity = classification.severity.rawValue
        detail = classification.detail
        supersedes = notice.supersedes
        url = notice.pageURL
    }

    enum CodingKeys: String, CodingKey {
        case noticeID = "notice_id", noticeType = "notice_type", sirens, company, published
        case judgmentDate = "judgment_date", famille, nature, event, procedure, fromProcedure = "from_procedure"
        case statusAfter = "status_after", severity, detail, supersedes, url
    }

    /// Every key is written, null included, so that consumers see a fixed set of fields.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(noticeID, forKey: .noticeID)
        try container.encode(noticeType, forKey: .noticeType)
        try container.encode(sirens, forKey: .sirens)
        try container.encode(company, forKey: .company)
        try container.encode(published, forKey: .published)
        try container.encode(judgmentDate, forKey: .judgmentDate)
        try container.encode(famille, forKey: .famille)
        try container.encode(nature, forKey: .nature)
        try container.encode(event, forKey: .event)
        try container.encode(procedure, forKey: .procedure)
        try container.encode(fromProcedure, forKey: .fromProcedure)
        try container.encode(statusAfter, forKey: .statusAfter)
        try container.encode(severity, forKey: .severity)
        try container.encode(detail, forKey: .detail)
        try container.encode(supersedes, forKey: .supersedes)
        try container.encode(url, forKey: .url)
    }

    /// The same object as `encode(to:)` with sorted keys, written directly: the output of a
    /// hundred thousand notices spent a third of its time in `JSONEncoder`.
    /// The notice's JSON line, as bytes: `bodacc classify` writes a hundred thousand of them.
    var jsonLine: [UInt8] {
        var line = JSONLine()
        line.field("company", company)
        line.field("detail", detail)
        line.field("event", event)
        line.field("famille", famille)
        line.field("from_procedure", fromProcedure)
        line.field("judgment_date", judgmentDate)
        line.field("nature", nature)
        line.field("notice_id", noticeID)
        line.field("notice_type", noticeType)
        line.field("procedure", procedure)
        line.field("published", published)
        line.field("severity", severity)
        line.field("sirens", sirens)
        line.field("status_after", statusAfter)
        line.field("supersedes", supersedes)
        line.field("url", url)
        return line.utf8()
    }

    var text: String {
        let change = [procedure.map { (fromProcedure.map { "\($0)→" } ?? "") + $0 }, statusAfter.map { "now \($0)" }].compactMap { $0 }.joined(separator: ", ")
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        return [
            pad(noticeID, 22),
            published ?? "----------",
            pad(sirens.first ?? "-", 9),
            pad(severity, 8),
            pad(event, 20),
            change.isEmpty ? "-" : change,
            "| \(nature ?? "")" + (noticeType == "initial" ? "" : " [\(noticeType)\(supersedes.map { " of \($0)" } ?? "")]"),
        ].joined(separator: "  ")
    }
}
