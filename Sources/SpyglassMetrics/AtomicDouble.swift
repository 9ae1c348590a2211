import Synchronization

/// A `Double` kept as its bit pattern in an `Atomic<UInt64>`, for sums and gauges.
extension Atomic<UInt64> {
    /// Adds `amount` to the stored `Double` with a compare-and-swap loop.
    @inline(__always)
    func add(_ amount: Double) {
        var expected = load(ordering: .relaxed)
        while true {
            let desired = (Double(bitPattern: expected) + amount).bitPattern
            let (exchanged, original) = compareExchange(expected: expected, desired: desired, ordering: .relaxed)
            if exchanged { return }
            expected = original
        }
    }

    /// The stored `Double`.
    @inline(__always)
    var double: Double { Double(bitPattern: load(ordering: .relaxed)) }
}
