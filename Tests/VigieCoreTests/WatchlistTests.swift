import Foundation
import Testing
@testable import VigieCore
import VigieTestSupport
import Yams

@Suite("Watchlists")
struct WatchlistTests {
    @Test("a CSV exported from an ERP: BOM, semicolons, French headers, French amounts")
    func frenchCSV() throws {
        let text = "\u{FEFF}SIREN/SIRET;Raison sociale;Responsable;Encours;Devise;Limite assurée;Étiquettes\r\n"
            + "843 703 869;FRIZY;julie@example.fr;27 500,00;EUR;30 000;distribution|nord\r\n"
            + "881843924;PASARGAD;;12 480,50;;;\r\n"
        let result = WatchlistCSVParser.parse(text, file: "erp.csv", name: "erp")
        #expect(result.issues.isEmpty)
        let entries = try #require(result.watchlist?.entries)
        #expect(entries.count == 2)
        #expect(entries[0].siren.digits == "843703869")
        #expect(entries[0].name == "FRIZY")
        #expect(entries[0].exposure == Money(amount: 27_500))
        #expect(entries[0].insuredLimit == Money(amount: 30_000))
        #expect(entries[0].tags == ["distribution", "nord"])
        #expect(entries[1].exposure == Money(amount: Decimal(string: "12480.50")!))
        #expect(entries[1].line == 3)
    }

    @Test("a CSV with commas, English headers, quotes and a SIRET")
    func englishCSV() throws {
        let text = """
            company name,siret,owner,exposure,currency,score_drop_points
            "GAMM VERT, Paris",33789128700019,marie@example.fr,"182,450.00",EUR,5
            """
        let result = WatchlistCSVParser.parse(text, file: "list.csv", name: "list")
        #expect(result.issues.isEmpty, "\(result.issues)")
        let entry = try #require(result.watchlist?.entries.first)
        #expect(entry.name == "GAMM VERT, Paris")
        #expect(entry.siren.digits == "337891287")
        #expect(entry.identifier == "33789128700019")
        #expect(entry.exposure == Money(amount: 182_450))
        #expect(entry.thresholds.scoreDropPoints == 5)
        #expect(entry.thresholds.scoreDropPercent == Thresholds.standard.scoreDropPercent)
    }

    @Test("an invalid SIREN on the 7th line is reported at line 7, with the column and how to fix it")
    func lineSeven() throws {
        let text = """
            siren;name;exposure
            337891287;GAMM VERT;1000
            300254471;EDOUIN;2000
            494814452;LE JULES VERNE;3000
            880878145;Ganymède;4000
            843703869;FRIZY;5000
            881843925;PASARGAD;6000
            494523335;SCI DES QUATRE SAISONS;7000
            """
        let result = WatchlistCSVParser.parse(text, file: "watchlists/bad.csv", name: "bad")
        // The bad line costs that line only: the six others are read.
        #expect(result.watchlist?.entries.map(\.line) == [2, 3, 4, 5, 6, 8])
        #expect(!result.isClean)
        let issue = try #require(result.issues.first)
        #expect(result.issues.count == 1)
        #expect(issue.line == 7)
        #expect(issue.description == "watchlists/bad.csv:7: siren: SIREN \"881843925\" fails its check digit (Luhn); a digit is probably mistyped")
    }

    @Test("every problem is reported, not just the first", arguments: [
        ("siren;exposure\n12345;abc\n", ["erp.csv:2: siren: SIREN or SIRET \"12345\" has 5 digits, expected 9 or 14; copy the number again from the Kbis or annuaire-entreprises.data.gouv.fr",
                                         "erp.csv:2: exposure: \"abc\" is not an amount; write it like 12500 or 12 500,50"]),
        ("siren;name\n337891287;A\n337 891 287;B\n", ["erp.csv:3: 337891287 is already listed at line 2; remove one of the two lines"]),
        ("nom;montant\nA;12\n", ["erp.csv:1: no SIREN/SIRET column among \"nom\", \"montant\"; name one column siren, siret or identifiant (delimiter read as \";\")"]),
        ("siren;encours\n337891287;-5\n", ["erp.csv:2: exposure: \"-5\" is negative; an exposure or a limit is 0 or more"]),
        ("siren;name\n;A\n", ["erp.csv:2: siren: no SIREN or SIRET; give the company's 9-digit SIREN or 14-digit SIRET"]),
    ])
    func csvProblems(text: String, expected: [String]) {
        let result = WatchlistCSVParser.parse(text, file: "erp.csv", name: "erp")
        #expect(result.issues.map(\.description) == expected)
        #expect(!result.isClean)
    }

