/// One entry's values as written, before they are checked: the common ground of the CSV and
/// YAML readers, so both build entries the same way.
struct EntryDraft {
    /// A raw value and the line it is written on.
    struct Value {
        var text: String
        var line: Int
    }

    var line: Int
    var identifier: Value?
    var name: Value?
    var owner: Value?
    var tags: [String] = []
    /// Where the tags are written, for messages.
    var tagsLine: Int?
    var exposure: Value?
    var insuredLimit: Value?
    var currency: Value?
    var postcode: Value?
    var thresholds: [Field: Value] = [:]
    /// A guarantee the client brought, by key (`issuer`, `maximum`, `rate`, `start`, `expiry`,
    /// `cancelled`).
    var guarantee: [GuaranteeField: Value] = [:]

    enum GuaranteeField: String, CaseIterable {
        case issuer, maximum, rate, start, expiry, cancelled
    }

    enum Field: String, CaseIterable {
        case scoreDropPoints = "score_drop_points"
        case scoreDropPercent = "score_drop_percent"
        case creditLimitCutPercent = "credit_limit_cut_percent"
        case hysteresisPoints = "hysteresis_points"
        case hysteresisDays = "hysteresis_days"
    }

    /// Checks every value, and reports every problem, not just the first.
    func build(file: String, defaults: ListDefaults, issues: inout [FileIssue]) -> WatchEntry? {
        func fail(_ value: Value?, _ field: String, _ error: FieldError) {
            issues.append(FileIssue(file: file, line: value?.line ?? line, field: field, message: error.message))
        }
        guard let identifier, !identifier.text.trimmed.isEmpty else {
            issues.append(FileIssue(file: file, line: line, field: "siren", message: "no SIREN or SIRET; give the company's 9-digit SIREN or 14-digit SIRET"))
            return nil
        }
        var entry: WatchEntry?
        do {
            let parsed = try WatchlistFields.identifier(identifier.text)
            entry = WatchEntry(identifier: parsed.description, siren: parsed.siren, line: line)
        } catch {
            fail(identifier, "siren", error)
        }
        var currency = defaults.currency
        if let raw = self.currency {
            do { currency = try WatchlistFields.currency(raw.text) } catch { fail(raw, "currency", error) }
        }
        func money(_ value: Value?, _ field: String) -> Money? {
            guard let value, !value.text.trimmed.isEmpty else { return nil }
            do {
                let (amount, written) = try WatchlistFields.money(value.text)
                return Money(amount: amount, currency: written ?? currency)
            } catch {
                fail(value, field, error)
                return nil
            }
        }
        // Labels shown on terminals, in chat tables and email: one line, no control characters.
        func label(_ value: Value?, _ field: String) -> Bool {
            guard let value, let problem = UnsafeText.problem(in: value.text) else { return true }
            issues.append(FileIssue(file: file, line: value.line, field: field, message: "\"\(value.text.debugDescription.dropFirst().dropLast())\" \(problem)"))
            return false
        }
        var labelsOK = label(name, "name") && label(owner, "owner")
        var postcode: String?
        if let raw = self.postcode {
            let digits = raw.text.trimmed.replacingOccurrences(of: " ", with: "")
            if digits.count == 5, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) {
                postcode = digits
            } else {
                issues.append(FileIssue(file: file, line: raw.line, field: "postcode", message: "\"\(raw.text)\" is not a French postcode; write its five digits, like 75002"))
                labelsOK = false
            }
        }
        for tag in tags where !label(Value(text: tag, line: tagsLine ?? line), "tags") { labelsOK = false }
        let exposure = money(exposure, "exposure")
        let insuredLimit = money(insuredLimit, "insured_limit")
        let own = Self.thresholds(thresholds, file: file, issues: &issues)
        var guaranteeOK = true
        var guarantee: Guarantee?
        if !self.guarantee.isEmpty {
            guarantee = buildGuarantee(money: money, fail: { value, field, error in fail(value, field, error); guaranteeOK = false })
            if guarantee == nil { guaranteeOK = false }
            if let issuer = self.guarantee[.issuer], !label(issuer, "guarantee.issuer") { guaranteeOK = false }
        }
        guard var entry, labelsOK, guaranteeOK else { return nil }
        entry.name = name?.text.trimmed.nonEmpty
        entry.owner = owner?.text.trimmed.nonEmpty ?? defaults.owner
        // The list's own array when the entry adds none: shared, not copied per entry.
        entry.tags = tags.isEmpty ? defaults.tags : tags + defaults.tags.filter { !tags.contains($0) }
        entry.exposure = exposure
        entry.insuredLimit = insuredLimit
        entry.set(WatchEntry.Terms(thresholds: own.over(defaults.thresholds), postcode: postcode, guarantee: guarantee), sharing: defaults.terms)
        return entry
    }
}

