import Synchronization

/// The native buckets of one histogram series as they are counted: one atomic counter per bucket, in blocks of
/// one power of two allocated the first time a value lands in them.
///
/// Counting takes no lock: the block is found by the value's binary exponent in a fixed directory (powers of two
/// from `2^-64` to `2^64`, for each sign), made on first use with one compare-and-swap (a racing maker frees its
/// own), and the bucket is one relaxed atomic add. Memory is the directory (2 KiB) plus `8 × 2^schema` bytes for
/// each power of two the series has seen (256 bytes at schema 5): a latency series spread over four decades holds
/// about 5.5 KiB. Buckets are counted at schema `max(schema, 0)`; lower schemas are reduced when read.
///
/// A noncopyable value kept inside its ``HistogramSeries``, not an object of its own, and not optional (its
/// storage is, when native histograms are off): reaching it from an observation retains and releases nothing.
struct NativeBucketCounts: ~Copyable, @unchecked Sendable {  // the pointers' memory is only touched atomically
    /// The schema the counters are kept at.
    let layout: ExponentialBucketSchema
    private let bucketsPerBlock: Int
    /// Blocks for the powers of two −64…64 of positive values, then the same for negative ones; `nil` when off.
    private let directory: UnsafeMutablePointer<Atomic<UnsafeMutablePointer<Atomic<UInt64>>?>>?
    private let zeroCount: UnsafeMutablePointer<Atomic<UInt64>>?

    /// The powers of two either side of 1 the directory covers.
    static let octaves = 64
    private static let blocksPerSign = 2 * octaves + 1
    /// The magnitude above which a value is counted in the top bucket (the one ending at `2^64`).
    static let largestMagnitude = 0x1p64

    /// Counts at `schema`, or nothing when it is `nil`.
    init(schema: Int?) {
        layout = ExponentialBucketSchema(max(schema ?? 0, 0))!
        bucketsPerBlock = 1 << layout.schema
        guard schema != nil else {
            directory = nil
            zeroCount = nil
            return
        }
        let directory = UnsafeMutablePointer<Atomic<UnsafeMutablePointer<Atomic<UInt64>>?>>.allocate(capacity: 2 * Self.blocksPerSign)
        for block in 0..<2 * Self.blocksPerSign { (directory + block).initialize(to: Atomic(nil)) }
        self.directory = directory
        let zeroCount = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: 1)
        zeroCount.initialize(to: Atomic(0))
        self.zeroCount = zeroCount
    }

    deinit {
        guard let directory, let zeroCount else { return }
        for block in 0..<2 * Self.blocksPerSign {
            if let counts = directory[block].load(ordering: .relaxed) {
                counts.deinitialize(count: bucketsPerBlock)
                counts.deallocate()
            }
        }
        directory.deinitialize(count: 2 * Self.blocksPerSign)
        directory.deallocate()
        zeroCount.deinitialize(count: 1)
        zeroCount.deallocate()
    }

    /// Counts `value`, which is not NaN, when counting. Returns `false` when its magnitude was above
    /// ``largestMagnitude`` and it was counted in the top bucket instead.
    @inline(__always)
    func record(_ value: Double) -> Bool {
        guard let directory, let zeroCount else { return true }
        let magnitude = value.magnitude
        guard magnitude > NativeHistogramConfiguration.zeroThreshold else {
            zeroCount.pointee.wrappingAdd(1, ordering: .relaxed)
            return true
        }
        let inRange = magnitude <= Self.largestMagnitude
        let index = layout.index(ofMagnitude: inRange ? magnitude : Self.largestMagnitude)
        let block = (index &>> layout.schema) &+ Self.octaves &+ (value.sign == .minus ? Self.blocksPerSign : 0)
        let counts = directory[block].load(ordering: .acquiring) ?? makeBlock(block, in: directory)
        counts[index & (bucketsPerBlock &- 1)].wrappingAdd(1, ordering: .relaxed)
        return inRange
    }

    private func makeBlock(
        _ block: Int, in directory: UnsafeMutablePointer<Atomic<UnsafeMutablePointer<Atomic<UInt64>>?>>
    ) -> UnsafeMutablePointer<Atomic<UInt64>> {
        let made = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: bucketsPerBlock)
        for bucket in 0..<bucketsPerBlock { (made + bucket).initialize(to: Atomic(0)) }
        let (exchanged, current) = directory[block].compareExchange(expected: nil, desired: made, ordering: .acquiringAndReleasing)
        guard exchanged else {
            made.deinitialize(count: bucketsPerBlock)
            made.deallocate()
            return current!
        }
        return made
    }

    /// The counts now, at the schema they are kept at; `nil` when not counting. Buckets are read one by one while
    /// others may be counting, so a reading taken during observations may hold some of them and not others, as any
    /// lock-free client's.
    var histogram: NativeHistogram? {
        guard let directory, let zeroCount else { return nil }
        return NativeHistogram(
            schema: layout.schema,
            zeroThreshold: NativeHistogramConfiguration.zeroThreshold,
            zeroCount: zeroCount.pointee.load(ordering: .relaxed),
            positive: buckets(sign: 0, in: directory),
            negative: buckets(sign: Self.blocksPerSign, in: directory))
    }

    private func buckets(
        sign offset: Int, in directory: UnsafeMutablePointer<Atomic<UnsafeMutablePointer<Atomic<UInt64>>?>>
    ) -> [NativeHistogram.Bucket] {
        var result: [NativeHistogram.Bucket] = []
        // Sized for every counter of the blocks made, so the reading allocates once.
        var made = 0
        for block in 0..<Self.blocksPerSign where directory[offset + block].load(ordering: .acquiring) != nil { made += 1 }
        guard made > 0 else { return result }
        result.reserveCapacity(made * bucketsPerBlock)
        for block in 0..<Self.blocksPerSign {
            guard let counts = directory[offset + block].load(ordering: .acquiring) else { continue }
            let first = (block - Self.octaves) << layout.schema
            for bucket in 0..<bucketsPerBlock {
                let count = counts[bucket].load(ordering: .relaxed)
                if count > 0 { result.append(NativeHistogram.Bucket(index: first + bucket, count: count)) }
            }
        }
        return result
    }
}
