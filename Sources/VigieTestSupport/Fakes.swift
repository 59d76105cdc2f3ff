import Foundation
import Logging
import Synchronization
import VigieCore

/// A clock tests move by hand.
public final class ManualWallClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_770_000_000)) {
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A score provider that answers from a script of polls, one per call, and records what it was asked.
public final class ScriptedScoreProvider: ScoreProvider {
    public let name: String
    private let state: Mutex<(script: [Result<ScorePoll, ProviderFailureError>], asked: [[SIREN]])>

    public init(name: String = "creditsafe", script: [Result<ScorePoll, ProviderFailureError>]) {
        self.name = name
        state = Mutex((script, []))
    }

    public var asked: [[SIREN]] { state.withLock { $0.asked } }

    public func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll {
        let next = state.withLock { state -> Result<ScorePoll, ProviderFailureError>? in
            state.asked.append(companies)
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        return try next?.get() ?? ScorePoll(observations: [], cursor: nil)
    }
}

/// A procedure feed that answers from a script of polls, one per call.
public final class ScriptedProcedureFeed: ProcedureFeed {
    public let name: String
    private let script: Mutex<[Result<FeedPoll, ProviderFailureError>]>

    public init(name: String = "bodacc", script: [Result<FeedPoll, ProviderFailureError>]) {
        self.name = name
        self.script = Mutex(script)
    }

    public func poll(watching: Set<SIREN>, cursor: String?) async throws -> FeedPoll {
        let next = script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        return try next?.get() ?? FeedPoll(notices: [], cursor: nil)
    }
}

/// What a scripted provider throws: a timeout, a 5xx, a malformed body.
public struct ProviderFailureError: Error, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// A channel that keeps what it is given, and can be told to fail.
public final class RecordingChannel: AlertChannel {
    public let name: String
    private let state: Mutex<(alerts: [Alert], failing: Bool, attempts: Int)>

    public init(name: String = "recording", failing: Bool = false) {
        self.name = name
        state = Mutex(([], failing, 0))
    }

    public var alerts: [Alert] { state.withLock { $0.alerts } }
    /// Every call to `deliver`, failed or not.
    public var attempts: Int { state.withLock { $0.attempts } }

    public func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    public func deliver(_ alert: Alert) async throws {
        try state.withLock { state in
            state.attempts += 1
            if state.failing { throw ProviderFailureError("channel \(name) is down") }
            state.alerts.append(alert)
        }
    }
}

/// A log handler that keeps every line, for tests that check what is (and is not) logged.
public final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    private let lines = Mutex<[String]>([])
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init() {}

    public var recorded: [String] { lines.withLock { $0 } }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let error = event.error.map { " error=\($0)" } ?? ""
        lines.withLock { $0.append("\(event.level) \(event.message) \(all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))\(error)") }
    }

    /// A logger that writes here.
    public func logger(_ label: String = "test") -> Logger {
        Logger(label: label) { _ in self }
    }
}

extension SIREN {
    /// `count` valid SIRENs, the same from one run to the next: eight-digit stems from `first`,
    /// `step` apart, each with the check digit that passes Luhn.
    public static func samples(_ count: Int, first: Int = 31_000_000, step: Int = 7) -> [SIREN] {
        (0..<count).map { index in
            let stem = String(format: "%08d", (first + index * step) % 100_000_000)
            return (0...9).lazy.compactMap { try? SIREN("\(stem)\($0)") }.first!
        }
    }
}
