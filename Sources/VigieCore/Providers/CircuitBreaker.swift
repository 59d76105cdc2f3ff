import Foundation

/// Stops calling a provider that keeps failing, for a while, instead of sending it every
/// company of the cycle with its retries: a dead provider costs one cooldown, not 100 000
/// timeouts, and it is not hammered while it comes back.
///
/// Closed, it lets everything through and counts failures in a row; `threshold` of them open
/// it. Open, it refuses until `cooldown` has passed, then lets one probe through (half-open):
/// the probe's success closes it, its failure opens it again. A plain value: the caller passes
/// the time.
public struct CircuitBreaker: Sendable, Hashable {
    public struct Configuration: Sendable, Hashable {
        /// Failed requests in a row (5xx, timeouts, connection errors) that open the circuit.
        public var threshold = 5
        public var cooldown: Duration = .seconds(30)
        /// Each failed probe doubles the cooldown, up to this: a channel down for a day is
        /// probed every few minutes, not every 30 s. Nil keeps the cooldown fixed.
        public var maxCooldown: Duration?

        public init(threshold: Int = 5, cooldown: Duration = .seconds(30), maxCooldown: Duration? = nil) {
            self.threshold = threshold
            self.cooldown = cooldown
            self.maxCooldown = maxCooldown
        }
    }

    public enum State: Sendable, Hashable {
        case closed(failures: Int)
        case open(until: Date)
        /// One probe is in flight; everything else is refused until it answers.
        case halfOpen
    }

    public let configuration: Configuration
    public private(set) var state: State = .closed(failures: 0)
    /// Times the circuit opened since it was last closed: the cooldown grows with them.
    public private(set) var opened = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Whether a request may go now. Past the cooldown, the first caller becomes the probe.
    public mutating func admit(now: Date) -> Bool {
        switch state {
        case .closed:
            return true
        case .open(let until) where now >= until:
            state = .halfOpen
            return true
        case .open, .halfOpen:
            return false
        }
    }

    /// When an open circuit lets a probe through; nil when it is not open.
    public var reopensAt: Date? {
        if case .open(let until) = state { return until }
        return nil
    }

    /// Whether calls go through as usual (not open, no probe in flight).
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    public mutating func recordSuccess() {
        state = .closed(failures: 0)
        opened = 0
    }

    public mutating func recordFailure(now: Date) {
        switch state {
        case .closed(let failures) where failures + 1 < max(1, configuration.threshold):
            state = .closed(failures: failures + 1)
        case .open:
            // A failure reported late by a call admitted before the circuit opened: the
            // cooldown already running stands.
            break
        case .closed, .halfOpen:
            let doubled = configuration.cooldown.seconds * pow(2, Double(min(opened, 20)))
            opened += 1
            let longest = max(configuration.maxCooldown ?? configuration.cooldown, configuration.cooldown)
            state = .open(until: now.addingTimeInterval(min(doubled, longest.seconds)))
        }
    }
}
