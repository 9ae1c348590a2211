import SpyglassCore

/// The request id every request carries: the caller's `X-Request-ID` when it is safe to reuse, a new one
/// otherwise.
enum RequestID {
    /// The header the id is read from and echoed on.
    static let headerName = SpyglassContext.requestIDHeaderName

    /// `incoming` when it is 1–128 characters of `[A-Za-z0-9._:-]`, so it can be logged and echoed
    /// without escaping or header injection; otherwise a new random id.
    static func accepting(_ incoming: String?) -> String {
        if let incoming, isValid(incoming) { return incoming }
        return generate()
    }

    static func isValid(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (1...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// The length of a new id: the longest a Swift `String` stores inline, so making, binding, logging and echoing
    /// it allocates nothing.
    static let generatedLength = 15

    /// 15 characters of RFC 4648's base32hex alphabet in lowercase (`0-9a-v`): 75 bits, the first 64 of them one
    /// ``UniqueID`` draw, so unique within the process, and unpredictable across processes.
    static func generate() -> String {
        // A 75-bit number, low 64 bits first, five bits a digit.
        var low = UniqueID.next()
        var high = UniqueID.next() & 0x7FF
        return String(unsafeUninitializedCapacity: generatedLength) { buffer in
            let digits: StaticString = "0123456789abcdefghijklmnopqrstuv"
            for index in 0..<generatedLength {
                buffer[index] = digits.utf8Start[Int(truncatingIfNeeded: low & 0x1F)]
                low = low >> 5 | high << 59
                high >>= 5
            }
            return generatedLength
        }
    }
}
