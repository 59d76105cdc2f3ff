import Foundation
import VigieCore

/// Maps one BODACC record, as decoded JSON, onto a `BodaccNotice`.
///
/// One mapper for every JSON shape seen in the wild: the Opendatasoft v2.1 record, the v1
/// `fields` object, and third-party projections (`date_parution`, `contenu`…). Fields stored
/// as JSON inside a string (`jugement`, `listepersonnes`, `parutionavisprecedent`) are also
/// accepted already decoded.
enum BodaccRecordMapper {
    static func notice(from record: [String: Any]) -> BodaccNotice? {
        let fields = (record["fields"] as? [String: Any]) ?? record
        let published = string(fields, "dateparution", "date_parution").flatMap(FrenchDate.parse)
        let number = string(fields, "numeroannonce", "numero_annonce")
        let judgment = object(first(fields, "jugement", "contenu")).map(judgment(from:))

        var id = string(fields, "id") ?? ""
        if id.isEmpty, let publication = string(fields, "publicationavis"), let issue = string(fields, "parution"), let number {
            id = BodaccNotice.officialID(publication: publication, issue: issue, number: number, issueYear: published?.year) ?? ""
        }
        if id.isEmpty {
            guard let published, let number else { return nil }
            id = "BODACC-\(published.iso)-\(number)"
        }

        let kindText = TextRepair.fold(string(fields, "typeavis", "typeavis_lib", "type_annonce") ?? "")
        let kind: BodaccNotice.Kind = kindText.contains("rectific") ? .rectificatif : kindText.contains("annul") ? .annulation : .initial

        var sirens = registre(fields["registre"])
        let persons = personList(object(fields["listepersonnes"]))
        if sirens.isEmpty {
            sirens = persons.compactMap { person in
                (person["numeroImmatriculation"] as? [String: Any]).flatMap { string($0["numeroIdentification"]) }.flatMap { try? SIREN($0) }
            }
        }
        let name = string(fields, "commercant", "nom_entreprise") ?? persons.first.flatMap(personName)

        return BodaccNotice(
            id: id, kind: kind, family: family(fields), published: published, sirens: unique(sirens),
            companyName: name.map(TextRepair.repairMojibake),
            tribunal: string(fields, "tribunal").map(TextRepair.repairMojibake),
            city: string(fields, "ville"), postalCode: string(fields, "cp", "code_postal"),
            judgment: judgment,
            supersedes: object(fields["parutionavisprecedent"]).flatMap(supersededID),
            registryComment: object(fields["radiationaurcs"]).flatMap { string($0["commentaire"]) }.map(TextRepair.repairMojibake)
        )
    }

    /// Labels of the projections seen in the wild, by family code.
    static let familyLabels: [String: String] = [
        "procedures collectives": "collective", "radiations": "radiation", "depots des comptes": "dpc",
        "modifications diverses": "modification", "creations": "creation", "immatriculations": "immatriculation",
        "ventes et cessions": "vente", "conciliation": "conciliation",
    ]

    /// `familleavis` (`collective`), or its label (`Procédures collectives`) in projections.
    static func family(_ fields: [String: Any]) -> String? {
        if let code = string(fields, "familleavis") { return code }
        guard let label = string(fields, "familleavis_lib", "famille") else { return nil }
        return familyLabels[TextRepair.fold(label)] ?? TextRepair.fold(label)
    }

    static func judgment(from document: [String: Any]) -> Judgment {
        let rawDate = string(document["date"])
        let date = rawDate.flatMap(FrenchDate.parse)
        return Judgment(
            type: string(document["type"]), famille: string(document["famille"]), nature: string(document["nature"]),
            date: date, rawDate: date == nil ? rawDate : nil, complement: string(document["complementJugement"])
        )
    }

    /// `{"nomPublication":"BODACC A","numeroParution":"20260023","dateParution":"…","numeroAnnonce":"1234"}`.
    static func supersededID(_ reference: [String: Any]) -> String? {
        guard let issue = string(reference["numeroParution"]), let number = string(reference["numeroAnnonce"]) else { return nil }
        let year = string(reference["dateParution"]).flatMap(FrenchDate.parse)?.year
        return BodaccNotice.officialID(publication: string(reference["nomPublication"]) ?? "A", issue: issue, number: number, issueYear: year)
    }

    /// `registre` as an array (`["852714898","852 714 898"]`), a comma-joined string, or null.
    static func registre(_ value: Any?) -> [SIREN] {
        let items: [String]
        if let array = value as? [Any] {
            items = array.compactMap(string)
        } else if let text = string(value) {
            items = text.split(separator: ",").map(String.init)
        } else {
            return []
        }
        return unique(items.compactMap { try? SIREN($0) })
    }

    static func personList(_ document: [String: Any]?) -> [[String: Any]] {
        guard let person = document?["personne"] else { return [] }
        if let list = person as? [[String: Any]] { return list }
        if let one = person as? [String: Any] { return [one] }
        return []
    }

    static func personName(_ person: [String: Any]) -> String? {
        if let denomination = string(person["denomination"]) { return denomination }
        let parts = [string(person["nom"]), string(person["prenom"])].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// A JSON object, or a string holding one.
    static func object(_ value: Any?) -> [String: Any]? {
        if let object = value as? [String: Any] { return object }
        guard let text = value as? String, let data = text.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// The first of these fields that holds a value: exports write absent fields as null.
    static func first(_ fields: [String: Any], _ keys: String...) -> Any? {
        keys.lazy.compactMap { fields[$0] }.first { !($0 is NSNull) }
    }

    static func string(_ fields: [String: Any], _ keys: String...) -> String? {
        keys.lazy.compactMap { string(fields[$0]) }.first
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: text.isEmpty ? nil : text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    static func unique(_ sirens: [SIREN]) -> [SIREN] {
        var seen = Set<SIREN>()
        return sirens.filter { seen.insert($0).inserted }
    }
}
