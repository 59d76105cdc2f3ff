import Foundation
import Testing
import VigieCore
import VigieProviders
import VigieTestSupport

@Suite("Decoding real BODACC notices")
struct BodaccDecodingTests {
    static func read(_ path: String) throws -> [BodaccNotice] {
        try NoticeFileReader.read(path: RepositoryData.url(path).path)
    }

    /// The classification the reference table gives, for notices whose nature is not "Autre…".
    static func checkAgainstTable(_ notices: [BodaccNotice]) {
        for notice in notices {
            let classification = NoticeClassifier.classify(notice)
            #expect(classification.event != .unclassified, "\(notice.id): \(notice.judgment?.nature ?? "-")")
            guard notice.kind != .annulation, let nature = notice.judgment?.nature, !nature.hasPrefix("Autre") else { continue }
            guard let expected = ExpectedClassifications.byNature[nature] else {
                Issue.record("nature not in the reference table: \(nature)")
                continue
            }
            #expect(classification.event == expected.event, "\(notice.id)")
            #expect(classification.procedure == expected.procedure, "\(notice.id)")
            #expect(classification.statusAfter == expected.status, "\(notice.id)")
            #expect(classification.severity == expected.severity, "\(notice.id)")
        }
    }

    @Test("the 123 sample notices: every one decoded and classified, rectificatifs and the annulation included")
    func sample() throws {
        let notices = try Self.read("bodacc/collective-notices-sample.json")
        #expect(notices.count == 123)
        #expect(notices.filter { $0.kind == .initial }.count == 117)
        #expect(notices.filter { $0.kind == .rectificatif }.count == 5)
        #expect(notices.filter { $0.kind == .annulation }.count == 1)
        #expect(Set(notices.map(\.id)).count == 123, "ids are unique")
        #expect(Set(notices.compactMap(\.judgment?.nature)).count == 40)
        Self.checkAgainstTable(notices)

        let first = try #require(notices.first)
        #expect(first.id == "BODACC-2026-02-02-5130")
        #expect(first.pageURL == nil, "the sample lost the official ids: no page is invented")
        #expect(first.sirens.map(\.digits) == ["891541070"])
        #expect(first.companyName == "ORIGINAL BARBER")
        #expect(first.published == CalendarDay(year: 2026, month: 2, day: 2))
        #expect(first.judgment?.date == CalendarDay(year: 2026, month: 1, day: 20))

        let annulation = try #require(notices.first { $0.kind == .annulation })
        #expect(annulation.companyName == "V.P.C.S.")
        #expect(NoticeClassifier.classify(annulation).event == .noticeCancelled)
        #expect(notices.filter { $0.sirens.isEmpty }.count == 5, "unregistered sole traders have no SIREN")
    }

    @Test("the DILA bulk file: 943 notices, 200 rectificatifs pointing at what they correct, old French dates")
    func dilaPCL() throws {
        let notices = try Self.read("bodacc/dila-PCL_BXA20080010.xml")
        #expect(notices.count == 943)
        let rectificatifs = notices.filter { $0.kind == .rectificatif }
        #expect(rectificatifs.count == 200)
        #expect(rectificatifs.allSatisfy { $0.supersedes != nil })
        Self.checkAgainstTable(notices)

        let first = try #require(notices.first)
        #expect(first.id == "A20080010605")
        #expect(first.pageURL == "https://www.bodacc.fr/pages/annonces-commerciales-detail/?q.id=id:A20080010605")
        #expect(first.companyName == "CHAMIOT CLERC, Alain")
        #expect(first.sirens.isEmpty)
        #expect(first.judgment?.date == CalendarDay(year: 2007, month: 12, day: 21))
        #expect(first.published == CalendarDay(year: 2008, month: 1, day: 16))
        #expect(first.tribunal == "TRIBUNAL DE GRANDE INSTANCE DE BOURG-EN-BRESSE")

        let cannes = try #require(notices.first { $0.id == "A20080010620" })
        #expect(cannes.kind == .rectificatif)
        #expect(cannes.companyName == "A S CONSTRUCTION & RENOVATION")
        #expect(cannes.sirens.map(\.digits) == ["453752099"])
        #expect(cannes.supersedes == "A20070234" + "40", "issue 00000234 of 5 décembre 2007, notice 40")
        #expect(notices.filter { $0.judgment?.date == nil }.count == 5, "five filings carry no judgment date")
    }

