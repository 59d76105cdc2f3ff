import ArgumentParser
import Foundation
import Logging
import VigieCore
import VigieRuntime

struct ChannelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channels",
        abstract: "Check the channels alerts go out on.",
        subcommands: [Test.self]
    )

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test alert through one channel and say what happened.",
            discussion: "The test alert names no real company and is not stored. Exit 1 if the channel failed."
        )

        @Argument(help: ArgumentHelp("The channel's name in vigie.yaml (log, terminal, or a webhook or email channel).", valueName: "name"))
        var name: String

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            options.bootstrapLogging(default: .warning)
            let configuration = try options.load()
            let application = try VigieApplication(configuration: configuration, logger: Logger(label: "vigie"))
            defer { application.shutdown() }
            guard let channel = application.channels.first(where: { $0.name == name }) else {
                printError("vigie: no channel named \(name); configured: \(application.channels.map(\.name).joined(separator: ", "))")
                throw ExitCode(1)
            }
            let siren = try SIREN("552081317")
            let alert = Alert(
                id: "vg_test_\(Int(Date().timeIntervalSince1970))", siren: siren, companyName: "VIGIE TEST — not a real alert",
                kind: "channel_test", severity: .info, title: "Test alert from vigie channels test",
                evidence: .observation(ObservationEvidence(provider: "vigie", observedOn: CalendarDay(Date()), previousOn: nil, field: "test", old: nil, new: nil)),
                watch: [], createdAt: Date()
            )
            do {
                try await channel.deliver(alert)
                print("\(name): delivered")
            } catch {
                print("\(name): failed — \(error)")
                throw ExitCode(1)
            }
        }
    }
}
