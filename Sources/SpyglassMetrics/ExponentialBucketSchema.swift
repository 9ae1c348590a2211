#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bucket layout of a native (sparse, exponential) histogram: Prometheus's schemas, which OpenTelemetry's
/// exponential histograms share as their `scale`.
///
/// For schema `s` (−4 through 8) the growth factor from one bucket to the next is `2^(2^-s)`, and bucket `i` holds
/// the values `v` with `factor^(i-1) < v ≤ factor^i`: bucket 0 ends at 1, and every power of two is the upper bound
/// of a bucket. Each schema has twice the resolution of the one below it. A histogram keeps values at or below its
/// zero threshold in a zero bucket instead, and negative values in buckets of their own, by magnitude.
public struct ExponentialBucketSchema: Sendable, Hashable {
    /// The schema number, −4 (factor 65,536) through 8 (factor about 1.0027).
    public let schema: Int

    /// The schemas Prometheus and OpenTelemetry both accept.
    public static let range = -4...8

    /// The schema `schema`, or `nil` outside ``range``.
    public init?(_ schema: Int) {
        guard Self.range.contains(schema) else { return nil }
        self.schema = schema
        upperBoundsOfOneOctave = schema > 0 ? (0..<(1 << schema)).map { Self.octaveBound($0, schema: schema) } : []
    }

    /// For schemas above 0: the upper bounds of the buckets within one power of two, as fractions in `[0.5, 1)`
    /// (`frexp`'s), so a value's bucket is its exponent's octave plus a search of its fraction here.
    private let upperBoundsOfOneOctave: [Double]

    /// `2^(index / 2^schema − 1)`, the bound as a fraction of the octave's top.
    private static func octaveBound(_ index: Int, schema: Int) -> Double {
        exp2(Double(index) / Double(1 << schema) - 1)
    }

    /// The growth factor from one bucket's upper bound to the next.
    public var factor: Double { exp2(exp2(Double(-schema))) }

    /// The index of the bucket holding `value` (its magnitude, for a negative one); `value` must be finite and
    /// non-zero.
    public func index(of value: Double) -> Int {
        precondition(value.isFinite && value != 0, "only finite non-zero values have a bucket")
        let magnitude = value.magnitude
        // magnitude = fraction × 2^exponent, fraction in [0.5, 1), subnormals included.
        let exponent = Int(magnitude.exponent) + 1
        let fraction = magnitude.significand / 2
        if schema > 0 {
            // The first octave bound at or above the fraction: a power of two (fraction 0.5) belongs to the
            // octave below, as the top of its last bucket.
            var low = 0
            var high = upperBoundsOfOneOctave.count
            while low < high {
                let middle = (low + high) / 2
                if upperBoundsOfOneOctave[middle] < fraction { low = middle + 1 } else { high = middle }
            }
            return low + ((exponent - 1) << schema)
        }
        let octave = fraction == 0.5 ? exponent - 1 : exponent
        // Schemas 0 and below merge 2^-schema octaves into a bucket: round the octave index up to that.
        return (octave + (1 << -schema) - 1) >> -schema
    }

    /// The upper bound of bucket `index`: `factor^index`, from the same octave bounds ``index(of:)`` compares with,
    /// so the two agree exactly at every bound in the normal range (subnormal bounds round; they lie far below any
    /// zero threshold).
    public func upperBound(of index: Int) -> Double {
        guard schema > 0 else { return Double(sign: .plus, exponent: index << -schema, significand: 1) }
        // The octave below the bound (an arithmetic shift floors), then the bucket within the octave.
        let octave = index >> schema
        let within = index & ((1 << schema) - 1)
        return Double(sign: .plus, exponent: octave + 1, significand: upperBoundsOfOneOctave[within])
    }
}
