import Synchronization

/// Remembers whether recently seen metadata keys are sensitive, so the same few keys logged on every line are
/// judged once.
///
/// A fixed table of slots, each holding one key of up to 24 bytes and its decision, guarded by a sequence
/// number (a seqlock): readers never block or allocate, and a read that overlaps a write sees an odd or
/// changed sequence number and counts as a miss. A writer that finds the slot busy simply does not cache.
/// Every access is atomic, so a torn read is detected, never acted on.
final class KeyDecisionCache: Sendable {
    static let slotCount = 256
    static let maxKeyBytes = 24

    /// Per slot: sequence number, three words of key bytes, and a word with the key length and decision.
    private static let wordsPerSlot = 5
    private nonisolated(unsafe) let words: UnsafeMutablePointer<Atomic<UInt64>>

    init() {
        let count = Self.slotCount * Self.wordsPerSlot
        words = .allocate(capacity: count)
        for index in 0..<count { (words + index).initialize(to: Atomic(0)) }
    }

    deinit {
        words.deinitialize(count: Self.slotCount * Self.wordsPerSlot)
        words.deallocate()
    }

    /// The cached decision for `key`, or `nil` when it is not cached (or too long to be).
    @inline(__always)
    func decision(for key: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard key.count <= Self.maxKeyBytes else { return nil }
        let (packed, slot) = Self.pack(key)
        let base = words + slot * Self.wordsPerSlot
        let sequence = base[0].load(ordering: .acquiring)
        guard sequence & 1 == 0 else { return nil }
        let first = base[1].load(ordering: .relaxed)
        let second = base[2].load(ordering: .relaxed)
        let third = base[3].load(ordering: .relaxed)
        let meta = base[4].load(ordering: .relaxed)
        atomicMemoryFence(ordering: .acquiring)
        guard base[0].load(ordering: .relaxed) == sequence else { return nil }
        // `meta`: bit 63 set when the slot holds a key, bit 62 the decision, low byte the key length.
        guard meta >> 63 == 1, meta & 0xFF == UInt64(key.count), first == packed.0, second == packed.1, third == packed.2
        else { return nil }
        return meta >> 62 & 1 == 1
    }

    /// Stores `decision` for `key`, unless another thread is writing the same slot.
    func store(_ decision: Bool, for key: UnsafeBufferPointer<UInt8>) {
        guard key.count <= Self.maxKeyBytes else { return }
        let (packed, slot) = Self.pack(key)
        let base = words + slot * Self.wordsPerSlot
        let sequence = base[0].load(ordering: .relaxed)
        guard sequence & 1 == 0, base[0].compareExchange(expected: sequence, desired: sequence + 1, ordering: .relaxed).exchanged
        else { return }
        atomicMemoryFence(ordering: .releasing)
        base[1].store(packed.0, ordering: .relaxed)
        base[2].store(packed.1, ordering: .relaxed)
        base[3].store(packed.2, ordering: .relaxed)
        base[4].store(1 << 63 | (decision ? 1 << 62 : 0) | UInt64(key.count), ordering: .relaxed)
        base[0].store(sequence + 2, ordering: .releasing)
    }

    /// The key's bytes as three zero-padded words, and its slot.
    @inline(__always)
    private static func pack(_ key: UnsafeBufferPointer<UInt8>) -> ((UInt64, UInt64, UInt64), Int) {
        var packed: (UInt64, UInt64, UInt64) = (0, 0, 0)
        if let source = key.baseAddress {
            let raw = UnsafeRawPointer(source)
            packed.0 = raw.loadPaddedWord(count: key.count)
            if key.count > 8 { packed.1 = (raw + 8).loadPaddedWord(count: key.count - 8) }
            if key.count > 16 { packed.2 = (raw + 16).loadPaddedWord(count: key.count - 16) }
        }
        var hash = (packed.0 ^ packed.1 &* 0x9E37_79B9_7F4A_7C15 ^ packed.2 &* 0xC2B2_AE3D_27D4_EB4F) &+ UInt64(key.count)
        hash = (hash ^ hash >> 29) &* 0xBF58_476D_1CE4_E5B9
        hash ^= hash >> 32
        return (packed, Int(hash & UInt64(slotCount - 1)))
    }
}
