import Foundation
import VigieCore
import Yams

/// Everything Vigie needs to run, with defaults that make the repository itself a working
/// setup: SQLite under `.vigie/`, the watchlists in `watchlists/`, the demo scenario as the
/// data source, alerts to `.vigie/alerts.jsonl` and the terminal.
public struct VigieConfiguration: Sendable {
    /// Relative paths in the configuration are read from here: the configuration file's
    /// folder, or the working directory when there is no file.
    public var root: URL
    /// Where the store and the alert log live.
    public var stateDirectory: String = ".vigie"
    /// Watchlist files, or folders whose `.yaml`, `.yml` and `.csv` files are all read.
    public var watchlists: [String] = ["watchlists"]
    public var poller = Poller()
    public var fixture: Fixture? = Fixture()
    public var log = Log()
    public var terminal = Terminal()

    public struct Poller: Sendable {
        /// Time between the starts of two cycles in `vigie run`.
        public var interval: Duration = .seconds(15 * 60)
    }

    public struct Fixture: Sendable {
        /// The scenario folder the fixture provider replays.
        public var scenario: String

        public init(scenario: String = "scenarios/demo") {
            self.scenario = scenario
        }
    }

    public struct Log: Sendable {
        /// The JSON-lines alert log; nil puts it in the state directory.
        public var path: String?
        public var enabled = true
    }

    public struct Terminal: Sendable {
        public var enabled = true
    }

    public init(root: URL) {
        self.root = root
    }

    /// An absolute path for a path written in the configuration.
    public func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
    }

    public var storePath: String { resolve(stateDirectory).appendingPathComponent("vigie.sqlite").path }
    public var logPath: String { log.path.map { resolve($0).path } ?? resolve(stateDirectory).appendingPathComponent("alerts.jsonl").path }
}

extension VigieConfiguration {
    static let topKeys = ["state_dir", "watchlists", "interval", "providers", "channels"]

    /// Reads `vigie.yaml`. Every problem is reported with its line; a file with problems is
    /// not used, so a typo never silently turns a channel off.
    public static func load(file: String) -> Result<VigieConfiguration, ConfigurationError> {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            return .failure(ConfigurationError(issues: [FileIssue(file: file, line: 1, message: "cannot be read; check the path given to --config")]))
        }
        let root = URL(fileURLWithPath: file).deletingLastPathComponent()
        return parse(text, file: file, root: root)
    }

    public static func parse(_ text: String, file: String, root: URL) -> Result<VigieConfiguration, ConfigurationError> {
        var configuration = VigieConfiguration(root: root)
        var issues: [FileIssue] = []
        let node: Node?
        switch YAMLReading.compose(text, file: file) {
        case .failure(let issue): return .failure(ConfigurationError(issues: [issue]))
        case .success(let parsed): node = parsed
        }
        guard let node else { return .success(configuration) }
        guard let top = YAMLReading.entries(node) else {
            return .failure(ConfigurationError(issues: [FileIssue(file: file, line: YAMLReading.line(node), message: "expected keys such as \(topKeys.joined(separator: ", "))")]))
        }

        func unknown(_ key: String, _ line: Int, _ known: [String]) {
            issues.append(FileIssue(file: file, line: line, field: key, message: "unknown key; \(YAMLReading.suggestion(for: key, among: known))"))
        }
        func string(_ value: Node, _ key: String) -> String? {
            guard let text = YAMLReading.scalar(value) else {
                issues.append(FileIssue(file: file, line: YAMLReading.line(value), field: key, message: "expected a text value"))
                return nil
            }
            return text
        }
        func bool(_ value: Node, _ key: String) -> Bool? {
            switch YAMLReading.scalar(value)?.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default:
                issues.append(FileIssue(file: file, line: YAMLReading.line(value), field: key, message: "expected true or false"))
                return nil
            }
        }

        for (key, line, value) in top {
            switch key {
            case "state_dir":
                configuration.stateDirectory = string(value, key) ?? configuration.stateDirectory
            case "watchlists":
                if let list = value.sequence {
                    configuration.watchlists = list.compactMap { string($0, key) }
                } else if let one = string(value, key) {
                    configuration.watchlists = [one]
                }
            case "interval":
                if let raw = string(value, key) {
                    if let interval = parseDuration(raw) {
                        configuration.poller.interval = interval
                    } else {
                        issues.append(FileIssue(file: file, line: YAMLReading.line(value), field: key, message: "\"\(raw)\" is not a duration; write it like 900, 30s, 15m or 1h"))
                    }
                }
            case "providers":
                configuration.fixture = nil
                for (provider, providerLine, settings) in YAMLReading.entries(value) ?? [] {
                    guard provider == "fixture" else { unknown(provider, providerLine, ["fixture"]); continue }
                    var fixture = Fixture()
                    for (setting, settingLine, settingValue) in YAMLReading.entries(settings) ?? [] {
                        if setting == "scenario" { fixture.scenario = string(settingValue, setting) ?? fixture.scenario } else { unknown(setting, settingLine, ["scenario"]) }
                    }
                    configuration.fixture = fixture
                }
            case "channels":
                for (channel, channelLine, settings) in YAMLReading.entries(value) ?? [] {
                    switch channel {
                    case "log":
                        for (setting, settingLine, settingValue) in YAMLReading.entries(settings) ?? [] {
                            switch setting {
                            case "path": configuration.log.path = string(settingValue, setting)
                            case "enabled": configuration.log.enabled = bool(settingValue, setting) ?? true
                            default: unknown(setting, settingLine, ["path", "enabled"])
                            }
                        }
                    case "terminal":
                        for (setting, settingLine, settingValue) in YAMLReading.entries(settings) ?? [] {
                            if setting == "enabled" { configuration.terminal.enabled = bool(settingValue, setting) ?? true } else { unknown(setting, settingLine, ["enabled"]) }
                        }
                    default: unknown(channel, channelLine, ["log", "terminal"])
                    }
                }
            default:
                unknown(key, line, topKeys)
            }
        }
        return issues.isEmpty ? .success(configuration) : .failure(ConfigurationError(issues: issues))
    }

    /// `900`, `30s`, `15m`, `1h`.
    static func parseDuration(_ raw: String) -> Duration? {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value > 0 { return .milliseconds(Int64(value * factor * 1000)) }
            return nil
        }
        guard let seconds = Double(text), seconds > 0 else { return nil }
        return .milliseconds(Int64(seconds * 1000))
    }
}

/// A configuration file with problems: each one at its line.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var issues: [FileIssue]

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
