import Foundation
import VigieCore

/// How the HTTP providers work through companies: one company at a time per task,
/// `concurrency` tasks at once. A company's failure is reported with its SIREN and never stops
/// the others; a company the provider does not know (nil) is neither a value nor a failure.
enum CompanyPoll {
    /// One company's outcome. A struct, not a tuple: a tuple result once crashed the task group in a 100 000-company poll.
    struct Outcome<Value: Sendable>: Sendable {
        var siren: SIREN
        var value: Value?
        var failure: String?
        var reason: FailureReason = .other
    }

    /// Runs `work` for each company; returns the values, in completion order, and the failures.
    static func each<Value: Sendable>(
        _ companies: [SIREN], concurrency: Int, _ work: @escaping @Sendable (SIREN) async throws -> Value?
    ) async throws -> (values: [Value], failures: [ProviderFailure]) {
        // A value at most per company: room for them all at once, not grown by doubling.
        var values: [Value] = []
        values.reserveCapacity(companies.count)
        var failures: [ProviderFailure] = []
        try await withThrowingTaskGroup(of: Outcome<Value>.self) { group in
            var pending = companies.makeIterator()
            func start(_ siren: SIREN) {
                group.addTask {
                    do {
                        return Outcome(siren: siren, value: try await work(siren), failure: nil)
                    } catch let failure as ProviderClient.Failure {
                        return Outcome(siren: siren, value: nil, failure: "\(failure)", reason: failure.reason)
                    } catch let error as AnotherCompany {
                        return Outcome(siren: siren, value: nil, failure: "\(error)", reason: .wrongCompany)
                    } catch {
                        // The rest is the reading of an answer: a report not as documented.
                        return Outcome(siren: siren, value: nil, failure: "\(error)", reason: .malformed)
                    }
                }
            }
            for _ in 0..<max(1, concurrency) {
                guard let siren = pending.next() else { break }
                start(siren)
            }
            while let outcome = try await group.next() {
                if let value = outcome.value { values.append(value) }
                if let failure = outcome.failure { failures.append(ProviderFailure(siren: outcome.siren, message: failure, reason: outcome.reason)) }
                if let siren = pending.next() { start(siren) }
            }
        }
        return (values, failures)
    }

    /// A score poll: each company's observation. An answer about another company than the one
    /// asked about is a failure of that company (a provider's mix-up, a stale id cache), never
    /// an observation of either.
    static func run(
        _ companies: [SIREN], concurrency: Int, provider: String, observe: @escaping @Sendable (SIREN) async throws -> ScoreObservation?
    ) async throws -> ScorePoll {
        let (observations, failures) = try await each(companies, concurrency: concurrency) { siren -> ScoreObservation? in
            guard let observation = try await observe(siren) else { return nil }
            guard observation.siren == siren else {
                throw AnotherCompany(provider: provider, asked: siren, answered: observation.siren)
            }
            return observation
        }
        return ScorePoll(observations: observations, failures: failures, cursor: nil, asked: companies.count)
    }
}

/// A score provider asked about one company at a time (Creditsafe's report, Ellisphère's
/// order, Pappers' company): its poll asks about each, `concurrency` at once.
protocol CompanyByCompanyProvider: ScoreProvider {
    var concurrency: Int { get }
    /// The clock the provider's client reads: the day an observation is dated.
    var clock: any WallClock { get }
    /// The company's observation, or nil when the provider does not know it.
    func observe(_ siren: SIREN, on today: CalendarDay) async throws -> ScoreObservation?
}

extension CompanyByCompanyProvider {
    /// Each company's report, in the order given, as many as `allowance` affords (one billed
    /// report each); the rest are deferred.
    func observeEach(_ companies: [SIREN], allowance: Int = .max) async throws -> ScorePoll {
        let today = CalendarDay(clock.now)
        let affordable = Array(companies.prefix(max(0, allowance)))
        var poll = try await CompanyPoll.run(affordable, concurrency: concurrency, provider: ProviderName.display(name)) { siren in
            try await self.observe(siren, on: today)
        }
        poll.reportsOrdered = affordable.count
        poll.deferred = Array(companies.dropFirst(affordable.count))
        return poll
    }

    public func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll {
        try await observeEach(companies)
    }

    public func poll(_ companies: [SIREN], cursor: String?, allowance: Int) async throws -> ScorePoll {
        try await observeEach(companies, allowance: allowance)
    }

    /// One company's report, outside any cycle (and outside Creditsafe's monitoring portfolio).
    public func probe(_ company: SIREN) async throws -> ScoreObservation? {
        try await observe(company, on: CalendarDay(clock.now))
    }
}

/// A provider answered about another company than the one asked about.
struct AnotherCompany: Error, CustomStringConvertible {
    var provider: String
    var asked: SIREN
    var answered: SIREN

    var description: String {
        "\(provider) answered about SIREN \(answered.digits) when asked about \(asked.digits); the answer was set aside"
    }
}
