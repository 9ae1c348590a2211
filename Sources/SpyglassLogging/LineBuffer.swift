import SpyglassCore

/// The bytes of one log line under construction.
///
/// Starts in caller-provided (usually stack) memory and moves to the heap only when a line outgrows it, so an
/// ordinary line is built without allocating.
struct LineBuffer: ~Copyable {
    private var storage: UnsafeMutableBufferPointer<UInt8>
    private var ownsStorage = false
    private(set) var count = 0

    init(initialStorage: UnsafeMutableBufferPointer<UInt8>) {
        storage = initialStorage
    }

    deinit {
        if ownsStorage { storage.deallocate() }
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: storage[..<count])) }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == storage.count { grow(minimum: count + 1) }
        storage[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !bytes.isEmpty else { return }
        if count + bytes.count > storage.count { grow(minimum: count + bytes.count) }
        UnsafeMutableRawPointer(storage.baseAddress! + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        append(UnsafeBufferPointer(rebasing: bytes))
    }

    /// Appends a string's UTF-8 verbatim, for text known to need no escaping (field names, fixed words).
    mutating func append(ascii text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends a string's UTF-8 verbatim.
    mutating func append(utf8 text: String) {
        text.withUTF8Bytes { append($0) }
    }

    /// Appends `value` as 16 lowercase hex digits (a span id, half a trace id).
    mutating func append(hex value: UInt64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { digits in
            Hex.write(value, into: digits, at: 0)
            append(UnsafeBufferPointer(digits))
        }
    }

    /// Appends the decimal digits of `value`.
    mutating func append(decimal value: Int) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            append(decimal: value.magnitude)
        } else {
            append(decimal: UInt(value))
        }
    }

    mutating func append(decimal value: UInt) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var remaining = value
            var index = digits.count
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            append(UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }

    private mutating func grow(minimum: Int) {
        let capacity = Swift.max(minimum, storage.count * 2, 256)
        let bigger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
        if count > 0 {
            UnsafeMutableRawPointer(bigger.baseAddress!).copyMemory(from: storage.baseAddress!, byteCount: count)
        }
        if ownsStorage { storage.deallocate() }
        storage = bigger
        ownsStorage = true
    }
}
