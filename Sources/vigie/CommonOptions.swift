import ArgumentParser
import Foundation
import Logging
import VigieCore
import VigieRuntime

/// Options every command that touches the store shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (vigie.yaml). Without it, ./vigie.yaml if present, else the embedded default.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Where the store and alert log are, instead of the configuration's state_dir (e.g. .vigie-demo for the demo's).", valueName: "folder"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("Log level on standard error (default: warning for one-off commands).", valueName: "level"))
    var logLevel: Logger.Level?

    /// The configuration in force; problems are printed as `file:line: message` and end the
    /// command. Read-only commands pass `.deferred`: they need no channel or provider secret.
    func load(secrets: VigieConfiguration.Secrets = .required) throws -> VigieConfiguration {
        let file = config ?? (FileManager.default.fileExists(atPath: "vigie.yaml") ? "vigie.yaml" : nil)
        guard let file else {
            var configuration = VigieConfiguration(root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            if let stateDir { configuration.stateDirectory = stateDir }
            return configuration
        }
        switch VigieConfiguration.load(file: file, secrets: secrets) {
        case .success(var configuration):
            if let stateDir { configuration.stateDirectory = URL(fileURLWithPath: stateDir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path }
            return configuration
        case .failure(let error):
            printError(error.description)
            throw ExitCode(2)
        }
    }

    func bootstrapLogging(default level: Logger.Level) {
        let chosen = logLevel ?? ProcessInfo.processInfo.environment["VIGIE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = chosen
            return handler
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {
    /// Each level once, in order: the help lists them from the argument's type.
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension Severity: ExpressibleByArgument {}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes many lines to standard output in large chunks: `print` per line is a bottleneck
/// when classifying a year of notices.
struct OutputBuffer {
    private var buffer: [UInt8] = []

    init() {
        buffer.reserveCapacity(1 << 16)
    }

    mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        endLine()
    }

    mutating func line(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        endLine()
    }

    private mutating func endLine() {
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// "1 company", "3 companies", "0 alerts": counts as people write them.
func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}

/// The company a `--siren` option names (a SIREN, or a SIRET for its company); a clear error and
/// exit 2 when it names none.
func parseSIRENOption(_ value: String) throws -> SIREN {
    do {
        return try CompanyIdentifier(value).siren
    } catch {
        printError("vigie: --siren \(value): \(error)")
        throw ExitCode(2)
    }
}
