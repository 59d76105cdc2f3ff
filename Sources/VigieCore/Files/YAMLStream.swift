import CYAML

/// A YAML value and the line it starts on: what every file Vigie reads by hand is made of
/// (watchlists, configuration, routes, severity rules, actions). Tags are not kept: every value
/// is read as text by the reader that knows what the key means, with its `file:line`.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        /// A scalar's text; `plain` when written without quotes (only then is `null` a null).
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    public let content: Content
    /// 1-based.
    public let line: Int

    public init(_ content: Content, line: Int) {
        self.content = content
        self.line = line
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    public var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// A scalar's text as written (a null included), nil for a collection.
    public var string: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }
}

extension YAMLNode: CustomStringConvertible {
    /// Flow style, for the rare key that is not a scalar.
    public var description: String {
        switch content {
        case .scalar(let text, _): text
        case .sequence(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .mapping(let pairs): "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

/// Reads YAML event by event with libyaml and composes nodes one subtree at a time.
///
/// Composing the whole document before reading it (as `Yams.compose` did) took 27 s and a
/// gigabyte for a watchlist of a million companies. A stream lets the watchlist reader compose
/// one company, turn it into an entry and drop its nodes; every other file is composed whole,
/// by the same code.
///
/// The text is handed to libyaml a slice at a time through a read handler, so no pointer into
/// the Swift string outlives the closure that lent it.
final class YAMLStream {
    /// What libyaml reports, scalars already made nodes.
    enum Event {
        case scalar(YAMLNode)
        case alias(String, line: Int)
        case sequenceStart(line: Int, anchor: String?)
        case sequenceEnd
        case mappingStart(line: Int, anchor: String?)
        case mappingEnd
        case documentStart(line: Int)
        case documentEnd
        case streamEnd
    }

    /// A problem in the text, at the line where libyaml or the composer found it.
    struct Failure: Error {
        let issue: FileIssue
    }

    private let text: String
    private let file: String
    private var offset = 0
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    /// Nodes written with `&name`, for the aliases (`*name`) that follow.
    private var anchors: [String: YAMLNode] = [:]

    init(_ text: String, file: String) {
        var text = text
        text.makeContiguousUTF8()
        self.text = text
        self.file = file
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input(parser, { context, buffer, size, read in
            let stream = Unmanaged<YAMLStream>.fromOpaque(context!).takeUnretainedValue()
            read!.pointee = stream.fill(buffer!, capacity: size)
            return 1
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// Copies the next slice of the text into libyaml's buffer.
    private func fill(_ buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            let count = min(capacity, bytes.count - offset)
            guard count > 0 else { return 0 }
            buffer.update(from: bytes.baseAddress! + offset, count: count)
            offset += count
            return count
        }
    }

    /// The first event of the document's root, nil when the text holds no document.
    func root() throws(Failure) -> Event? {
        while true {
            switch try next() {
            case .documentStart: return try next()
            case .streamEnd: return nil
            default: continue
            }
        }
    }

    /// After the root: fails when a second document follows (`---`).
    func end() throws(Failure) {
        while true {
            switch try next() {
            case .streamEnd: return
            case .documentStart(let line):
                throw failure(line: line, "YAML structure: a second document starts here (\"---\"); keep one document per file")
            default: continue
            }
        }
    }

    /// The whole tree of the text's single document.
    func compose() throws(Failure) -> YAMLNode? {
        guard let first = try root() else { return nil }
        let node = try node(from: first)
        try end()
        return node
    }

    /// How deep collections may nest. Composing recurses once per level: a file of a hundred
    /// thousand `[` overflowed the stack and killed the process. No file Vigie reads needs ten.
    static let maximumDepth = 256
    private var depth = 0

    /// Composes the node that `event` starts: a scalar, an alias, or a whole collection.
    func node(from event: Event) throws(Failure) -> YAMLNode {
        switch event {
        case .sequenceStart(let line, _), .mappingStart(let line, _):
            guard depth < Self.maximumDepth else {
                throw failure(line: line, "YAML structure: lists and blocks nest more than \(Self.maximumDepth) levels deep here; check the brackets and the indentation")
            }
            depth += 1
            defer { depth -= 1 }
            return try composeNode(from: event)
        default:
            return try composeNode(from: event)
        }
    }

    private func composeNode(from event: Event) throws(Failure) -> YAMLNode {
        switch event {
        case .scalar(let node):
            return node
        case .alias(let anchor, let line):
            guard let node = anchors[anchor] else {
                throw failure(line: line, "YAML structure: the alias *\(anchor) names no anchor written before it; write &\(anchor) on the value first")
            }
            return node
        case .sequenceStart(let line, let anchor):
            var items: [YAMLNode] = []
            while let next = try item() {
                items.append(try node(from: next))
            }
            return register(YAMLNode(.sequence(items), line: line), anchor)
        case .mappingStart(let line, let anchor):
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var keys = KeyCheck()
            while let (key, value) = try pair() {
                try keys.check(key, file: file)
                pairs.append((key, try node(from: value)))
            }
            return register(YAMLNode(.mapping(pairs), line: line), anchor)
        case .sequenceEnd, .mappingEnd, .documentStart, .documentEnd, .streamEnd:
            throw failure(line: 1, "YAML structure: the document ends too early")
        }
    }

    /// Inside a mapping: its next key, composed, and the first event of its value; nil at its end.
    func pair() throws(Failure) -> (key: YAMLNode, value: Event)? {
        let first = try next()
        if case .mappingEnd = first { return nil }
        let key = try node(from: first)
        return (key, try next())
    }

    /// Inside a sequence: the first event of its next item; nil at its end.
    func item() throws(Failure) -> Event? {
        let event = try next()
        if case .sequenceEnd = event { return nil }
        return event
    }

    /// The keys of one mapping: YAML forbids writing one twice, and which one wins is anyone's guess.
    struct KeyCheck {
        private var seen: Set<String> = []

        mutating func check(_ key: YAMLNode, file: String) throws(Failure) {
            guard let text = key.string else { return }
            if !seen.insert(text).inserted {
                throw Failure(issue: FileIssue(file: file, line: key.line, field: text, message: "YAML structure: this key is written twice in the same block; keep one"))
            }
        }
    }

    private func register(_ node: YAMLNode, _ anchor: String?) -> YAMLNode {
        if let anchor { anchors[anchor] = node }
        return node
    }

    private func failure(line: Int, _ message: String) -> Failure {
        Failure(issue: FileIssue(file: file, line: line, message: message))
    }

    /// The next event, with what it carries copied out of libyaml's event before it is freed.
    func next() throws(Failure) -> Event {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw parseFailure() }
        defer { yaml_event_delete(&event) }
        let line = event.start_mark.line + 1
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let node = YAMLNode(.scalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE), line: line)
            return .scalar(register(node, Self.string(scalar.anchor)))
        case YAML_ALIAS_EVENT:
            return .alias(Self.string(event.data.alias.anchor) ?? "", line: line)
        case YAML_SEQUENCE_START_EVENT:
            return .sequenceStart(line: line, anchor: Self.string(event.data.sequence_start.anchor))
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            return .mappingStart(line: line, anchor: Self.string(event.data.mapping_start.anchor))
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(line: line)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_STREAM_START_EVENT:
            return try next()
        default:
            // The stream's end, and what libyaml answers after it.
            return .streamEnd
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// libyaml's own words for what it could not read, at its line.
    private func parseFailure() -> Failure {
        let problem = parser.pointee.problem.map { String(cString: $0) } ?? "unreadable text"
        let mark = parser.pointee.problem_mark
        switch parser.pointee.error {
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
            return failure(line: mark.line + 1, "YAML syntax: \(problem); check indentation and quoting around column \(mark.column + 1)")
        case YAML_READER_ERROR:
            let line = text.utf8.prefix(parser.pointee.problem_offset).lazy.filter { $0 == UInt8(ascii: "\n") }.count + 1
            return failure(line: line, "not valid YAML text: \(problem); save the file as UTF-8")
        default:
            return failure(line: mark.line + 1, "not valid YAML: \(problem)")
        }
    }
}
