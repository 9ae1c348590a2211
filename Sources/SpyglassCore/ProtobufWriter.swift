/// Protocol Buffers' binary wire format, written field by field into one growing buffer.
///
/// Spyglass encodes its OTLP export requests and Prometheus's protobuf exposition with it, straight from its own
/// records: building swift-protobuf's messages first (a heap-allocated storage per span, attribute and value)
/// and walking them with its generic visitor cost more than the request itself on the benchmark route. It writes
/// what swift-protobuf writes for the same message: fields in field-number order, proto3 defaults left out
/// (except a `oneof` member, which is always written), minimal varints, repeated scalars packed.
@_spi(Protobuf) public struct ProtobufWriter {
    /// The encoded bytes so far.
    public var bytes: [UInt8] { buffer }
    @usableFromInline var buffer: [UInt8] = []

    @inlinable
    public init(capacity: Int = 0) {
        buffer.reserveCapacity(capacity)
    }

    @usableFromInline
    enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    @inlinable
    mutating func tag(_ field: Int, _ wireType: WireType) {
        varint(UInt64(field) << 3 | wireType.rawValue)
    }

    @inlinable
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.append(UInt8(value))
    }

    @inlinable
    mutating func littleEndian<Value: FixedWidthInteger>(_ value: Value) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    /// An `int64`, `uint64` or enum field; a negative value takes ten bytes, as protobuf's two's complement asks.
    @inlinable
    public mutating func varint(_ field: Int, _ value: Int64, always: Bool = false) {
        guard always || value != 0 else { return }
        tag(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// A `uint64` field.
    @inlinable
    public mutating func unsigned(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, .varint)
        varint(value)
    }

    /// A `sint32` or `sint64` field, zigzag-encoded so small negative numbers stay short.
    @inlinable
    public mutating func signed(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        tag(field, .varint)
        varint(Self.zigzag(value))
    }

    /// A packed `repeated sint64` field.
    @inlinable
    public mutating func packedSigned(_ field: Int, _ values: some Sequence<Int64>) {
        var iterator = values.makeIterator()
        guard let first = iterator.next() else { return }
        tag(field, .lengthDelimited)
        lengthPrefixed { writer in
            writer.varint(Self.zigzag(first))
            while let value = iterator.next() { writer.varint(Self.zigzag(value)) }
        }
    }

    @inlinable
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    @inlinable
    public mutating func bool(_ field: Int, _ value: Bool, always: Bool = false) {
        guard always || value else { return }
        tag(field, .varint)
        buffer.append(value ? 1 : 0)
    }

    @inlinable
    public mutating func fixed64(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, .fixed64)
        littleEndian(value)
    }

    @inlinable
    public mutating func fixed32(_ field: Int, _ value: UInt32) {
        guard value != 0 else { return }
        tag(field, .fixed32)
        littleEndian(value)
    }

    @inlinable
    public mutating func double(_ field: Int, _ value: Double, always: Bool = false) {
        guard always || value.bitPattern != 0 else { return }
        tag(field, .fixed64)
        littleEndian(value.bitPattern)
    }

    @inlinable
    public mutating func string(_ field: Int, _ value: String, always: Bool = false) {
        var value = value
        value.withUTF8 { utf8 in
            guard always || !utf8.isEmpty else { return }
            tag(field, .lengthDelimited)
            varint(UInt64(utf8.count))
            buffer.append(contentsOf: utf8)
        }
    }

    /// A trace id's `bytes` field: its 16 bytes, big-endian, as W3C writes them.
    @inlinable
    public mutating func traceID(_ field: Int, high: UInt64, low: UInt64) {
        tag(field, .lengthDelimited)
        buffer.append(16)
        bigEndian(high)
        bigEndian(low)
    }

    /// A span id's `bytes` field: its 8 bytes, big-endian.
    @inlinable
    public mutating func spanID(_ field: Int, _ id: UInt64) {
        tag(field, .lengthDelimited)
        buffer.append(8)
        bigEndian(id)
    }

    @inlinable
    mutating func bigEndian(_ word: UInt64) {
        withUnsafeBytes(of: word.bigEndian) { buffer.append(contentsOf: $0) }
    }

    /// A message already encoded (the resource and scope every request repeats).
    @inlinable
    public mutating func encoded(_ field: Int, _ message: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(message.count))
        buffer.append(contentsOf: message)
    }

    /// A message field whose fields `body` writes.
    @inlinable
    public mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        tag(field, .lengthDelimited)
        lengthPrefixed(body)
    }

    /// What `body` writes, preceded by its length as a varint: a message field's value once its tag is written,
    /// or one message of a length-delimited stream. One byte is set aside for the length, and the message is
    /// moved up in the rare case its length needs more.
    @inlinable
    public mutating func lengthPrefixed(_ body: (inout ProtobufWriter) -> Void) {
        let lengthIndex = buffer.count
        buffer.append(0)
        body(&self)
        let length = buffer.count - lengthIndex - 1
        guard length >= 0x80 else {
            buffer[lengthIndex] = UInt8(length)
            return
        }
        var lengthBytes = 1
        while length >> (7 * lengthBytes) != 0 { lengthBytes += 1 }
        buffer.insert(contentsOf: repeatElement(0, count: lengthBytes - 1), at: lengthIndex + 1)
        var remaining = UInt64(length)
        for index in lengthIndex..<lengthIndex + lengthBytes {
            buffer[index] = UInt8(truncatingIfNeeded: remaining) | (remaining >= 0x80 ? 0x80 : 0)
            remaining >>= 7
        }
    }
}
