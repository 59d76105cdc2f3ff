import Foundation
import Synchronization

/// Whether the poller is alive, as a state machine with time passed in: a cycle started, a
/// cycle ended. A poller whose cycle has run far longer than it should, or that has not
/// started one for far longer than its interval, is stuck: `/healthz` says so, and the
/// platform restarts the process.
public struct PollerHealth: Sendable, Hashable {
    public enum Verdict: Sendable, Hashable {
        case alive
        /// What is wrong, for the answer's body and the log.
        case stuck(String)
    }

    /// When the process started watching: before its first cycle ends, it is judged from here.
    public private(set) var startedAt: Date
    public private(set) var cycleStartedAt: Date?
    public private(set) var cycleEndedAt: Date?
    public private(set) var lastCycleFailed = false
    /// Stopping: the cycle in flight finishes, nothing new should come here.
    public private(set) var draining = false

    public init(startedAt: Date) {
        self.startedAt = startedAt
    }

    public mutating func cycleStarted(at date: Date) {
        cycleStartedAt = date
    }

    public mutating func cycleEnded(at date: Date, failed: Bool) {
        cycleEndedAt = date
        lastCycleFailed = failed
    }

    public mutating func drain() {
        draining = true
    }

    /// Why the process should get no work, if it should not: stopping, or no cycle ended within
    /// twice the interval (the data it serves is stale). Nil when ready.
    public func unreadiness(now: Date, interval: Duration) -> String? {
        if draining { return "draining: stopping after the cycle in flight" }
        let since = cycleEndedAt ?? startedAt
        let age = now.timeIntervalSince(since)
        guard age > 2 * interval.seconds else { return nil }
        return cycleEndedAt == nil
            ? "no cycle has ended in \(Int(age)) s since the start (twice the interval is \(Int(2 * interval.seconds)) s)"
            : "the last cycle ended \(Int(age)) s ago, more than twice the interval (\(Int(2 * interval.seconds)) s)"
    }

    /// A cycle may take up to `interval` plus `patience`; between cycles the poller waits at most
    /// `interval`. A failed cycle is not stuck: source health alerts say what failed.
    public func verdict(now: Date, interval: Duration, patience: Duration = .seconds(600)) -> Verdict {
        let limit = interval.seconds + patience.seconds
        if let started = cycleStartedAt, started > (cycleEndedAt ?? .distantPast) {
            let running = now.timeIntervalSince(started)
            return running > limit ? .stuck("the cycle started \(Int(running)) s ago has not ended (limit \(Int(limit)) s)") : .alive
        }
        let idle = now.timeIntervalSince(cycleEndedAt ?? startedAt)
        return idle > limit ? .stuck("no cycle has started for \(Int(idle)) s (interval \(Int(interval.seconds)) s)") : .alive
    }
}

/// The poller's health, shared between the poller that records it and the server that reports it.
public final class PollerHeartbeat: Sendable {
    private let state: Mutex<PollerHealth>

    public init(startedAt: Date) {
        state = Mutex(PollerHealth(startedAt: startedAt))
    }

    public var health: PollerHealth { state.withLock { $0 } }

    func cycleStarted(at date: Date) { state.withLock { $0.cycleStarted(at: date) } }
    func cycleEnded(at date: Date, failed: Bool) { state.withLock { $0.cycleEnded(at: date, failed: failed) } }
    func drain() { state.withLock { $0.drain() } }
}
