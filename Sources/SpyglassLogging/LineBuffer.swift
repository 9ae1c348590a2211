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

    /// Appends `value` as `Double.description` writes it.
    ///
    /// Every `duration_ms` is a whole number of microseconds (``Swift/Duration/roundedMilliseconds``): such a value
    /// is written here from its integer thousandths, which costs a fraction of the shortest-digits algorithm.
    /// Any other value goes through `description`.
    mutating func append(describing value: Double) {
        guard let thousandths = Self.thousandths(of: value) else { return append(utf8: value.description) }
        append(decimal: thousandths / 1000)
        append(UInt8(ascii: "."))
        var fraction = thousandths % 1000
        guard fraction > 0 else { return append(UInt8(ascii: "0")) }
        var divisor: UInt = 100
        while fraction > 0 {
            append(UInt8(ascii: "0") + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }

    /// `value` × 1000 when `value` is the double nearest a decimal of at most three fraction digits, positive and
    /// below 10¹²: then `description` writes exactly that decimal (it has at most 15 significant digits, so no
    /// other decimal as short rounds to the same double, and it is in the range written without an exponent).
    private static func thousandths(of value: Double) -> UInt? {
        guard value.sign == .plus, value < 1e12 else { return nil }
        let scaled = (value * 1000).rounded()
        let thousandths = UInt(scaled)
        return Double(thousandths) / 1000 == value ? thousandths : nil
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
