import Synchronization

/// The request id every request carries: the caller's `X-Request-ID` when it is safe to reuse, a new one
/// otherwise.
enum RequestID {
    /// The header the id is read from and echoed on.
    static let headerName = "X-Request-ID"

    /// `incoming` when it is 1–128 characters of `[A-Za-z0-9._:-]` (DESIGN.md), so it can be logged and echoed
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

    /// 32 lowercase hex digits, unique within the process and unpredictable across processes.
    ///
    /// Ids are not secrets, and the system generator costs a system call per 64 bits on Linux: each id is a
    /// process-wide counter, offset by a random seed drawn once, passed through SplitMix64's mixer.
    static func generate() -> String {
        let sequence = counter.add(1, ordering: .relaxed).newValue
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 32) { buffer in
            for half in 0..<2 {
                var bits = mix(seed &+ (sequence &* 2 &+ UInt64(half)) &* 0x9E37_79B9_7F4A_7C15)
                for index in 0..<16 {
                    buffer[half * 16 + index] = digits.utf8Start[Int(bits & 0xF)]
                    bits >>= 4
                }
            }
            return 32
        }
    }

    private static let seed = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    /// SplitMix64's finaliser: a bijection that spreads every input bit over the output.
    private static func mix(_ value: UInt64) -> UInt64 {
        var value = value
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
