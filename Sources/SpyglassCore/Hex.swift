/// Fixed-width lowercase hex, as trace and span ids are written.
package enum Hex {
    /// `value` as 16 lowercase hex digits.
    package static func digits(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            write(value, into: buffer, at: 0)
            return 16
        }
    }

    /// A W3C trace id, high then low 64 bits, as 32 lowercase hex digits.
    package static func digits(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            write(high, into: buffer, at: 0)
            write(low, into: buffer, at: 16)
            return 32
        }
    }

    /// Writes `value` as 16 lowercase hex digits into `buffer[offset..<offset + 16]`.
    package static func write(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        precondition(offset >= 0 && offset + 16 <= buffer.count)
        let bytes = UnsafeMutableRawBufferPointer(buffer)
        // Eight digits a word, all at once, instead of a table lookup a digit: it runs on every trace and span id
        // written (each log line, header and `traceparent`).
        bytes.storeBytes(of: digits(UInt32(truncatingIfNeeded: value >> 32)), toByteOffset: offset, as: UInt64.self)
        bytes.storeBytes(of: digits(UInt32(truncatingIfNeeded: value)), toByteOffset: offset + 8, as: UInt64.self)
    }

    /// `value`'s eight hex digits as the bytes of one word, most significant first in memory.
    private static func digits(_ value: UInt32) -> UInt64 {
        // Nibble k into byte k: halves, then bytes, then nibbles, spread apart.
        var nibbles = UInt64(value)
        nibbles = (nibbles | nibbles << 16) & 0x0000_FFFF_0000_FFFF
        nibbles = (nibbles | nibbles << 8) & 0x00FF_00FF_00FF_00FF
        nibbles = (nibbles | nibbles << 4) & 0x0F0F_0F0F_0F0F_0F0F
        // "0" + nibble, plus the distance from "9" + 1 to "a" for nibbles of 10 and more (+6 carries into bit 4).
        let letters = ((nibbles &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        let ascii = nibbles &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
        // Byte 7 holds the most significant digit: stored big-endian, it comes first.
        return ascii.bigEndian
    }

    /// A trace id's halves from its 32 hex digits (either case); `nil` for anything else.
    package static func traceID(_ text: some StringProtocol) -> (high: UInt64, low: UInt64)? {
        guard text.utf8.count == 32, text.utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        guard let high = UInt64(text.prefix(16), radix: 16), let low = UInt64(text.suffix(16), radix: 16) else { return nil }
        return (high, low)
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
