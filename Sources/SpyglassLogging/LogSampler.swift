import Logging
import SpyglassCore
import Synchronization

/// Lock-free sampling of repetitive lines, as configured by ``LogSampling``.
///
/// Each (level, message) pair hashes to one of a fixed number of counters, so memory stays constant however
/// many distinct messages there are; two messages sharing a counter are sampled together, which can only make
/// sampling stricter for them, never drop a message that would otherwise be written past ``LogSampling/first``.
final class LogSampler: Sendable {
    private static let slotCount = 4096

    private let first: UInt64
    private let thereafter: UInt64
    private let intervalNanoseconds: UInt64
    /// Each slot packs the window number (high 32 bits) and the count within it (low 32 bits).
    private nonisolated(unsafe) let slots: UnsafeMutablePointer<Atomic<UInt64>>
    private let dropped = Atomic<Int>(0)

    init(_ sampling: LogSampling) {
        first = UInt64(sampling.first)
        thereafter = UInt64(sampling.thereafter)
        let (seconds, attoseconds) = sampling.interval.components
        intervalNanoseconds = max(1, UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000))
        slots = .allocate(capacity: Self.slotCount)
        for index in 0..<Self.slotCount { (slots + index).initialize(to: Atomic(0)) }
    }

    deinit {
        slots.deinitialize(count: Self.slotCount)
        slots.deallocate()
    }

    /// Lines dropped so far.
    var droppedCount: Int { dropped.load(ordering: .relaxed) }

    /// Whether a line with this level and message, written at `now`, should be kept.
    func shouldWrite(level: Logger.Level, message: String, nowNanoseconds: UInt64) -> Bool {
        var message = message
        let hash = message.withUTF8 { Self.fnv1a($0, seed: Self.seed(for: level)) }
        let slot = Int(truncatingIfNeeded: hash) & (Self.slotCount - 1)
        let window = (nowNanoseconds / intervalNanoseconds) & 0xFFFF_FFFF
        var current = slots[slot].load(ordering: .relaxed)
        var count: UInt64
        while true {
            count = (current >> 32 == window) ? min((current & 0xFFFF_FFFF) + 1, 0xFFFF_FFFF) : 1
            let (exchanged, original) = slots[slot].compareExchange(
                expected: current, desired: window << 32 | count, ordering: .relaxed
            )
            if exchanged { break }
            current = original
        }
        if count <= first || (count - first) % thereafter == 0 { return true }
        dropped.add(1, ordering: .relaxed)
        return false
    }

    /// A distinct seed per level, so one message at two levels is counted in two places.
    private static func seed(for level: Logger.Level) -> UInt64 {
        let index: UInt64 =
            switch level {
            case .trace: 1
            case .debug: 2
            case .info: 3
            case .notice: 4
            case .warning: 5
            case .error: 6
            case .critical: 7
            }
        return index &* 0x9E37_79B9_7F4A_7C15
    }

    private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