    @Test("the DILA file gzip-compressed reads as the same notices, through the stream too")
    func dilaGzip() throws {
        let plain = RepositoryData.url("bodacc/dila-PCL_BXA20080010.xml")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-gzip-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let compressed = folder.appendingPathComponent("PCL_BXA20080010.xml.gz")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c \"$0\" > \"$1\"", plain.path, compressed.path]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(try Data(contentsOf: compressed).prefix(2) == Data([0x1F, 0x8B]))
        let expected = try NoticeFileReader.read(path: plain.path)
        #expect(try NoticeFileReader.read(path: compressed.path) == expected)
        let stream = try NoticeFileReader.Stream(path: compressed.path)
        #expect(stream.count == expected.count)
        var streamed: [BodaccNotice] = []
        while let notice = try stream.next() { streamed.append(notice) }
        #expect(streamed == expected)
    }

    @Test("the DILA file cut anywhere is refused at a line, never read short, never a crash")
    func dilaTruncated() throws {
        let data = try Data(contentsOf: RepositoryData.url("bodacc/dila-PCL_BXA20080010.xml"))
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
        var random = SplitMix(state: 14)
        for _ in 0..<64 {
            let cut = Int(random.next() % UInt64(data.count - 1)) + 1
            do {
                let notices = try DILAXMLDecoder.decode(data.prefix(cut), file: "cut.xml")
                Issue.record("cut at byte \(cut) of \(data.count) read as \(notices.count) notices")
            } catch {
                let line = try #require(error.line, "cut at byte \(cut): \(error)")
                #expect(line >= 1 && line <= lines, "cut at byte \(cut): \(error)")
                #expect(error.description.hasPrefix("cut.xml:\(line): not well-formed XML"), "\(error)")
            }
        }
    }

    @Test("RCS-A files are refused with a reason")
    func rcsRefused() {
        do {
            _ = try Self.read("bodacc/dila-RCS-A_BXA20210005.xml")
            Issue.record("an RCS-A file was read as procedures")
        } catch {
            #expect("\(error)".contains("is not <PCL_REDIFF>"))
            #expect("\(error)".contains("RCS files announce registrations"))
        }
    }

    @Test("the v1 envelope: comma-joined registre, ids, radiations and filed accounts")
    func v1Envelope() throws {
        let notices = try Self.read("bodacc/ods-v1-search-response.json")
        #expect(notices.map(\.id) == ["B20220227446", "C202200902528", "C202101554392"])
        #expect(notices.allSatisfy { $0.sirens.map(\.digits) == ["880878145"] })
        #expect(notices[0].family == "radiation")
        #expect(notices.map { NoticeClassifier.classify($0).event } == [.struckOff, .accountsFiled, .accountsFiled])
        #expect(notices[0].companyName == "Ganymède")
        #expect(try Self.read("bodacc/ods-v1-records-dpc.json").count == 2)
    }

    /// A v2.1 record built from a real sample notice (PASARGAD), in the shapes the API and
    /// third-party clients produce.
    static func record(jugementAsObject: Bool = false, registre: Any = ["881843924", "881 843 924"], extra: [String: Any] = [:]) -> [String: Any] {
        let jugement: [String: Any] = [
            "type": "initial", "famille": "Jugement d'ouverture",
            "nature": "Jugement d'ouverture d'une procédure de redressement judiciaire", "date": "2026-01-27",
            "complementJugement": "Jugement prononçant l'ouverture d'une procédure de redressement judiciaire",
        ]
        var record: [String: Any] = [
            "id": "A202600251234", "publicationavis": "A", "parution": "20260025", "dateparution": "2026-02-05",
            "numeroannonce": 1234, "typeavis": "annonce", "typeavis_lib": "Avis initial", "familleavis": "collective",
            "familleavis_lib": "Procédures collectives", "tribunal": "Greffe du Tribunal de Commerce de Beauvais",
            "commercant": "PASARGAD", "registre": registre,
            "jugement": jugementAsObject ? jugement : String(decoding: try! JSONSerialization.data(withJSONObject: jugement), as: UTF8.self),
        ]
        record.merge(extra) { $1 }
        return record
    }

    static func decode(_ json: Any) throws -> [BodaccNotice] {
        try NoticeFileReader.decode(try JSONSerialization.data(withJSONObject: json), file: "test.json")
    }

    @Test("v2.1 shapes: records response, array export, JSON lines, jugement as string or object")
    func v21Shapes() throws {
        let response = try Self.decode(["total_count": 1, "results": [Self.record()]])
        let array = try Self.decode([Self.record(jugementAsObject: true)])
        let line = String(decoding: try JSONSerialization.data(withJSONObject: Self.record()), as: UTF8.self)
        let jsonl = try NoticeFileReader.decode(Data((line + "\n" + line.replacingOccurrences(of: "A202600251234", with: "A202600251235") + "\n").utf8), file: "x.jsonl")
        for notices in [response, array, Array(jsonl.prefix(1))] {
            let notice = try #require(notices.first)
            #expect(notice.id == "A202600251234")
            #expect(notice.sirens.map(\.digits) == ["881843924"])
            #expect(notice.judgment?.nature == "Jugement d'ouverture d'une procédure de redressement judiciaire")
            #expect(NoticeClassifier.classify(notice).event == .opened)
        }
        #expect(jsonl.count == 2)
    }

    @Test("registre as a comma-joined string or null; the SIREN then comes from listepersonnes")
    func registreShapes() throws {
        let joined = try Self.decode([Self.record(registre: "881843924,881 843 924")])
        #expect(joined.first?.sirens.map(\.digits) == ["881843924"])
        let persons = #"{"personne": {"typePersonne": "pm", "denomination": "PASARGAD", "numeroImmatriculation": {"numeroIdentification": "881 843 924", "codeRCS": "RCS", "nomGreffeImmat": "Beauvais"}}}"#
        let fromPersons = try Self.decode([Self.record(registre: NSNull(), extra: ["listepersonnes": persons, "commercant": NSNull()])])
        #expect(fromPersons.first?.sirens.map(\.digits) == ["881843924"])
        #expect(fromPersons.first?.companyName == "PASARGAD")
    }

    @Test("a rectificatif names the notice it corrects; the annulation label's U+2019 is understood")
    func supersedes() throws {
        let previous = #"{"nomPublication": "BODACC A", "numeroParution": "20260010", "dateParution": "2026-01-15", "numeroAnnonce": "987"}"#
        let rectificatif = try Self.decode([Self.record(extra: ["typeavis": NSNull(), "typeavis_lib": "Avis rectificatif", "parutionavisprecedent": previous])])
        #expect(rectificatif.first?.kind == .rectificatif)
        #expect(rectificatif.first?.supersedes == "A20260010987")
        let annulation = try Self.decode([Self.record(extra: ["typeavis": NSNull(), "typeavis_lib": "Avis d\u{2019}annulation"])])
        #expect(annulation.first?.kind == .annulation)
    }

    @Test("mojibake in a record is repaired")
    func mojibake() throws {
        let jugement = #"{"famille": "Jugement de clÃ´ture", "nature": "Jugement de clÃ´ture pour insuffisance d'actif", "date": "27/01/2022"}"#
        let notice = try #require(try Self.decode([Self.record(extra: ["jugement": jugement, "commercant": "SOCIÃ‰TÃ‰ Ã‰TOILE"])]).first)
        #expect(notice.judgment?.nature == "Jugement de clôture pour insuffisance d'actif")
        #expect(notice.judgment?.date == CalendarDay(year: 2022, month: 1, day: 27))
        #expect(notice.companyName == "SOCIÉTÉ ÉTOILE")
        #expect(NoticeClassifier.classify(notice).detail == "insufficient_assets")
    }

    @Test("broken input says where", arguments: [
        ("{\"id\": \"A202600011\", \"dateparution\": \"2026-01-02\"}\nnot json\n", "x.json:2: not valid JSON"),
        ("hello", "x.json:1: neither XML nor JSON"),
        ("<PCL_REDIFF><annonces><annonce>", "x.json:1: not well-formed XML"),
        ("[{\"typeavis\": \"annonce\"}]", "x.json: record 1 has no id"),
    ])
    func broken(text: String, expected: String) {
        do {
            _ = try NoticeFileReader.decode(Data(text.utf8), file: "x.json")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }
}

