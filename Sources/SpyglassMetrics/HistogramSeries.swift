import CoreMetrics
import Synchronization
@_spi(Locking) @_spi(Protobuf) import SpyglassCore

/// One series of a histogram: observations counted into buckets, with their sum.
///
/// An observation is a binary search over the bounds, one atomic add to its bucket and a compare-and-swap on
/// the sum; buckets are stored per bucket and made cumulative when rendered, so `_count` always equals the
/// `+Inf` bucket. With native histograms on (``MetricsConfiguration/nativeHistograms``) it is also one atomic add
/// to its exponential bucket (``NativeBucketCounts``). When the registry has an ``ExemplarSource`` and a sampled
/// span is active, the observation becomes its bucket's exemplar.
public final class HistogramSeries: MetricSeries {
    /// The label values this series stands for.
    public let labels: SeriesLabels
    private let context: SeriesContext
    /// One count per finite bound, then the `+Inf` bucket.
    private nonisolated(unsafe) let counts: UnsafeMutablePointer<Atomic<UInt64>>
    private let bucketCount: Int
    private let sum = Atomic<UInt64>(0.0.bitPattern)
    private let exemplars: Locked<[Exemplar?]>
    private let mirrored: (any RecorderHandler)?
    private let native: NativeBucketCounts

    init(labels: SeriesLabels, context: SeriesContext) {
        self.labels = labels
        self.context = context
        mirrored = context.mirror?.histogram(labels)
        bucketCount = context.bucketBounds.count + 1
        counts = .allocate(capacity: bucketCount)
        for index in 0..<bucketCount { (counts + index).initialize(to: Atomic(0)) }
        exemplars = Locked(context.exemplars == nil ? [] : Array(repeating: nil, count: bucketCount))
        native = NativeBucketCounts(schema: context.native?.schema)
    }

    deinit {
        counts.deinitialize(count: bucketCount)
        counts.deallocate()
    }

    /// Records `value`. NaN is ignored and logged once.
    public func observe(_ value: Double) {
        guard !value.isNaN else {
            context.rejectValue(value, because: "NaN cannot be observed")
            return
        }
        let bucket = bucketIndex(of: value)
        counts[bucket].wrappingAdd(1, ordering: .relaxed)
        sum.add(value)
        if !native.record(value) {
            context.problems.warnOnce(
                metric: context.metric, problem: "native_range", message: "metric_value_beyond_native_buckets",
                metadata: ["value": "\(value)", "counted_in_bucket_up_to": "\(NativeBucketCounts.largestMagnitude)"])
        }
        mirrored?.record(value)
        if let source = context.exemplars, let span = source.currentSpan() {
            let sample = Exemplar(span: span, value: value)
            exemplars.withLock { $0[bucket] = sample }
        }
    }

    /// Records a duration in seconds.
    public func observe(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        observe(Double(seconds) + Double(attoseconds) * 1e-18)
    }

    /// The first bucket whose bound is at least `value` (bounds are inclusive upper limits).
    @inline(__always)
    private func bucketIndex(of value: Double) -> Int {
        context.bucketBounds.withUnsafeBufferPointer { bounds in
            var low = 0
            var high = bounds.count
            while low < high {
                let middle = (low + high) >> 1
                if bounds[middle] < value { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    /// How many observations were recorded.
    public var count: UInt64 { (0..<bucketCount).reduce(0) { $0 + counts[$1].load(ordering: .relaxed) } }

    /// The sum of all observations.
    public var sumOfObservations: Double { sum.double }

    /// The native buckets at the schema they are counted at, or `nil` when native histograms are off.
    public var nativeHistogram: NativeHistogram? { native.histogram }

    /// The bucket counts made cumulative, the last one `+Inf`'s.
    var cumulativeCounts: [UInt64] {
        var cumulative: UInt64 = 0
        return (0..<bucketCount).map { index in
            cumulative += counts[index].load(ordering: .relaxed)
            return cumulative
        }
    }

    func write(to writer: inout ExpositionWriter, name: String) {
        let kept = context.exemplars == nil ? [] : exemplars.withLock { $0 }
        var cumulative: UInt64 = 0
        for index in 0..<bucketCount {
            cumulative += counts[index].load(ordering: .relaxed)
            writer.sample(
                name: name,
                suffix: "_bucket",
                labels: labels.rendered,
                extraLabel: ("le", context.bucketLabels[index]),
                value: Double(cumulative),
                exemplar: kept.isEmpty ? nil : kept[index]
            )
        }
        writer.sample(name: name, suffix: "_count", labels: labels.rendered, value: Double(cumulative))
        writer.sample(name: name, suffix: "_sum", labels: labels.rendered, value: sum.double)
    }

    /// The classic buckets (without `+Inf`, which `sample_count` stands for) and, when on, the native ones at the
    /// configured schema, reduced until they fit the bucket limit. The native buckets are read first: each
    /// observation reaches its classic bucket before its native one, so the classic counts read after them hold
    /// at least as many, and `sample_count` is the native buckets' own total, consistent with them.
    func encode(to writer: inout ProtobufWriter, labelNames: [String]) {
        let nativeReading = context.native.flatMap { configuration in
            nativeHistogram?.reduced(toSchema: configuration.schema).limited(toBuckets: configuration.maxBucketCount)
        }
        let kept = context.exemplars == nil ? [] : exemplars.withLock { $0 }
        let bounds = context.bucketBounds
        let cumulativeCounts = cumulativeCounts
        writer.metric(labels: labelNames, values: labels.values) { metric in
            metric.message(7) { histogram in
                histogram.unsigned(1, nativeReading?.count ?? cumulativeCounts.last ?? 0)
                histogram.double(2, sum.double)
                for index in bounds.indices {
                    histogram.message(3) { bucket in
                        bucket.unsigned(1, cumulativeCounts[index])
                        bucket.double(2, bounds[index])
                        if !kept.isEmpty, let exemplar = kept[index] { bucket.exemplar(3, exemplar) }
                    }
                }
                if let nativeReading {
                    histogram.signed(5, Int64(nativeReading.schema))
                    histogram.double(6, nativeReading.zeroThreshold)
                    histogram.unsigned(7, nativeReading.zeroCount)
                    histogram.nativeBuckets(nativeReading.negative, spanField: 9, deltaField: 10)
                    histogram.nativeBuckets(nativeReading.positive, spanField: 12, deltaField: 13)
                }
            }
        }
    }
}
