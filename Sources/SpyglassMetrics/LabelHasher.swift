/// A fast seeded hash of label values and metric names for the registry's indexes.
///
/// The standard library's `Hasher` (SipHash) costs about as much as the rest of a lookup together. This is a
/// multiply–xorshift hash over eight bytes at a time, seeded randomly per process so that label values
/// chosen to collide cannot be prepared in advance; and the series limit bounds how long any probe can get.
struct LabelHasher {
    private static let seed = UInt64.random(in: .min ... .max)
    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var state = LabelHasher.seed

    @inline(__always)
    mutating func combine(_ text: String) {
        // Reading the UTF-8 in place (native and literal strings) avoids copying the string value.
        if text.utf8.withContiguousStorageIfAvailable({ combine(bytes: $0) }) == nil {
            var copy = text
            copy.withUTF8 { combine(bytes: $0) }
        }
    }

    @inline(__always)
    private mutating func combine(bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                mix(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                index += 8
            }
            // The last 0–7 bytes in at most three loads.
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            if bytes.count - index >= 4 {
                tail = UInt64(raw.loadUnaligned(fromByteOffset: index, as: UInt32.self))
                shift = 32
                index += 4
            }
            if bytes.count - index >= 2 {
                tail |= UInt64(raw.loadUnaligned(fromByteOffset: index, as: UInt16.self)) << shift
                shift += 16
                index += 2
            }
            if index < bytes.count { tail |= UInt64(bytes[index]) << shift }
            // The tail holds at most 56 bits; the top byte takes the length, so ("ab", "c") and ("a", "bc")
            // differ.
            mix(tail | UInt64(truncatingIfNeeded: bytes.count) << 56)
        } else {
            mix(0)
        }
    }

    @inline(__always)
    private mutating func mix(_ word: UInt64) {
        state = (state ^ word) &* Self.multiplier
        state ^= state >> 29
    }

    /// The hash: the state through MurmurHash3's 64-bit finaliser.
    @inline(__always)
    func finalize() -> Int {
        var value = state
        value ^= value >> 33
        value &*= 0xFF51_AFD7_ED55_8CCD
        value ^= value >> 33
        value &*= 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 33
        return Int(truncatingIfNeeded: value)
    }

    static func hash(_ values: some Sequence<String>) -> Int {
        var hasher = LabelHasher()
        for value in values { hasher.combine(value) }
        return hasher.finalize()
    }
}

