/// A notice file or record Vigie cannot read, with where and what to do about it.
public struct NoticeDecodingError: Error, CustomStringConvertible, Sendable {
    public var file: String
    /// The line (JSONL, XML) or record index the problem is at, when known.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
