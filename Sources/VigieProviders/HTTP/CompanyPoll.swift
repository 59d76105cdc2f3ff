import VigieCore

/// How the HTTP score providers poll: one company at a time per task, `concurrency` tasks at
/// once. A company's failure is reported with its SIREN and never stops the others; a company
/// the provider does not know (nil) is neither an observation nor a failure.
enum CompanyPoll {
    /// One company's outcome. A struct, not a tuple: a tuple result once crashed the task group in a 100 000-company poll.
    struct Result: Sendable {
        var siren: SIREN
        var observation: ScoreObservation?
        var failure: String?
    }

    static func run(
        _ companies: [SIREN], concurrency: Int, observe: @escaping @Sendable (SIREN) async throws -> ScoreObservation?
    ) async throws -> ScorePoll {
        var observations: [ScoreObservation] = []
        var failures: [ProviderFailure] = []
        try await withThrowingTaskGroup(of: Result.self) { group in
            var pending = companies.makeIterator()
            func start(_ siren: SIREN) {
                group.addTask {
                    do {
                        return Result(siren: siren, observation: try await observe(siren), failure: nil)
                    } catch {
                        return Result(siren: siren, observation: nil, failure: "\(error)")
                    }
                }
            }
            for _ in 0..<max(1, concurrency) {
                guard let siren = pending.next() else { break }
                start(siren)
            }
            while let result = try await group.next() {
                if let observation = result.observation { observations.append(observation) }
                if let failure = result.failure { failures.append(ProviderFailure(siren: result.siren, message: failure)) }
                if let siren = pending.next() { start(siren) }
            }
        }
        return ScorePoll(observations: observations, failures: failures, cursor: nil)
    }
}
