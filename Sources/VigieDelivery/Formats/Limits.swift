/// Platform limits, counted as the platforms count them: in UTF-16 code units (a JavaScript
/// string's length), never fewer than the characters a person sees. A decomposed accented name
/// of 3 000 visible characters is 6 000 here, and an emoji two: what Slack and Discord measure.
enum Limits {
    static func length(_ text: String) -> Int { text.utf16.count }

    /// The text cut on a character boundary, with "…", so that its length is at most `limit`.
    static func cut(_ text: String, _ limit: Int) -> String {
        guard length(text) > limit else { return text }
        guard limit > 1 else { return "" }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf16.count
            if used + size > limit - 1 { break }
            result.append(character)
            used += size
        }
        return result + "…"
    }
}

extension MessageContent {
    /// How much of what came from outside each level of shortening keeps: the company's name,
    /// the title (an unknown nature is the court's words), each fact's value, the court's text.
    /// The structure (labels, links, markup) is never cut.
    static let shortening: [(name: Int, title: Int, value: Int, court: Int?, facts: Int)] = [
        (.max, .max, .max, 500, .max),
        (200, 200, 300, 400, .max),
        (100, 120, 150, 200, .max),
        (60, 80, 80, 100, 12),
        (40, 60, 40, nil, 8),
        (30, 60, 30, nil, 2),
    ]

    /// The shortest form: the headline, the severity and the link, for a receiver that refused
    /// the full message.
    public var minimal: MessageContent { shortened(Self.shortening.count - 1) }

    /// This message with its outside text shortened to `level` of `shortening`.
    public func shortened(_ level: Int) -> MessageContent {
        let limits = Self.shortening[max(0, min(level, Self.shortening.count - 1))]
        var copy = self
        copy.companyName = Limits.cut(companyName, limits.name)
        copy.company = sirenLabel.map { "\(copy.companyName) (\($0))" } ?? copy.companyName
        copy.title = Limits.cut(title, limits.title)
        copy.headline = "\(severityLabel.uppercased()) · \(copy.company) · \(copy.title)"
        copy.facts = facts.prefix(limits.facts).map { Fact(label: $0.label, value: Limits.cut($0.value, limits.value)) }
        copy.courtText = limits.court.flatMap { limit in courtText.map { Limits.cut($0, limit) } }
        return copy
    }

    /// The fullest form whose rendering `measure` finds within `limit`; the shortest form when
    /// none is (the caller cuts what is left, as a last resort).
    public func fitting(_ limit: Int, _ measure: (MessageContent) -> Int) -> MessageContent {
        for level in Self.shortening.indices {
            let candidate = shortened(level)
            if measure(candidate) <= limit { return candidate }
        }
        return minimal
    }
}
