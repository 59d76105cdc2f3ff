/// One JSON object written as a line, field by field, for outputs of hundreds of thousands of
/// lines where Foundation's `JSONEncoder` (its boxed values, its key sorting) was most of the
/// time. Writes what `JSONEncoder` with `.sortedKeys, .withoutEscapingSlashes` writes, given the
/// keys in sorted order: strings escaped the same way, `null` for a value absent.
public struct JSONLine {
    private var writer = Writer()
    private var first = true

    public init() {
        writer.byte(UInt8(ascii: "{"))
    }

    public mutating func field(_ key: String, _ value: String?) {
        name(key)
        if let value { writer.string(value) } else { writer.raw("null") }
    }

    public mutating func field(_ key: String, _ values: [String]) {
        name(key)
        writer.byte(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.string(value)
        }
        writer.byte(UInt8(ascii: "]"))
    }

    public mutating func field(_ key: String, _ value: Int) {
        name(key)
        writer.integer(value)
    }

    /// The members below are left out when absent, as a synthesized `Encodable` leaves out an
    /// optional that is nil: records written for `JSONEncoder`'s readers, byte for byte.
    public mutating func field(_ key: String, ifPresent value: String?) {
        if let value { field(key, value) }
    }

    public mutating func field(_ key: String, ifPresent value: Int?) {
        if let value { field(key, value) }
    }

    public mutating func field(_ key: String, ifPresent values: [String]?) {
        if let values { field(key, values) }
    }

    /// A dictionary's keys are written as they are, in their bytes' order (`.sortedKeys`).
    public mutating func field(_ key: String, ifPresent counts: [String: Int]?) {
        guard let counts else { return }
        field(key) { object in
            for (key, count) in counts.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) { object.field(key, count) }
        }
    }

    /// A nested object, its members written by `write` in sorted order.
    public mutating func field(_ key: String, object write: (inout JSONLine) -> Void) {
        name(key)
        nested(write)
    }

    public mutating func field<Value>(_ key: String, ifPresent value: Value?, object write: (inout JSONLine, Value) -> Void) {
        guard let value else { return }
        field(key) { write(&$0, value) }
    }

    /// An array of objects.
    public mutating func field<Element>(_ key: String, each elements: [Element], object write: (inout JSONLine, Element) -> Void) {
        name(key)
        writer.byte(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            nested { write(&$0, element) }
        }
        writer.byte(UInt8(ascii: "]"))
    }

    private mutating func nested(_ write: (inout JSONLine) -> Void) {
        writer.byte(UInt8(ascii: "{"))
        first = true
        write(&self)
        writer.byte(UInt8(ascii: "}"))
        first = false
    }

    /// The object, closed.
    public var text: String {
        var closed = writer
        closed.byte(UInt8(ascii: "}"))
        return closed.text
    }

    /// The object, closed, as the bytes of its UTF-8 text: for output written as bytes, a line
    /// of a large file without a `String` made (and its bytes checked again) per line.
    public consuming func utf8() -> [UInt8] {
        writer.byte(UInt8(ascii: "}"))
        return writer.bytes
    }

    private mutating func name(_ key: String) {
        if !first { writer.byte(UInt8(ascii: ",")) }
        first = false
        writer.string(key)
        writer.byte(UInt8(ascii: ":"))
    }

    /// JSON text as bytes, strings escaped as `JSONEncoder` escapes them (with
    /// `.withoutEscapingSlashes`): what `JSONLine` and `RecordJSONEncoder` both write with.
    struct Writer {
        private(set) var bytes: [UInt8] = []

        init() {
            bytes.reserveCapacity(512)
        }

        var text: String { String(decoding: bytes, as: UTF8.self) }

        @inline(__always) mutating func byte(_ byte: UInt8) { bytes.append(byte) }

        mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

        mutating func integer(_ value: Int) {
            if value >= 0, value < 10 {
                bytes.append(UInt8(truncatingIfNeeded: 48 + value))
            } else {
                raw(String(value))
            }
        }

        mutating func string(_ value: String) {
            bytes.append(UInt8(ascii: "\""))
            // Most strings need no escape: copied at once.
            if value.utf8.withContiguousStorageIfAvailable({ $0.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C } }) == true {
                bytes.append(contentsOf: value.utf8)
                bytes.append(UInt8(ascii: "\""))
                return
            }
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case 0x00..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
