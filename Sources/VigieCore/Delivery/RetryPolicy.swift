import Foundation

/// When to try a delivery again, as a plain state machine: given where a delivery stands and
/// how its last attempt went, the next state. No I/O, no clock: time and randomness come in.
///
/// Bounded exponential backoff with full jitter, `Retry-After` honoured as a floor, a cap on
/// attempts and on age after which the delivery is dead-lettered, and permanent failures
/// dead-lettered at once.
public struct RetryPolicy: Sendable, Hashable {
    public struct Configuration: Sendable, Hashable {
        /// The first retry waits up to this long; each next one up to twice as long.
        public var baseDelay: Duration = .seconds(2)
        /// No wait is longer than this (before `Retry-After`, which may ask for more).
        public var maxDelay: Duration = .seconds(15 * 60)
        /// Attempts in all, the first one included.
        public var maxAttempts = 12
        /// A delivery still failing this long after it was queued is dead-lettered. Three days:
        /// a chat webhook down for a day, or a long weekend, is ordinary, and a liquidation
        /// alert delivered late is still worth having.
        public var maxAge: Duration = .seconds(72 * 3600)

        public init() {}
    }

    public enum State: Sendable, Hashable {
        /// Waiting for its next attempt, due at `due`.
        case pending(attempts: Int, due: Date)
        case delivered(attempts: Int, at: Date)
        /// Given up: listed by `vigie alerts dead`, requeued by `vigie alerts redeliver`.
        case dead(attempts: Int, reason: String)
    }

    public enum Outcome: Sendable, Hashable {
        case delivered
        case failed(DeliveryError)
    }

    public let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The state after an attempt made at `now`, for a delivery queued at `queuedAt` that had
    /// `attempts` attempts before this one. `random` is a number in 0..<1 (the jitter).
    ///
    /// `channelDownUntil` is set when the channel itself is failing (its breaker is open until
    /// then): a transient failure is then the channel's, not the delivery's, and spends none of
    /// its attempts; it waits for the channel's next probe, within `maxAge`.
    public func next(afterAttempt attempts: Int, queuedAt: Date, now: Date, outcome: Outcome, random: Double, channelDownUntil: Date? = nil) -> State {
        let made = attempts + 1
        switch outcome {
        case .delivered:
            return .delivered(attempts: made, at: now)
        case .failed(let error) where error.kind == .permanent:
            return .dead(attempts: made, reason: error.description)
        case .failed(let error) where error.kind == .transient && channelDownUntil != nil:
            let probe = channelDownUntil ?? now
            let due = max(probe, now.addingTimeInterval(error.retryAfter?.seconds ?? 0))
            if due.timeIntervalSince(queuedAt) > configuration.maxAge.seconds {
                return .dead(attempts: made, reason: "its channel has been failing for \(Int(configuration.maxAge.seconds / 3600)) h since it was queued; last: \(error.description)")
            }
            return .pending(attempts: attempts, due: due)
        case .failed(let error):
            if made >= configuration.maxAttempts {
                return .dead(attempts: made, reason: "gave up after \(made) attempts; last: \(error.description)")
            }
            let ceiling = min(configuration.baseDelay * Int(pow(2, Double(min(made - 1, 30)))), configuration.maxDelay)
            var wait = ceiling * max(0, min(random, 1))
            if wait < .milliseconds(100) { wait = .milliseconds(100) }
            if let retryAfter = error.retryAfter, retryAfter > wait { wait = retryAfter }
            let due = now.addingTimeInterval(wait.seconds)
            if due.timeIntervalSince(queuedAt) > configuration.maxAge.seconds {
                return .dead(attempts: made, reason: "still failing \(Int(configuration.maxAge.seconds / 3600)) h after it was queued; last: \(error.description)")
            }
            return .pending(attempts: made, due: due)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