    @Test("two SIRETs of the same company are two establishments: both watch the company")
    func establishments() throws {
        let text = "siret;encours\n35600000000048;100\n35600000000529;50\n"
        let watchlist = try #require(WatchlistCSVParser.parse(text, file: "poste.csv", name: "poste").watchlist)
        let watch = WatchSet([watchlist])
        #expect(watch.count == 1)
        #expect(watch[SIREN.laPoste]?.entries.count == 2)
        #expect(watch[SIREN.laPoste]?.contexts.compactMap(\.exposure).map(\.amount).reduce(0, +) == 150)
    }

    @Test("a YAML watchlist with defaults, overrides and every amount form")
    func yaml() throws {
        let text = """
            name: key-accounts
            defaults:
              owner: credit@example.fr
              tags: [france]
              thresholds:
                score_drop_points: 8
            companies:
              - siren: 337 891 287
                name: GAMM VERT
                exposure: 182 450,00
                insured_limit: { amount: 200000, currency: EUR }
              - siret: "30025447100018"
                owner: eric@example.fr
                exposure: "14 200 USD"
                thresholds: { score_drop_percent: 5 }
            """
        let result = WatchlistYAMLParser.parse(text, file: "key.yaml", name: "key")
        #expect(result.issues.isEmpty, "\(result.issues)")
        let list = try #require(result.watchlist)
        #expect(list.name == "key-accounts")
        #expect(list.entries[0].owner == "credit@example.fr")
        #expect(list.entries[0].tags == ["france"])
        #expect(list.entries[0].line == 8)
        #expect(list.entries[0].thresholds == Thresholds(scoreDropPoints: 8, scoreDropPercent: 20, creditLimitCutPercent: 25, hysteresisPoints: 5, hysteresisDays: 7))
        #expect(list.entries[0].insuredLimit == Money(amount: 200_000, currency: "EUR"))
        #expect(list.entries[1].owner == "eric@example.fr")
        #expect(list.entries[1].exposure == Money(amount: 14_200, currency: "USD"))
        #expect(list.entries[1].thresholds.scoreDropPercent == 5)
        #expect(list.entries[1].thresholds.scoreDropPoints == 8)
    }

