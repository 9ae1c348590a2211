#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The native (sparse, exponential) buckets of a histogram series at one moment: what Prometheus's protobuf
/// format carries and what the dashboard reads its quantiles from.
///
/// Bucket `index` at ``schema`` holds the magnitudes `v` with `factor^(index−1) < v ≤ factor^index`
/// (``ExponentialBucketSchema``); only buckets that counted something are listed.
public struct NativeHistogram: Sendable, Hashable {
    /// One populated bucket.
    public struct Bucket: Sendable, Hashable {
        public var index: Int
        public var count: UInt64

        public init(index: Int, count: UInt64) {
            self.index = index
            self.count = count
        }
    }

    /// The bucket layout, −4 through 8.
    public var schema: Int
    /// Magnitudes at or below this were counted in ``zeroCount``.
    public var zeroThreshold: Double
    public var zeroCount: UInt64
    /// Buckets of positive values, by ascending index.
    public var positive: [Bucket]
    /// Buckets of negative values by their magnitude's index, ascending.
    public var negative: [Bucket]

    public init(schema: Int, zeroThreshold: Double, zeroCount: UInt64 = 0, positive: [Bucket] = [], negative: [Bucket] = []) {
        self.schema = schema
        self.zeroThreshold = zeroThreshold
        self.zeroCount = zeroCount
        self.positive = positive
        self.negative = negative
    }

    /// How many observations the buckets hold.
    public var count: UInt64 {
        positive.reduce(zeroCount) { $0 &+ $1.count } &+ negative.reduce(0) { $0 &+ $1.count }
    }

    /// The same observations at the lower resolution `target` (at most ``schema``, at least −4): every
    /// `2^(schema − target)` neighbouring buckets merged into one, as Prometheus reduces a schema.
    public func reduced(toSchema target: Int) -> NativeHistogram {
        let target = max(target, ExponentialBucketSchema.range.lowerBound)
        guard target < schema else { return self }
        let shift = schema - target
        return NativeHistogram(
            schema: target, zeroThreshold: zeroThreshold, zeroCount: zeroCount,
            positive: Self.merged(positive, shift: shift), negative: Self.merged(negative, shift: shift))
    }

    /// The highest resolution at which the buckets number at most `limit`, down to schema −4.
    public func limited(toBuckets limit: Int) -> NativeHistogram {
        var result = self
        while result.positive.count + result.negative.count > limit, result.schema > ExponentialBucketSchema.range.lowerBound {
            result = result.reduced(toSchema: result.schema - 1)
        }
        return result
    }

    /// What was counted since `earlier`, a reading of the same series at the same schema. When any bucket holds
    /// fewer than it did (the series was reset), everything it holds now counts as new, as PromQL's `increase`
    /// treats a counter reset.
    public func increase(since earlier: NativeHistogram) -> NativeHistogram {
        guard earlier.schema == schema, zeroCount >= earlier.zeroCount,
            let positive = Self.difference(positive, earlier.positive),
            let negative = Self.difference(negative, earlier.negative)
        else { return self }
        return NativeHistogram(
            schema: schema, zeroThreshold: zeroThreshold, zeroCount: zeroCount - earlier.zeroCount,
            positive: positive, negative: negative)
    }

    /// `now` less `before` bucket by bucket, without the buckets that did not grow; `nil` when one shrank.
    private static func difference(_ now: [Bucket], _ before: [Bucket]) -> [Bucket]? {
        var result: [Bucket] = []
        var position = 0
        for old in before {
            while position < now.count, now[position].index < old.index {
                result.append(now[position])
                position += 1
            }
            guard position < now.count, now[position].index == old.index, now[position].count >= old.count else { return nil }
            if now[position].count > old.count { result.append(Bucket(index: old.index, count: now[position].count - old.count)) }
            position += 1
        }
        result.append(contentsOf: now[position...])
        return result
    }

    /// Both histograms' observations together, at the lower of their schemas.
    public func adding(_ other: NativeHistogram) -> NativeHistogram {
        let target = min(schema, other.schema)
        let left = reduced(toSchema: target)
        let right = other.reduced(toSchema: target)
        return NativeHistogram(
            schema: target, zeroThreshold: max(zeroThreshold, other.zeroThreshold),
            zeroCount: left.zeroCount &+ right.zeroCount,
            positive: Self.union(left.positive, right.positive), negative: Self.union(left.negative, right.negative))
    }

    /// The `q` quantile (0…1) of the observations, or `nil` when there are none (or the schema is not one of
    /// −4…8).
    ///
    /// The bucket holding the observation of rank `⌈q × count⌉` is found, and the value is interpolated inside
    /// it exponentially (bucket bounds grow by a factor, so an even spread on a log scale is the assumption that
    /// matches them). Both the estimate and the exact quantile lie in that bucket, so they differ by at most
    /// ``NativeHistogramConfiguration/relativeError(atSchema:)``. A quantile in the zero bucket is 0.
    public func quantile(_ q: Double) -> Double? {
        let total = count
        guard total > 0, q.isFinite, let layout = ExponentialBucketSchema(schema) else { return nil }
        let rank = min(max(q, 0), 1) * Double(total)
        var below = 0.0
        // Negative values first, the largest magnitude (the highest index) lowest.
        for bucket in negative.reversed() {
            let upTo = below + Double(bucket.count)
            if upTo >= rank, bucket.count > 0 {
                let (low, high) = (layout.upperBound(of: bucket.index - 1), layout.upperBound(of: bucket.index))
                // From −high up towards −low as the rank grows.
                return -Self.interpolate(from: high, to: low, fraction: (rank - below) / Double(bucket.count))
            }
            below = upTo
        }
        below += Double(zeroCount)
        if below >= rank, zeroCount > 0 { return 0 }
        for bucket in positive {
            let upTo = below + Double(bucket.count)
            if upTo >= rank, bucket.count > 0 {
                let (low, high) = (layout.upperBound(of: bucket.index - 1), layout.upperBound(of: bucket.index))
                return Self.interpolate(from: low, to: high, fraction: (rank - below) / Double(bucket.count))
            }
            below = upTo
        }
        return positive.last.map { layout.upperBound(of: $0.index) } ?? 0
    }

    /// The point `fraction` of the way from `start` to `end` on a log scale.
    private static func interpolate(from start: Double, to end: Double, fraction: Double) -> Double {
        start * pow(end / start, min(max(fraction, 0), 1))
    }

    /// Buckets merged `2^shift` to one: bucket `i` lands in `⌈i / 2^shift⌉`, which keeps its upper bound a bound.
    private static func merged(_ buckets: [Bucket], shift: Int) -> [Bucket] {
        var result: [Bucket] = []
        result.reserveCapacity(buckets.count)
        for bucket in buckets {
            let index = ((bucket.index - 1) >> shift) + 1
            if let last = result.last, last.index == index {
                result[result.count - 1].count &+= bucket.count
            } else {
                result.append(Bucket(index: index, count: bucket.count))
            }
        }
        return result
    }

    private static func union(_ left: [Bucket], _ right: [Bucket]) -> [Bucket] {
        var result: [Bucket] = []
        result.reserveCapacity(max(left.count, right.count))
        var (l, r) = (0, 0)
        while l < left.count || r < right.count {
            if r == right.count || (l < left.count && left[l].index < right[r].index) {
                result.append(left[l])
                l += 1
            } else if l == left.count || right[r].index < left[l].index {
                result.append(right[r])
                r += 1
            } else {
                result.append(Bucket(index: left[l].index, count: left[l].count &+ right[r].count))
                l += 1
                r += 1
            }
        }
        return result
    }
}