@Suite("Registry notices that are not what they seem")
struct RegistryNoticeTests {
    static func radiation(comment: String?) throws -> BodaccNotice {
        var radiation: [String: Any] = ["radiationPM": "O"]
        if let comment { radiation["commentaire"] = comment }
        let record: [String: Any] = [
            "id": "B20260105123", "publicationavis": "B", "dateparution": "2026-01-05", "numeroannonce": 123, "typeavis": "annonce",
            "familleavis": "radiation", "registre": ["552081317", "552 081 317"], "commercant": "EXAMPLE SA",
            "radiationaurcs": String(decoding: try JSONSerialization.data(withJSONObject: radiation), as: UTF8.self),
        ]
        let data = try JSONSerialization.data(withJSONObject: ["results": [record]])
        return try #require(try BodaccJSONDecoder.decode(data, file: "radiation.json").first)
    }

    @Test("a radiation whose comment is a \"Rapport de radiation d'office\" cancels a strike-off: no struck-off alert")
    func strikeOffCancelled() throws {
        let cancelled = NoticeClassifier.classify(try Self.radiation(comment: "Rapport de radiation d'office"))
        #expect(cancelled.event == .registryNotice && cancelled.severity == .info && cancelled.detail == "strike_off_cancelled")
        let struck = NoticeClassifier.classify(try Self.radiation(comment: nil))
        #expect(struck.event == .struckOff && struck.severity == .high)
    }
}
