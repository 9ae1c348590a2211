/// Protocol Buffers' binary wire format, written field by field into one growing buffer.
///
/// Spyglass encodes its OTLP export requests and Prometheus's protobuf exposition with it, straight from its own
/// records: building swift-protobuf's messages first (a heap-allocated storage per span, attribute and value)
/// and walking them with its generic visitor cost more than the request itself on the benchmark route. It writes
/// what swift-protobuf writes for the same message: fields in field-number order, proto3 defaults left out
/// (except a `oneof` member, which is always written), minimal varints, repeated scalars packed.
///
/// The buffer is managed by hand, as the text exposition's is: each field reserves its worst case once and is
/// then stored without `Array.append`'s uniqueness and capacity checks per byte.
@_spi(Protobuf) public struct ProtobufWriter: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    @usableFromInline var count = 0

    @inlinable
    public init(capacity: Int = 0) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written.
    @inlinable
    public consuming func finish() -> [UInt8] {
        [UInt8](UnsafeBufferPointer(start: base, count: count))
    }

    @usableFromInline
    enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    @inlinable
    mutating func reserve(_ extra: Int) {
        guard count &+ extra > capacity else { return }
        grow(to: count + extra)
    }

    @usableFromInline
    mutating func grow(to needed: Int) {
        let grown = max(capacity * 2, needed)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = grown
    }

    @inlinable
    mutating func tag(_ field: Int, _ wireType: WireType) {
        varint(UInt64(truncatingIfNeeded: field) &<< 3 | wireType.rawValue)
    }

    @inlinable
    mutating func varint(_ value: UInt64) {
        reserve(10)
        var value = value
        while value >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: value) | 0x80
            count &+= 1
            value &>>= 7
        }
        base[count] = UInt8(truncatingIfNeeded: value)
        count &+= 1
    }

    @inlinable
    mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count &+= bytes.count
    }

    /// `value`'s bytes as they are in memory: callers pass `.littleEndian` or `.bigEndian`.
    @inlinable
    mutating func store<Value: FixedWidthInteger>(_ value: Value) {
        reserve(MemoryLayout<Value>.size)
        UnsafeMutableRawPointer(base + count).storeBytes(of: value, as: Value.self)
        count &+= MemoryLayout<Value>.size
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
        UInt64(bitPattern: (value &<< 1) ^ (value &>> 63))
    }

    @inlinable
    public mutating func bool(_ field: Int, _ value: Bool, always: Bool = false) {
        guard always || value else { return }
        tag(field, .varint)
        varint(value ? 1 : 0)
    }

    @inlinable
    public mutating func fixed64(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, .fixed64)
        store(value.littleEndian)
    }

    @inlinable
    public mutating func fixed32(_ field: Int, _ value: UInt32) {
        guard value != 0 else { return }
        tag(field, .fixed32)
        store(value.littleEndian)
    }

    @inlinable
    public mutating func double(_ field: Int, _ value: Double, always: Bool = false) {
        guard always || value.bitPattern != 0 else { return }
        tag(field, .fixed64)
        store(value.bitPattern.littleEndian)
    }

    @inlinable
    public mutating func string(_ field: Int, _ value: String, always: Bool = false) {
        value.withUTF8Bytes { utf8 in
            guard always || !utf8.isEmpty else { return }
            tag(field, .lengthDelimited)
            varint(UInt64(utf8.count))
            raw(utf8)
        }
    }

    /// A trace id's `bytes` field: its 16 bytes, big-endian, as W3C writes them.
    @inlinable
    public mutating func traceID(_ field: Int, high: UInt64, low: UInt64) {
        tag(field, .lengthDelimited)
        varint(16)
        store(high.bigEndian)
        store(low.bigEndian)
    }

    /// A span id's `bytes` field: its 8 bytes, big-endian.
    @inlinable
    public mutating func spanID(_ field: Int, _ id: UInt64) {
        tag(field, .lengthDelimited)
        varint(8)
        store(id.bigEndian)
    }

    /// A message already encoded (the resource and scope every request repeats).
    @inlinable
    public mutating func encoded(_ field: Int, _ message: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(message.count))
        message.withUnsafeBufferPointer { raw($0) }
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
        reserve(1)
        let lengthIndex = count
        count &+= 1
        body(&self)
        let length = count &- lengthIndex &- 1
        guard length >= 0x80 else {
            base[lengthIndex] = UInt8(truncatingIfNeeded: length)
            return
        }
        var lengthBytes = 1
        while length >> (7 * lengthBytes) != 0 { lengthBytes += 1 }
        reserve(lengthBytes - 1)
        // The regions overlap: copyMemory moves as memmove does.
        UnsafeMutableRawPointer(base + lengthIndex + lengthBytes).copyMemory(from: base + lengthIndex + 1, byteCount: length)
        count &+= lengthBytes - 1
        var remaining = UInt64(length)
        for index in lengthIndex..<lengthIndex + lengthBytes {
            base[index] = UInt8(truncatingIfNeeded: remaining) | (remaining >= 0x80 ? 0x80 : 0)
            remaining >>= 7
        }
    }
}
