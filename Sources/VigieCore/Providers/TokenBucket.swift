import Foundation

/// A provider's rate limit as a token bucket: `rate` requests per second on average, bursts of
/// up to `capacity`. A plain value: the caller passes the time and sleeps for what it returns.
public struct TokenBucket: Sendable, Hashable {
    public let rate: Double
    public let capacity: Double
    private var tokens: Double
    private var updated: Date?

    public init(rate: Double, capacity: Double) {
        self.rate = max(rate, 0.001)
        self.capacity = max(capacity, 1)
        self.tokens = max(capacity, 1)
    }

    /// Takes one token; returns how long to wait before using it (zero when one was available).
    public mutating func reserve(now: Date) -> Duration {
        if let updated { tokens = min(capacity, tokens + now.timeIntervalSince(updated) * rate) }
        updated = now
        tokens -= 1
        guard tokens < 0 else { return .zero }
        return .milliseconds(Int64((-tokens / rate * 1000).rounded(.up)))
    }
}
