/// Protocol Buffers' binary wire format, written field by field into one growing buffer.
///
/// The export requests are encoded with it straight from Spyglass's records: building swift-protobuf's messages
/// first (a heap-allocated storage per span, attribute and value) and walking them with its generic visitor cost
/// more than the request itself on the benchmark route. It writes what swift-protobuf writes for the same message:
/// fields in field-number order, proto3 defaults left out (except a `oneof` member, which is always written),
/// minimal varints.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    private enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private mutating func tag(_ field: Int, _ wireType: WireType) {
        varint(UInt64(field) << 3 | wireType.rawValue)
    }

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func littleEndian<Value: FixedWidthInteger>(_ value: Value) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// An `int64`, `uint64` or enum field; a negative value takes ten bytes, as protobuf's two's complement asks.
    mutating func varint(_ field: Int, _ value: Int64, always: Bool = false) {
        guard always || value != 0 else { return }
        tag(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    mutating func bool(_ field: Int, _ value: Bool, always: Bool = false) {
        guard always || value else { return }
        tag(field, .varint)
        bytes.append(value ? 1 : 0)
    }

    mutating func fixed64(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, .fixed64)
        littleEndian(value)
    }

    mutating func fixed32(_ field: Int, _ value: UInt32) {
        guard value != 0 else { return }
        tag(field, .fixed32)
        littleEndian(value)
    }

    mutating func double(_ field: Int, _ value: Double, always: Bool = false) {
        guard always || value != 0 else { return }
        tag(field, .fixed64)
        littleEndian(value.bitPattern)
    }

    mutating func string(_ field: Int, _ value: String, always: Bool = false) {
        var value = value
        value.withUTF8 { utf8 in
            guard always || !utf8.isEmpty else { return }
            tag(field, .lengthDelimited)
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A trace id's `bytes` field: its 16 bytes, big-endian, as W3C writes them.
    mutating func traceID(_ field: Int, high: UInt64, low: UInt64) {
        tag(field, .lengthDelimited)
        bytes.append(16)
        bigEndian(high)
        bigEndian(low)
    }

    /// A span id's `bytes` field: its 8 bytes, big-endian.
    mutating func spanID(_ field: Int, _ id: UInt64) {
        tag(field, .lengthDelimited)
        bytes.append(8)
        bigEndian(id)
    }

    private mutating func bigEndian(_ word: UInt64) {
        withUnsafeBytes(of: word.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// A message already encoded (the resource and scope every request repeats).
    mutating func encoded(_ field: Int, _ message: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(message.count))
        bytes.append(contentsOf: message)
    }

    /// A message field whose fields `body` writes. Its length goes before it: one byte is set aside, and the
    /// message is moved up in the rare case its length needs more.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        tag(field, .lengthDelimited)
        let lengthIndex = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - lengthIndex - 1
        guard length >= 0x80 else {
            bytes[lengthIndex] = UInt8(length)
            return
        }
        var lengthBytes = 1
        while length >> (7 * lengthBytes) != 0 { lengthBytes += 1 }
        bytes.insert(contentsOf: repeatElement(0, count: lengthBytes - 1), at: lengthIndex + 1)
        var remaining = UInt64(length)
        for index in lengthIndex..<lengthIndex + lengthBytes {
            bytes[index] = UInt8(truncatingIfNeeded: remaining) | (remaining >= 0x80 ? 0x80 : 0)
            remaining >>= 7
        }
    }
}
