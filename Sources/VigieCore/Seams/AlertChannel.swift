/// Where alerts go: the log file, the terminal, a webhook, a mailbox.
///
/// Channels deliver from the outbox: a delivery that throws stays queued, and is tried again.
/// The alert's id is the idempotency key a receiver deduplicates on.
public protocol AlertChannel: Sendable {
    /// The name deliveries are queued under (`log`, `terminal`, `slack-risk`).
    var name: String { get }
    func deliver(_ alert: Alert) async throws
}
