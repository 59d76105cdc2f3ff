import ArgumentParser
import Foundation
import Logging
import VigieCore
import VigieDelivery
import VigieRuntime
import VigieTransport

struct ChannelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channels",
        abstract: "Check the channels alerts go out on.",
        subcommands: [Test.self]
    )

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test alert through one channel and say what happened.",
            discussion: """
                The test alert names no company and is not stored. The log channel is only checked (the alert log can be opened for writing): a test line would land among real alerts, which on-call tools read. Exit 1 if the channel failed.

                Example:
                  vigie channels test risk-slack
                """
        )

        @Argument(help: ArgumentHelp("The channel's name in vigie.yaml (log, terminal, or a webhook or email channel).", valueName: "name"))
        var name: String

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            options.bootstrapLogging(default: .warning)
            // The log and the terminal need no secret; another channel needs its own.
            let configuration = try options.load(secrets: ["log", "terminal"].contains(name) ? .deferred : .required)
            if name == "log" {
                try checkLog(configuration)
                return
            }
            let names = (configuration.terminal.enabled ? ["terminal"] : []) + configuration.channels.map(\.name)
            guard name == "terminal" ? configuration.terminal.enabled : configuration.channels.contains(where: { $0.name == name }) else {
                printError("vigie: no channel named \(name); configured: \((["log"] + names).joined(separator: ", "))")
                throw ExitCode(1)
            }
            let (templates, _) = try VigieApplication.delivery(configuration)
            let transport = CurlTransport(configuration: configuration.delivery.transport)
            defer { transport.shutdown() }
            let channel: any AlertChannel = if let spec = configuration.channels.first(where: { $0.name == name }) {
                try VigieApplication.channel(spec, transport: transport, templates: templates, clock: SystemWallClock())
            } else {
                TerminalChannel(language: configuration.language)
            }
            let now = SystemWallClock().now
            let alert = Alert(
                id: "vg_test_\(Int(now.timeIntervalSince1970))", siren: nil, companyName: "VIGIE TEST — not a real alert",
                kind: "channel_test", severity: .info, title: "Test alert from vigie channels test: nothing is wrong",
                evidence: .observation(ObservationEvidence(provider: "vigie", observedOn: CalendarDay(now), previousOn: nil, field: "test", old: nil, new: nil)),
                watch: [], createdAt: now
            )
            do {
                try await channel.deliver(alert)
                print("\(name): delivered")
            } catch {
                print("\(name): failed — \(error)")
                throw ExitCode(1)
            }
        }

        /// Whether the alert log can be appended to, without writing to it.
        func checkLog(_ configuration: VigieConfiguration) throws {
            guard configuration.log.enabled else {
                print("log: disabled in the configuration (channels.log.enabled: false)")
                throw ExitCode(1)
            }
            let path = configuration.logPath
            let folder = (path as NSString).deletingLastPathComponent
            let exists = FileManager.default.fileExists(atPath: path)
            let writable = exists ? FileManager.default.isWritableFile(atPath: path) : FileManager.default.isWritableFile(atPath: folder) || !FileManager.default.fileExists(atPath: folder)
            guard writable else {
                print("log: failed — \(path) cannot be written; check channels.log.path and the folder's permissions")
                throw ExitCode(1)
            }
            print("log: \(path) can be written\(exists ? "" : " (it will be created with the first alert)"); nothing was written to it")
        }
    }
}
