import SpyglassCore

/// A fast seeded hash of label values and metric names for the registry's indexes.
///
/// The standard library's `Hasher` (SipHash) costs about as much as the rest of a lookup together. This is a
/// multiply–xorshift hash over eight bytes at a time, seeded randomly per process so that label values
/// chosen to collide cannot be prepared in advance; and the series limit bounds how long any probe can get.
package struct LabelHasher {
    private static let seed = UInt64.random(in: .min ... .max)
    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var state = LabelHasher.seed

    package init() {}

    @inline(__always)
    package mutating func combine(_ text: String) {
        text.withUTF8Bytes { combine(bytes: $0) }
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
            let tail = raw.advanced(by: index).loadPaddedWord(count: bytes.count - index)
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
    package func finalize() -> Int {
        var value = state
        value ^= value >> 33
        value &*= 0xFF51_AFD7_ED55_8CCD
        value ^= value >> 33
        value &*= 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 33
        return Int(truncatingIfNeeded: value)
    }

    package static func hash(_ values: some Sequence<String>) -> Int {
        var hasher = LabelHasher()
        for value in values { hasher.combine(value) }
        return hasher.finalize()
    }
}

