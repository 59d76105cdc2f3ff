import Foundation

/// A provider whose scores move the same way for a large share of the portfolio in one cycle
/// (a rescaled scale, a bad batch) would flood every channel with weakening alerts that are no
/// company's news. The guard holds them, raises one `source_shift` alert to the operators with
/// the distribution, and waits for someone to release or discard them.
public struct MassShiftGuard: Hashable, Sendable {
    /// More than this share (0–1) of a provider's compared companies weakening at once is a shift.
    public var share: Double
    /// Below this many compared companies, no share is meaningful: a list of five where two drop is news.
    public var minimumCompanies: Int

    public init(share: Double = 0.2, minimumCompanies: Int = 10) {
        self.share = share
        self.minimumCompanies = minimumCompanies
    }

    public static let kind = "source_shift"
    /// The alerts a shift holds: a provider's weakening.
    public static let held: Set<String> = [
        ScoreEvent.scoreDrop.rawValue, ScoreEvent.ratingDowngrade.rawValue, ScoreEvent.creditLimitCut.rawValue, ScoreEvent.creditLimitCancelled.rawValue,
    ]

    /// What one provider's observations did this cycle, for the companies it had observed before.
    public struct Moves: Sendable, Hashable {
        /// Companies compared against an earlier observation.
        public var compared: Int
        /// Each compared company's score move, normalized (0–100 points; negative is a fall).
        public var scoreMoves: [Double]

        public init(compared: Int, scoreMoves: [Double]) {
            self.compared = compared
            self.scoreMoves = scoreMoves
        }
    }

    /// The changes with each shifted provider's weakening taken out, and one `source_shift`
    /// alert per shifted provider holding them.
    public func hold(_ changes: [AlertChange], moves: [String: Moves], now: Date) -> (kept: [AlertChange], shifts: [Alert]) {
        var weakened: [String: Set<SIREN>] = [:]
        for change in changes {
            guard case .raised(let alert) = change, Self.held.contains(alert.kind), let siren = alert.siren, case .observation(let evidence) = alert.evidence else { continue }
            weakened[evidence.provider, default: []].insert(siren)
        }
        var shifted: [String: ShiftEvidence] = [:]
        for (provider, companies) in weakened {
            guard let moves = moves[provider], moves.compared >= minimumCompanies, Double(companies.count) > share * Double(moves.compared) else { continue }
            shifted[provider] = ShiftEvidence(provider: provider, compared: moves.compared, weakened: companies.count, threshold: share, scoreMoves: moves.scoreMoves, held: [])
        }
        guard !shifted.isEmpty else { return (changes, []) }
        var kept: [AlertChange] = []
        for change in changes {
            if case .raised(let alert) = change, Self.held.contains(alert.kind), case .observation(let evidence) = alert.evidence, shifted[evidence.provider] != nil {
                shifted[evidence.provider]!.held.append(alert)
            } else {
                kept.append(change)
            }
        }
        let shifts = shifted.keys.sorted().map { provider in
            let evidence = shifted[provider]!
            return Alert(
                id: AlertIdentity.id(subject: "source:score:\(provider)", kind: Self.kind, evidenceKey: "shift:\(provider):\(Int(now.timeIntervalSince1970))"),
                siren: nil, companyName: nil, kind: Self.kind, severity: .high, title: evidence.title, evidence: .shift(evidence), watch: [], createdAt: now
            )
        }
        return (kept, shifts)
    }
}

/// A mass shift, as evidence: the provider, how many of its companies weakened at once, how
/// far scores moved, the alerts held, and what an operator decided.
public struct ShiftEvidence: Hashable, Sendable, Codable {
    public enum Decision: String, Hashable, Sendable, Codable {
        /// The held alerts were real: sent, as of the release.
        case released
        /// The held alerts were the provider's mistake: kept for the record, never sent.
        case discarded
    }

    public var provider: String
    public var compared: Int
    public var weakened: Int
    /// The share above which a move is a shift (0–1).
    public var threshold: Double
    /// Compared companies per size of score move, normalized points: `-40 or more` … `up`.
    public var distribution: [String: Int]
    public var medianMove: Double?
    public var held: [Alert]
    public var decision: Decision?
    public var decidedBy: String?
    public var decidedAt: Date?
    public var note: String?

    public init(provider: String, compared: Int, weakened: Int, threshold: Double, scoreMoves: [Double], held: [Alert]) {
        self.provider = provider
        self.compared = compared
        self.weakened = weakened
        self.threshold = threshold
        self.held = held
        distribution = Dictionary(grouping: scoreMoves, by: Self.bucket).mapValues(\.count)
        let sorted = scoreMoves.sorted()
        medianMove = sorted.isEmpty ? nil : sorted[sorted.count / 2]
    }

    /// The buckets, from the worst fall to a rise, in the order people read them.
    public static let buckets = ["-40 or more", "-20 to -40", "-10 to -20", "-5 to -10", "0 to -5", "unchanged", "up"]

    static func bucket(_ move: Double) -> String {
        switch move {
        case ...(-40): "-40 or more"
        case ...(-20): "-20 to -40"
        case ...(-10): "-10 to -20"
        case ...(-5): "-5 to -10"
        case ..<0: "0 to -5"
        case 0: "unchanged"
        default: "up"
        }
    }

    /// "Creditsafe: 16 of 20 companies weakened at once (80 %); 16 alerts held".
    public var title: String {
        "\(ProviderName.display(provider)): \(weakened) of \(compared) companies weakened at once (\(percent) %); \(held.count) alert\(held.count == 1 ? "" : "s") held until released or discarded"
    }

    public var percent: Int { compared == 0 ? 0 : weakened * 100 / compared }

    /// The distribution on one line: "-20 to -40: 16, unchanged: 4".
    public var distributionText: String {
        Self.buckets.compactMap { bucket in distribution[bucket].map { "\(bucket): \($0)" } }.joined(separator: ", ")
    }
}
