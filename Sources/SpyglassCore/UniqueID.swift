import Synchronization

/// Request, trace and span ids: unique within the process, unpredictable across processes, and cheap.
///
/// The system generator costs a system call per 64 bits on Linux (measured: about a third of swift-otel's span
/// start). These ids are not secrets, so each is a process-wide counter, offset by a seed drawn once from the
/// system generator, through SplitMix64's finaliser: a bijection, so ids cannot repeat before 2⁶⁴ draws.
package enum UniqueID {
    private static let seed = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    /// A new non-zero 64-bit id.
    package static func next() -> UInt64 {
        while true {
            let sequence = counter.add(1, ordering: .relaxed).newValue
            let value = mix(seed &+ sequence &* 0x9E37_79B9_7F4A_7C15)
            if value != 0 { return value }
        }
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var value = value
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
