/// Where alerts go: the log file, the terminal, a webhook, a mailbox.
///
/// Channels deliver from the outbox: a delivery that throws stays queued, and is tried again.
/// The alert's id is the idempotency key a receiver deduplicates on.
public protocol AlertChannel: Sendable {
    /// The name deliveries are queued under (`log`, `terminal`, `slack-risk`).
    var name: String { get }
    /// Whether alerts must go out one at a time, in the order they were queued (the terminal
    /// and the log, which people read top to bottom), rather than several at once.
    var deliversInOrder: Bool { get }
    func deliver(_ alert: Alert) async throws
    /// Sends several alerts as one message (a digest route's window). Channels without a
    /// digest form deliver them one by one.
    func deliver(digest alerts: [Alert]) async throws
}

extension AlertChannel {
    public var deliversInOrder: Bool { false }

    public func deliver(digest alerts: [Alert]) async throws {
        for alert in alerts { try await deliver(alert) }
    }
}
