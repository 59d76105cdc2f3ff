/// A BODACC notice that names no SIREN (an unregistered sole trader: `registre` is null in a
/// tenth of collective notices) can still be about a watched company: same name, same
/// postcode. That is a weaker match than a SIREN, and says so: its alert is never as severe
/// or as certain as one the notice's own SIREN raises, and the company's procedure status is
/// not changed by it.
public enum WeakMatch {
    /// Words that are no part of a name: legal forms, articles.
    static let noise: Set<String> = [
        "sarl", "sas", "sasu", "eurl", "sa", "sci", "snc", "selarl", "earl", "gaec", "ei", "eirl", "me", "m", "mme", "mr",
        "monsieur", "madame", "societe", "ste", "et", "de", "du", "des", "la", "le", "les", "l", "d",
    ]

    /// The name's words, folded, without punctuation or noise: "DUPONT, Jean" and "Jean
    /// Dupont" are the same set.
    public static func words(_ name: String) -> Set<String> {
        let folded = TextRepair.fold(name)
        let separated = String(folded.map { $0.isLetter || $0.isNumber ? $0 : " " })
        return Set(separated.split(separator: " ").map(String.init).filter { !noise.contains($0) })
    }

    /// Whether the notice, which names no SIREN, is about this entry: same postcode, same name words.
    public static func matches(_ notice: BodaccNotice, _ entry: WatchEntry) -> Bool {
        guard notice.sirens.isEmpty, let postcode = entry.postcode, notice.postalCode?.replacingOccurrences(of: " ", with: "") == postcode,
              let name = entry.name, let noticeName = notice.companyName else { return false }
        let expected = words(name)
        return !expected.isEmpty && expected == words(noticeName)
    }

    /// The alert a weak match raises: at most a warning, and its title says how it was found.
    public static func weakened(_ alert: Alert) -> Alert {
        var weak = alert
        weak.severity = min(alert.severity, .warning)
        weak.title = "Possible match by name and postcode (the notice names no SIREN): \(alert.title)"
        if case .notice(var notice) = alert.evidence {
            notice.match = "name_postcode"
            weak.evidence = .notice(notice)
        }
        return weak
    }
}
