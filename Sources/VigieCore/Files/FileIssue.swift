/// A problem in a watchlist or configuration file, placed at its file and line, with how to fix it.
public struct FileIssue: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// The column (CSV header) or key (YAML) the problem is in.
    public var field: String?
    public var message: String
    /// Worth reading but harmless to the watch (a column Vigie does not use): the file stays good.
    public var isWarning: Bool

    public init(file: String, line: Int, field: String? = nil, message: String, isWarning: Bool = false) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        self.isWarning = isWarning
    }

    /// `file:line: message`, the form editors and CI logs link to.
    public var description: String {
        "\(file):\(line): \(isWarning ? "warning: " : "")\(field.map { "\($0): " } ?? "")\(message)"
    }
}

/// A watchlist file read in full: every entry that could be read, and every problem found.
///
/// A bad line costs only that line: the others are watched, and the problem is reported (and
/// alerted by the registry). Only a file that cannot be read as a whole (no SIREN column, broken
/// YAML) yields no list; the registry then keeps its last good version in force.
public struct WatchlistParseResult: Sendable {
    public var watchlist: Watchlist?
    public var issues: [FileIssue]

    public init(watchlist: Watchlist?, issues: [FileIssue]) {
        self.watchlist = watchlist
        self.issues = issues
    }

    /// The problems that cost entries (warnings aside).
    public var errors: [FileIssue] { issues.filter { !$0.isWarning } }

    /// Read whole, with no entry lost: the version to keep as the last good one.
    public var isClean: Bool { watchlist != nil && errors.isEmpty }
}
