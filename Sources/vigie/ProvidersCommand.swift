import ArgumentParser
import Foundation
import Logging
import VigieCore
import VigieRuntime

struct ProvidersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "Check the sources Vigie reads.",
        subcommands: [Test.self, Cost.self]
    )

    struct Cost: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Estimate what the configured providers will be asked for in a day.",
            discussion: """
                Counts the companies on the watchlists and, for each provider, the billed reports a day (the first day, with baselines, and an ordinary one) and the other requests, from each provider's interval, monitoring and max_reports_per_day. Nothing is sent.

                Examples:
                  vigie providers cost
                  vigie providers cost --change-rate 5
                """
        )

        @Option(name: .long, help: ArgumentHelp("Percent of companies a monitoring provider reports an event on in a day.", valueName: "percent"))
        var changeRate: Double = 2

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let configuration = try options.load(secrets: .deferred)
            var sirens: Set<SIREN> = []
            for url in WatchlistLoader.files(at: configuration.watchlists.map(configuration.resolve)) {
                guard let text = WatchlistLoader.read(url) else { continue }
                sirens.formUnion(WatchlistLoader.parse(text, file: url.path).watchlist?.entries.map(\.siren) ?? [])
            }
            let estimate = CostEstimate(configuration: configuration, companies: sirens.count, changeRate: max(0, min(changeRate, 100)) / 100)
            print("\(counted(sirens.count, "company", "companies")) on the watchlists")
            if estimate.rows.isEmpty { print("no billed provider configured: the embedded fixture costs nothing") }
            for row in estimate.rows {
                var line = "\(row.provider): \(row.mode); \(row.firstDayReports) reports the first day, \(row.dailyReports) a day after; \(counted(row.otherRequests, "other request")) a day"
                if let budget = row.budget { line += "; budget \(budget) a day" + (row.overBudget ? " — TOO SMALL: reports would be deferred every day" : "") }
                print(line)
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask each configured source about one company and say what it answered.",
            discussion: """
                Score providers are asked for the company's report (outside any cycle: nothing is stored, no cursor moves, Creditsafe's monitoring portfolio is not touched); the BODACC feed is asked for the company's notices. Exit 1 if a source failed.

                Examples:
                  vigie providers test
                  vigie providers test creditsafe --siren 881843924
                """
        )

        @Argument(help: ArgumentHelp("Only this source (creditsafe, ellisphere, pappers, altares, bodacc).", valueName: "name"))
        var name: String?

        @Option(name: .long, help: ArgumentHelp("The company to ask about; default: the first watched company.", valueName: "siren"))
        var siren: String?

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            options.bootstrapLogging(default: .warning)
            let configuration = try options.load()
            let application = try await VigieApplication(configuration: configuration, logger: Logger(label: "vigie"))
            defer { application.shutdown() }
            let company: SIREN
            if let siren {
                company = try parseSIRENOption(siren)
            } else if let first = WatchSet(try await application.registry.load().watchlists).sirens.first {
                company = first
            } else {
                printError("vigie: the watchlists name no company; give one with --siren")
                throw ExitCode(2)
            }
            let providers = application.providers.filter { name == nil || $0.name == name }
            let feeds = application.feeds.filter { name == nil || $0.name == name }
            guard !providers.isEmpty || !feeds.isEmpty else {
                printError("vigie: no source named \(name ?? "?"); configured: \((application.providers.map(\.name) + application.feeds.map(\.name)).joined(separator: ", "))")
                throw ExitCode(1)
            }
            var failed = false
            for provider in providers {
                do {
                    print("\(provider.name): " + (try await provider.probe(company).map(Self.describe) ?? "does not know \(company.formatted)"))
                } catch {
                    failed = true
                    print("\(provider.name): failed — \(error)")
                }
            }
            for feed in feeds {
                do {
                    guard let notices = try await feed.history(of: [company], cursor: nil) else {
                        print("\(feed.name): cannot search by company (a fixture or a bulk file)")
                        continue
                    }
                    print("\(feed.name): \(notices.count) notice(s) about \(company.formatted)")
                    for notice in notices.sorted(by: { ($0.published?.iso ?? "") < ($1.published?.iso ?? "") }) {
                        print("  \(notice.published?.iso ?? "?")  \(notice.id)  \(NoticeClassifier.classify(notice).title)")
                    }
                } catch {
                    failed = true
                    print("\(feed.name): failed — \(error)")
                }
            }
            if failed { throw ExitCode(1) }
        }

        /// "LE JULES VERNE (494 814 452), 2022-07-22: score Not Rated, limit not applicable, struck_off, …".
        static func describe(_ observation: ScoreObservation) -> String {
            var parts: [String] = []
            if let score = observation.score { parts.append("score \(score.text)") }
            if let rating = observation.rating { parts.append("rating \(rating)") }
            if let limit = observation.creditLimit { parts.append("limit \(limit.text)") }
            if let status = observation.status { parts.append(status.rawValue) }
            if let event = observation.legalEvents.first { parts.append("latest legal event: \(event.summary)") }
            if let cover = observation.cover {
                parts.append("cover \(cover.decision.rawValue)\(cover.granted.map { " \($0)" } ?? "")\(cover.expiresOn.map { " until \($0.iso)" } ?? "")")
            }
            if let balance = observation.balance {
                parts.append("owed \(balance.owed), overdue \(Money(amount: balance.overdue, currency: balance.currency))\(balance.lastPayment.map { ", last payment \($0.iso)" } ?? "")")
            }
            let name = observation.companyName.map { "\($0) " } ?? ""
            return "\(name)(\(observation.siren.formatted)), \(observation.observedOn.iso): " + (parts.isEmpty ? "nothing stated" : parts.joined(separator: ", "))
        }
    }
}
