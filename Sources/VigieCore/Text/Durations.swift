import Foundation

extension Duration {
    /// The longest duration Vigie reads from outside: a year. Longer is a typo or hostile input,
    /// and converting it to whole nanoseconds would trap (`1e20` seconds does not fit an Int64).
    public static let longestAccepted: Duration = .seconds(366 * 86_400)

    /// A duration from a number of seconds read from outside (a configuration value, a
    /// `Retry-After` header): nil when it is not finite, negative, or longer than `limit`,
    /// instead of the trap an unchecked `Int64(…)` conversion raises.
    public static func seconds(reading seconds: Double, upTo limit: Duration = .longestAccepted) -> Duration? {
        guard seconds.isFinite, seconds >= 0, seconds <= limit.seconds else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

/// `Retry-After` as servers write it: `2`, `0.5`, or an HTTP date. Anything longer than a
/// year comes back as a year, so that the caller's own ceiling refuses it with a reason.
public enum RetryAfter {
    public static func parse(_ header: String?, now: Date) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text) {
            guard seconds.isFinite, seconds >= 0 else { return nil }
            return .seconds(reading: seconds) ?? .longestAccepted
        }
        guard let date = httpDate.withLock({ $0.date(from: text) }) else { return nil }
        return .seconds(reading: max(0, date.timeIntervalSince(now))) ?? .longestAccepted
    }

    /// A parsed seconds value from a JSON body (Discord's `retry_after`), with the same limits.
    public static func seconds(_ seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds >= 0 else { return nil }
        return .seconds(reading: seconds) ?? .longestAccepted
    }

    private static let httpDate: LockedFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return LockedFormatter(formatter)
    }()
}

/// A DateFormatter shared across tasks: Foundation's formatters are not thread-safe.
final class LockedFormatter: @unchecked Sendable {
    private let formatter: DateFormatter
    private let lock = NSLock()

    init(_ formatter: DateFormatter) {
        self.formatter = formatter
    }

    func withLock<T>(_ body: (DateFormatter) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(formatter)
    }
}