    @Test("YAML problems name their line: unknown keys, bad values, keys written twice, a second document, an alias to nothing, syntax", arguments: [
        ("companies:\n  - siren: 337891287\n    exposre: 12\n", "w.yaml:3: exposre: unknown key; did you mean \"exposure\"?"),
        ("companies:\n  - siren: 337891287\n  - siren: 300254472\n", "w.yaml:3: siren: SIREN \"300254472\" fails its check digit (Luhn); a digit is probably mistyped"),
        ("companies:\n  - siren: 337891287\n    name: [unclosed\n", "w.yaml:4: YAML syntax"),
        ("companies: 12\n", "w.yaml:1: companies: expected a list of companies"),
        ("companies:\n  - siren: 337891287\n    thresholds: { score_drop: 3 }\n", "w.yaml:3: score_drop: unknown threshold; did you mean \"score_drop_points\" or \"score_drop_percent\"?"),
        ("companies:\n  - siren: 337891287\n    name: A\n    name: B\n", "w.yaml:4: name: YAML structure: this key is written twice"),
        ("companies:\n  - siren: 337891287\n---\ncompanies: []\n", "w.yaml:3: YAML structure: a second document starts here"),
        ("companies:\n  - siren: 337891287\n    owner: *nobody\n", "w.yaml:3: YAML structure: the alias *nobody names no anchor"),
        ("- siren: 337891287\n", "w.yaml:1: expected keys name, defaults and companies"),
        ("name: w\n", "w.yaml:1: companies: expected a list of companies"),
        ("", "w.yaml:1: the file is empty"),
        ("companies:\n  - siren: 337891287\n    name: \"\\xZZ\"\n", "w.yaml:3: YAML syntax"),
        ("companies: " + String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000) + "\n", "w.yaml:1: YAML structure: lists and blocks nest more than 256 levels deep"),
    ])
    func yamlProblems(text: String, expected: String) {
        let result = WatchlistYAMLParser.parse(text, file: "w.yaml", name: "w")
        #expect(!result.isClean)
        #expect(result.issues.first.map { $0.description.hasPrefix(expected) } == true, "\(result.issues)")
    }

    @Test("defaults written after the companies still apply to them; anchors and aliases are followed")
    func yamlOrderAndAliases() throws {
        let late = """
            companies:
              - siren: 337 891 287
                owner: &owner marie@example.fr
              - siren: "494814452"
                owner: *owner
              - siren: 880 878 145
            defaults:
              owner: credit@example.fr
              thresholds: { score_drop_points: 4 }
            name: late
            """
        let result = WatchlistYAMLParser.parse(late, file: "late.yaml", name: "x")
        #expect(result.issues.isEmpty, "\(result.issues)")
        let list = try #require(result.watchlist)
        #expect(list.name == "late")
        #expect(list.entries.map(\.owner) == ["marie@example.fr", "marie@example.fr", "credit@example.fr"])
        #expect(list.entries.allSatisfy { $0.thresholds.scoreDropPoints == 4 })
        #expect(list.entries.map(\.line) == [2, 4, 6])
    }

    /// The stream composes every YAML file of the repository (watchlists, configurations, routes,
    /// deployment manifests) into the same values, quoting and lines as `Yams.compose` did.
    @Test("every YAML file of the repository composes to the same tree, line for line, as Yams.compose")
    func yamlStreamMatchesYams() throws {
        let root = RepositoryData.repositoryRoot
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { ["yaml", "yml"].contains($0.pathExtension) && !$0.path.contains("/.build") && !$0.path.contains("/bench-out/") && !$0.path.contains("/.vigie") }
        #expect(files.count >= 10)
        var compared = 0
        for url in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            guard let expected = try? Yams.compose(yaml: text) else { continue }
            let streamed = try YAMLStream(text, file: url.path).compose()
            #expect(Self.flat(streamed) == Self.flat(expected), "\(url.path)")
            compared += 1
        }
        #expect(compared >= 10)
    }

    /// A tree as lines of `line kind text`, keys and values in file order.
    static func flat(_ node: YAMLNode?) -> [String] {
        guard let node else { return [] }
        switch node.content {
        case .scalar(let text, let plain): return ["\(node.line) scalar\(plain ? "" : "'") \(text)"]
        case .sequence(let items): return ["\(node.line) sequence"] + items.flatMap { flat($0) }
        case .mapping(let pairs): return ["\(node.line) mapping"] + pairs.flatMap { flat($0.key) + flat($0.value) }
        }
    }

    static func flat(_ node: Yams.Node?) -> [String] {
        guard let node else { return [] }
        let line = node.mark?.line ?? 0
        switch node {
        case .scalar(let scalar): return ["\(line) scalar\(scalar.style == .plain ? "" : "'") \(scalar.string)"]
        case .sequence(let sequence): return ["\(line) sequence"] + sequence.flatMap { flat($0) }
        case .mapping(let mapping): return ["\(line) mapping"] + mapping.flatMap { flat($0.key) + flat($0.value) }
        case .alias: return ["\(line) alias"]
        }
    }

    @Test("a company on two lists gets the strictest thresholds and both owners")
    func twoLists() {
        let siren = try! SIREN("337891287")
        let watch = WatchSet([
            Watchlist(name: "a", file: "a.yaml", entries: [WatchEntry(identifier: "337891287", siren: siren, owner: "a@x", thresholds: Thresholds(scoreDropPoints: 15).over(.standard))]),
            Watchlist(name: "b", file: "b.yaml", entries: [WatchEntry(identifier: "337891287", siren: siren, owner: "b@x", thresholds: Thresholds(scoreDropPoints: 5, scoreDropPercent: 30).over(.standard))]),
        ])
        #expect(watch[siren]?.thresholds == Thresholds(scoreDropPoints: 5, scoreDropPercent: 20, creditLimitCutPercent: 25, hysteresisPoints: 5, hysteresisDays: 7))
        #expect(watch[siren]?.contexts.map(\.owner) == ["a@x", "b@x"])
    }

    /// The set is held flat, found through its own index: against a dictionary built the obvious
    /// way, over lists that overlap, repeat a company within a list, and hold enough companies
    /// for the index to grow; a SIREN that is not nine digits (read back from an old store) too.
    @Test("each company gets its entries in the order of the lists and their lines, and the SIRENs come out in order", arguments: [1, 2, 3])
    func flatSet(seed: UInt64) throws {
        var random = SplitMix(state: seed)
        let pool = SIREN.samples(3_000) + (seed == 3 ? [SIREN(stored: "12345"), SIREN(stored: "0000000a0")] : [])
        let lists = (0..<3).map { list in
            Watchlist(name: "list\(list)", file: "l\(list).csv", entries: (0..<Int(random.next() % 2_500)).map { line in
                let siren = pool[Int(random.next() % UInt64(pool.count))]
                return WatchEntry(identifier: siren.digits, siren: siren, owner: "o\(list)-\(line)", line: line)
            })
        }
        var model: [SIREN: [String]] = [:]
        for list in lists {
            for entry in list.entries { model[entry.siren, default: []].append("\(list.name):\(entry.line)") }
        }
        let watch = WatchSet(lists)
        #expect(watch.count == model.count)
        #expect(watch.sirens == model.keys.sorted())
        #expect(watch.companies.map(\.siren) == model.keys.sorted())
        for (siren, members) in model {
            let company = try #require(watch[siren])
            #expect(company.siren == siren)
            #expect(company.entries.map { "\($0.watchlist):\($0.entry.line)" } == members, "\(siren)")
        }
        for siren in pool where model[siren] == nil { #expect(watch[siren] == nil) }
        #expect(WatchSet([]).count == 0)
        #expect(WatchSet([])[pool[0]] == nil)
    }
}

@Suite("Watchlists as ERPs and people write them")
struct WatchlistInputTests {
    @Test("the usual French ERP headers are read; an unknown column is a warning with a did-you-mean, never dropped in silence")
    func frenchHeaders() throws {
        let text = "N° SIREN;Raison sociale;Encours TTC;Responsable;Limite assurée;Encours client HT 2024;Commentaire\n337891287;GAMM VERT;182 450,00;julie@example.fr;200 000;1;x\n"
        let result = WatchlistCSVParser.parse(text, file: "erp.csv", name: "erp")
        #expect(result.isClean, "\(result.issues)")
        let entry = try #require(result.watchlist?.entries.first)
        #expect(entry.name == "GAMM VERT")
        #expect(entry.exposure == Money(amount: 182_450))
        #expect(entry.insuredLimit == Money(amount: 200_000))
        #expect(result.issues.map(\.description) == [
            "erp.csv:1: warning: Encours client HT 2024: column not used by Vigie; did you mean exposure? (rename the column exposure if it holds that)",
            "erp.csv:1: warning: Commentaire: column not used by Vigie; Vigie reads identifier, name, owner, tags, exposure, currency, postcode, insured_limit, score_drop_points, score_drop_percent, credit_limit_cut_percent, hysteresis_points, hysteresis_days, guarantee_issuer, guarantee_maximum, guarantee_rate, guarantee_start, guarantee_expiry, guarantee_cancelled",
        ])
        for header in ["Siret", "SIRET", "siren", "Montant", "Raison Sociale"] {
            #expect(WatchlistCSVParser.columns.contains { $0.names.contains(WatchlistCSVParser.fold(header)) }, "\(header)")
        }
    }

    @Test("a postcode column is read (five digits), for notices that name no SIREN; another value is refused at its line")
    func postcode() throws {
        let result = WatchlistCSVParser.parse("siren;name;code postal\n337891287;GAMM VERT;49 000\n881843924;PASARGAD;Paris\n", file: "erp.csv", name: "erp")
        #expect(result.watchlist?.entries.first?.postcode == "49000")
        #expect(result.errors.map(\.description) == ["erp.csv:3: postcode: \"Paris\" is not a French postcode; write its five digits, like 75002"])
    }

    @Test("line breaks, NUL and bidi overrides in owner, tags, names and list names are refused at their line", arguments: [
        ("siren;name;owner\n337891287;GAMM VERT;\"julie@example.fr\nBcc: x@evil\"\n", "erp.csv:2: owner: \"julie@example.fr\\nBcc: x@evil\" holds a line break"),
        ("siren;name;tags\n337891287;GAMM VERT;retail|\u{202E}gpj.exe\n", "erp.csv:2: tags: \"\u{202E}gpj.exe\" holds U+202E, a bidirectional control"),
        ("siren;name\n337891287;GAMM\u{0}VERT\n", "erp.csv:2: name: \"GAMM\\0VERT\" holds a NUL character"),
        ("siren;name\n337891287;GAMM \u{1B}[31mVERT\n", "erp.csv:2: name: \"GAMM \\u{1B}[31mVERT\" holds the control character U+001B"),
    ])
    func unsafeLabels(text: String, expected: String) {
        let result = WatchlistCSVParser.parse(text, file: "erp.csv", name: "erp")
        #expect(result.watchlist?.entries.isEmpty == true)
        #expect(result.errors.first?.description.hasPrefix(expected) == true, "\(result.errors)")
    }

    @Test("a YAML list name or default owner with a line break is refused at its line")
    func unsafeYAMLLabels() {
        let text = "name: \"Key\\r\\naccounts\"\ndefaults:\n  owner: \"a@b\\u202E\"\ncompanies:\n  - siren: 337891287\n"
        let result = WatchlistYAMLParser.parse(text, file: "k.yaml", name: "k")
        #expect(result.errors.map(\.line) == [1, 3], "\(result.errors)")
    }

    @Test("the same company on several lists: the largest exposure is used, never the sum, and each list's figure is shown")
    func sharedExposure() throws {
        let siren = try SIREN("881843924")
        let lists = (1...5).map { index in
            Watchlist(name: "list\(index)", file: "l\(index).yaml", entries: [WatchEntry(identifier: siren.digits, siren: siren, exposure: Money(amount: index == 3 ? 15_000 : 12_480))])
        }
        let company = try #require(WatchSet(lists)[siren])
        #expect(company.exposureInUse == [Money(amount: 15_000)])
        let alert = Alert(id: "vg_x", siren: siren, companyName: "PASARGAD", kind: "procedure_opened", severity: .critical, title: "t",
                          evidence: .source(SourceEvidence(source: "x", state: .failing, failingSince: Date(), failingCycles: 1, lastError: nil)),
                          watch: company.contexts, createdAt: Date())
        #expect(alert.exposure == ["EUR": 15_000])
        #expect(alert.exposureByList.count == 5)
        let same = Alert(id: "vg_y", siren: siren, companyName: "PASARGAD", kind: "k", severity: .info, title: "t", evidence: alert.evidence,
                         watch: Array(company.contexts.prefix(2)), createdAt: Date())
        #expect(same.exposure == ["EUR": 12_480])
        #expect(same.exposureByList.isEmpty, "the lists agree: one figure")
    }
}

