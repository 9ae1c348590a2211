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
        let digits: StaticString = "0123456789abcdef"
        var value = value
        for index in stride(from: offset + 15, through: offset, by: -1) {
            buffer[index] = digits.utf8Start[Int(value & 0xF)]
            value >>= 4
        }
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