extension EntryDraft {
    /// The guarantee the entry's `guarantee` values describe; every problem is reported.
    func buildGuarantee(money: (Value?, String) -> Money?, fail: (Value?, String, FieldError) -> Void) -> Guarantee? {
        let values = guarantee
        guard let issuer = values[.issuer]?.text.trimmed.nonEmpty else {
            fail(values.values.first, "guarantee.issuer", FieldError("a guarantee without its issuer; name who stands behind it (issuer: LeanPay)"))
            return nil
        }
        guard let maximumValue = values[.maximum] else {
            fail(values[.issuer], "guarantee.maximum", FieldError("a guarantee without its maximum; give the largest outstanding it covers (maximum: 20000)"))
            return nil
        }
        guard let maximum = money(maximumValue, "guarantee.maximum") else { return nil }
        var result = Guarantee(issuer: issuer, maximum: maximum)
        var ok = true
        if let raw = values[.rate] {
            do { result.rate = try WatchlistFields.rate(raw.text) } catch { fail(raw, "guarantee.rate", error); ok = false }
        }
        func day(_ field: GuaranteeField) -> CalendarDay? {
            guard let raw = values[field] else { return nil }
            do { return try ExportFields.day(raw.text) } catch { fail(raw, "guarantee.\(field.rawValue)", error); ok = false; return nil }
        }
        result.startsOn = day(.start)
        result.expiresOn = day(.expiry)
        result.cancelledOn = day(.cancelled)
        if let start = result.startsOn, let end = result.expiresOn, end < start {
            fail(values[.expiry], "guarantee.expiry", FieldError("the guarantee expires (\(end.iso)) before it starts (\(start.iso)); check the dates"))
            ok = false
        }
        return ok ? result : nil
    }

    /// Reads threshold values written for an entry or for a whole list.
    static func thresholds(_ values: [Field: Value], file: String, issues: inout [FileIssue]) -> Thresholds {
        var result = Thresholds()
        for (field, value) in values.sorted(by: { $0.value.line < $1.value.line }) {
            do {
                let number = try WatchlistFields.threshold(value.text, name: field.rawValue)
                switch field {
                case .scoreDropPoints: result.scoreDropPoints = number
                case .scoreDropPercent: result.scoreDropPercent = number
                case .creditLimitCutPercent: result.creditLimitCutPercent = number
                case .hysteresisPoints: result.hysteresisPoints = number
                case .hysteresisDays: result.hysteresisDays = number
                }
            } catch {
                issues.append(FileIssue(file: file, line: value.line, field: field.rawValue, message: error.message))
            }
        }
        return result
    }
}

/// What a list sets for all its entries.
struct ListDefaults {
    var currency = "EUR"
    var owner: String?
    var tags: [String] = []
    var thresholds = Thresholds.standard {
        didSet { terms = WatchEntry.Terms.Box(WatchEntry.Terms(thresholds: thresholds)) }
    }
    /// The terms of an entry that says nothing of its own, shared by every such entry.
    private(set) var terms = WatchEntry.Terms.Box(WatchEntry.Terms())
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
