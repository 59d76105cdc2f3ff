/// A problem in a watchlist or configuration file, placed at its file and line, with how to fix it.
public struct FileIssue: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// The column (CSV header) or key (YAML) the problem is in.
    public var field: String?
    public var message: String

    public init(file: String, line: Int, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `file:line: message`, the form editors and CI logs link to.
    public var description: String {
        "\(file):\(line): \(field.map { "\($0): " } ?? "")\(message)"
    }
}

/// A watchlist file read in full: the list if it is sound, and every problem found.
///
/// A file with any problem yields no list: a half-read list would silently drop companies
/// from the watch. The caller keeps the last good version in force instead.
public struct WatchlistParseResult: Sendable {
    public var watchlist: Watchlist?
    public var issues: [FileIssue]

    public init(watchlist: Watchlist?, issues: [FileIssue]) {
        self.watchlist = issues.isEmpty ? watchlist : nil
        self.issues = issues
    }
}
