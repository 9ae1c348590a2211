#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How histograms keep native (sparse, exponential) buckets beside their classic ones.
///
/// Classic buckets answer "how many requests took at most 5 ms"; they cannot say whether the fast ones took
/// 0.2 ms or 4.9 ms, and a quantile interpolated inside a bucket reports half of it. Native buckets grow by a
/// constant factor, so a quantile read from them is within a fixed relative error of the exact one at any
/// magnitude: at most `2^(2^-schema) − 1` (2.2% at the default schema 5).
///
/// Native buckets are served to scrapers that ask for Prometheus's protobuf format (a Prometheus server run with
/// `--enable-feature=native-histograms`), read by the built-in dashboard, and leave the text formats as they were.
public struct NativeHistogramConfiguration: Sendable, Hashable {
    /// The resolution: `2^schema` buckets per power of two, −4 through 8. Default 5 (32 buckets per power of
    /// two, each 2.2% wider than the one below it). Environment: `SPYGLASS_METRICS_NATIVE_HISTOGRAM_SCHEMA`.
    public var schema: Int

    /// The most buckets one series exposes. A series that has observed values in more buckets is exposed at the
    /// highest lower resolution whose buckets fit (each step halves the resolution and doubles the error bound),
    /// down to schema −4; what it records is not reduced, so the dashboard keeps the full resolution. Default 1,024:
    /// at schema 5 that is 32 powers of two, a range of four billion to one, before any reduction. Environment:
    /// `SPYGLASS_METRICS_NATIVE_HISTOGRAM_MAX_BUCKETS`.
    public var maxBucketCount: Int

    /// Values whose magnitude is at most this are counted in the zero bucket: `2^-64`, about 5.4e-20, below any
    /// duration or size a service measures. Magnitudes above `2^64` (and infinities) are counted in the bucket that
    /// ends at `2^64`, and reported once per metric.
    public static let zeroThreshold = 0x1p-64

    /// Creates a configuration; every parameter has the documented default.
    public init(schema: Int = 5, maxBucketCount: Int = 1024) {
        self.schema = schema
        self.maxBucketCount = maxBucketCount
    }

    /// This configuration with the schema moved into −4…8 and at least one bucket.
    var usable: NativeHistogramConfiguration {
        NativeHistogramConfiguration(
            schema: min(max(schema, ExponentialBucketSchema.range.lowerBound), ExponentialBucketSchema.range.upperBound),
            maxBucketCount: max(maxBucketCount, 1))
    }

    /// The bound a quantile read from buckets at `schema` keeps to, relative to the exact quantile:
    /// `2^(2^-schema) − 1`.
    public static func relativeError(atSchema schema: Int) -> Double {
        exp2(exp2(Double(-schema))) - 1
    }
}
