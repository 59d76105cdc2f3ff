import Foundation
import Testing
import VigieCore

@Suite("The retry policy")
struct RetryPolicyTests {
    static let queued = Date(timeIntervalSince1970: 1_770_000_000)
    static let policy = RetryPolicy()
    static let serverError = DeliveryError(kind: .transient, status: 500, message: "HTTP 500")

    @Test("a delivery that succeeds is delivered, with its attempts counted")
    func delivered() {
        #expect(Self.policy.next(afterAttempt: 2, queuedAt: Self.queued, now: Self.queued + 60, outcome: .delivered, random: 0.5) == .delivered(attempts: 3, at: Self.queued + 60))
    }

    @Test("transient failures back off exponentially, within the jittered ceiling", arguments: [(0, 2.0), (1, 4.0), (2, 8.0), (5, 64.0), (10, 900.0)])
    func backoff(attempts: Int, ceiling: Double) {
        for random in [0.0, 0.5, 0.999] {
            guard case .pending(let made, let due) = Self.policy.next(afterAttempt: attempts, queuedAt: Self.queued, now: Self.queued, outcome: .failed(Self.serverError), random: random) else {
                Issue.record("not pending")
                return
            }
            #expect(made == attempts + 1)
            let wait = due.timeIntervalSince(Self.queued)
            #expect(wait >= 0.1 && wait <= ceiling, "wait \(wait) for attempt \(made)")
        }
    }

    @Test("Retry-After is a floor: no attempt sooner than asked")
    func retryAfter() {
        let limited = DeliveryError(kind: .transient, status: 429, retryAfter: .seconds(2), message: "rate limited")
        guard case .pending(_, let due) = Self.policy.next(afterAttempt: 0, queuedAt: Self.queued, now: Self.queued, outcome: .failed(limited), random: 0) else {
            Issue.record("not pending")
            return
        }
        #expect(due.timeIntervalSince(Self.queued) >= 2)
    }

    @Test("a permanent failure is dead at once")
    func permanent() {
        let gone = DeliveryError(kind: .permanent, status: 404, message: "no such webhook")
        guard case .dead(let attempts, let reason) = Self.policy.next(afterAttempt: 0, queuedAt: Self.queued, now: Self.queued, outcome: .failed(gone), random: 0.5) else {
            Issue.record("not dead")
            return
        }
        #expect(attempts == 1)
        #expect(reason.contains("HTTP 404"))
    }

    @Test("attempts and age are capped")
    func caps() {
        guard case .dead(let attempts, _) = Self.policy.next(afterAttempt: 11, queuedAt: Self.queued, now: Self.queued, outcome: .failed(Self.serverError), random: 0.5) else {
            Issue.record("the 12th failure did not dead-letter")
            return
        }
        #expect(attempts == 12)
        guard case .dead(_, let reason) = Self.policy.next(afterAttempt: 3, queuedAt: Self.queued, now: Self.queued + 72 * 3600, outcome: .failed(Self.serverError), random: 0.5) else {
            Issue.record("a three-day-old delivery was not dead-lettered")
            return
        }
        #expect(reason.contains("72 h"))
    }
}
