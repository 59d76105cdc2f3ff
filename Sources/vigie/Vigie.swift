import ArgumentParser

@main
struct Vigie: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie",
        abstract: "Watches your clients' credit risk and raises one alert per real event.",
        discussion: """
            Vigie reads your watchlists (watchlists/*.yaml, *.csv), polls credit scores and BODACC collective-procedure notices, and alerts when a score drops or a safeguard, receivership or liquidation opens. With no configuration it runs on the embedded default: SQLite in .vigie/, the demo scenario, alerts to .vigie/alerts.jsonl and the terminal.

            Examples:
              vigie demo
              vigie run --once
              vigie alerts list --severity high
              vigie watchlist check watchlists
              vigie <command> --help
            """,
        version: VigieVersion.description,
        subcommands: [RunCommand.self, DemoCommand.self, BodaccCommand.self, WatchlistCommand.self, CoverageCommand.self, CompanyCommand.self, AlertsCommand.self, CasesCommand.self, RulesCommand.self, StatusCommand.self, ServeCommand.self, ChannelsCommand.self, ProvidersCommand.self, StoreCommand.self, MockProviderCommand.self, ConfigCommand.self]
    )

    static func main() async {
        LargeAllocations.returnToTheSystem()
        await main(nil)
    }
}

/// A cycle's large arrays (a million companies' observations and snapshots) live for one
/// cycle. glibc raises its threshold for serving an allocation from its own mapping each time
/// such a mapping is freed, so that after the first cycle the next ones' arrays come from the
/// heap and stay there, spread between threads' arenas: a 100 000-company cycle peaked at
/// 171 MiB of RSS for 98 MB in use. A fixed threshold gives every array over a megabyte its
/// own mapping, returned to the system when it is freed: 145 MiB.
///
/// Fixing that threshold also fixes the one for giving the top of the heap back, at 128 KB:
/// a poll receiving 16 reports of 80–125 KB at a time gave libcurl's receive buffers and the
/// bodies back and faulted them in again, zeroed, on the next transfer (100 000 page faults
/// for 4 000 reports, a quarter of the poll's CPU). Keeping up to 8 MB at the top of each
/// arena leaves the large arrays going back as before (same peak for the cycle) and takes the
/// poll to 14 000 faults.
enum LargeAllocations {
    static func returnToTheSystem() {
        #if canImport(Glibc)
        _ = mallopt(mmapThreshold, 1 << 20)
        _ = mallopt(trimThreshold, 8 << 20)
        #endif
    }

    #if canImport(Glibc)
    /// `M_MMAP_THRESHOLD` and `M_TRIM_THRESHOLD` in glibc's `malloc.h`, which the Glibc module
    /// leaves out.
    static let mmapThreshold: Int32 = -3
    static let trimThreshold: Int32 = -1
    #endif
}

#if canImport(Glibc)
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// What `vigie --version` prints.
enum VigieVersion {
    static let number = "0.9.0"
    static var description: String { "vigie \(number)" }
}