@Suite("Amounts as exports write them")
struct AmountTests {
    @Test("every way an ERP writes an amount, read off the bytes", arguments: [
        ("12500", "12500", nil), ("  12500 ", "12500", nil), ("12 500,50", "12500.5", nil), ("12,500.50", "12500.5", nil),
        ("12.500,50", "12500.5", nil), ("1.234.567", "1234567", nil), ("12'500.50", "12500.5", nil), ("12\u{00A0}500", "12500", nil),
        ("12\u{202F}500,5", "12500.5", nil), ("12500 €", "12500", "EUR"), ("EUR 12500", "12500", "EUR"), ("usd 12", "12", "USD"),
        ("(1 200,00)", "-1200", nil), ("-1 200,00", "-1200", nil), ("0", "0", nil), ("0,05", "0.05", nil),
        ("123456789012345678901234", "123456789012345678901234", nil), ("1234567890123456789,5", "1234567890123456789.5", nil),
    ] as [(String, String, String?)])
    func amounts(raw: String, amount: String, currency: String?) throws {
        let (value, written) = try WatchlistFields.signedMoney(raw)
        #expect(value == Decimal(string: amount), "\(raw) → \(value)")
        #expect(written == currency, "\(raw)")
    }

    @Test("what is not an amount says so, with what was written", arguments: [
        ("abc", "\"abc\" is not an amount; write it like 12500 or 12 500,50"),
        ("", "\"\" is not an amount; write it like 12500 or 12 500,50"),
        ("12-5", "\"12-5\" is not an amount; write it like 12500 or 12 500,50"),
        ("1,234,567", "\"1,234,567\" is not an amount; write it like 12500 or 12 500,50"),
        (" (12 x 5) ", "\"12 x 5\" is not an amount; write the currency as a 3-letter code such as EUR"),
        ("Eur 12", "\"Eur 12\" is not an amount; write the currency as a 3-letter code such as EUR"),
        ("12 £", "\"12 £\" is not an amount; write it like 12500 or 12 500,50"),
    ])
    func notAmounts(raw: String, message: String) {
        do {
            let value = try WatchlistFields.signedMoney(raw)
            Issue.record("\(raw) read as \(value)")
        } catch {
            #expect(error.message == message)
        }
    }
}
