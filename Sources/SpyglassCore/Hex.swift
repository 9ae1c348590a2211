/// Fixed-width lowercase hex, as trace and span ids are written.
package enum Hex {
    /// `value` as 16 lowercase hex digits.
    package static func digits(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            write(value, into: buffer, at: 0)
            return 16
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
}
