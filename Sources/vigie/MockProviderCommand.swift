import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VigieMock

struct MockProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-provider",
        abstract: "Serve the providers' APIs from a scenario, to try Vigie without an account.",
        discussion: """
            Serves Creditsafe Connect (/creditsafe: authenticate, companies?regNo=, companies/{id}; user demo, password demo; and /creditsafe/monitoring/…), Ellisphère (/ellisphere/svcOnlineOrder; password demo), Pappers (/pappers/v2/entreprise; api_token demo), Altares (/altares/entreprises/ {siren}/score; key demo; Vigie's unverified shape), the insurers Allianz Trade (/allianz-trade: oauth2/token, v1/covers) and Coface (/coface: oauth/token, cofaserve/v1/decisions and notifications; API key demo), from each step's insurers/<name>.csv export in Vigie's unverified shapes, and BODACC (/bodacc/api/explore/v2.1/catalog/datasets/ annonces-commerciales: records, exports/json) from the scenario's files. POST /_mock/advance moves to the next step; GET /_mock/stats counts what was served. Faults on demand: an expiring token, 5xx, 429 bursts, cut bodies, empty answers, 10 MB answers, HTML pages, stalls past a timeout, latency, a provider down. Point the providers' base_url at it.

            Examples:
              vigie mock-provider --port 8089
              vigie mock-provider --fail-every 4 --throttle-every 7 --latency-ms 50
            """
    )

    @Option(name: .long, help: "Port to listen on, on 127.0.0.1 (0: any free port).")
    var port = 8089

    @Option(name: .long, help: ArgumentHelp("The scenario folder to serve.", valueName: "folder"))
    var scenario = "scenarios/demo"

    @Option(name: .long, help: "Tokens stop working after this many requests (0: never).")
    var tokenRequests = 0

    @Option(name: .long, help: "Every Nth API request answers 500 with an HTML page (0: never).")
    var failEvery = 0

    @Option(name: .long, help: "Every Nth API request answers 429 with Retry-After: 1 (0: never).")
    var throttleEvery = 0

    @Option(name: .long, help: "Every Nth report is cut in the middle of its JSON (0: never).")
    var malformedEvery = 0

    @Option(name: .long, help: "Every Nth report is an empty 200 (0: never).")
    var emptyEvery = 0

    @Option(name: .long, help: "Every Nth report carries 10 MB of padding (0: never).")
    var hugeEvery = 0

    @Option(name: .long, help: "Every Nth report is a 200 with an HTML maintenance page (0: never).")
    var htmlEvery = 0

    @Option(name: .long, help: "Every Nth API request waits --stall-ms before answering (0: never).")
    var stallEvery = 0

    @Option(name: .long, help: "How long a stalled report waits, in milliseconds.")
    var stallMs = 5000

    @Option(name: .long, help: "Milliseconds added before every answer.")
    var latencyMs = 0

    @Flag(name: .long, help: "Every API request answers 503: the providers are down.")
    var down = false

    @Flag(name: .long, help: "Serve BODACC notices on the days the scenario wrote, not moved so that its latest is today.")
    var bodaccAsWritten = false

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        var configuration = MockProviderServer.Configuration(scenario: URL(fileURLWithPath: scenario))
        configuration.port = port
        configuration.bodaccOnToday = !bodaccAsWritten
        configuration.tokenRequests = tokenRequests
        configuration.faults.failEvery = failEvery
        configuration.faults.throttleEvery = throttleEvery
        configuration.faults.malformedEvery = malformedEvery
        configuration.faults.emptyEvery = emptyEvery
        configuration.faults.hugeEvery = hugeEvery
        configuration.faults.htmlEvery = htmlEvery
        configuration.faults.stallEvery = stallEvery
        configuration.faults.stall = .milliseconds(stallMs)
        configuration.faults.latency = .milliseconds(latencyMs)
        configuration.faults.down = down
        let server: MockProviderServer
        do {
            server = try MockProviderServer(configuration: configuration) { port in
                // Unbuffered, so a script reading the port from a pipe or a file sees it at once.
                FileHandle.standardOutput.write(Data("""
                    vigie mock-provider: Creditsafe on http://127.0.0.1:\(port)/creditsafe (user demo, password demo)
                    vigie mock-provider: Ellisphère on http://127.0.0.1:\(port)/ellisphere, Pappers on http://127.0.0.1:\(port)/pappers/v2, Altares on http://127.0.0.1:\(port)/altares (secret demo)
                    vigie mock-provider: BODACC on http://127.0.0.1:\(port)/bodacc/api/explore/v2.1/catalog/datasets/annonces-commerciales

                    """.utf8))
            }
        } catch {
            printError("vigie mock-provider: \(error)")
            throw ExitCode(2)
        }
        try await ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "vigie.mock")).run()
    }
}
