@_spi(Locking) import SpyglassCore

/// One value of a sampled series.
public struct MetricPoint: Sendable, Equatable {
    public let timestampNanoseconds: UInt64
    /// The value, or NaN for an interval that had none (an endpoint's latency while it had no requests).
    public let value: Double

    public init(timestampNanoseconds: UInt64, value: Double) {
        self.timestampNanoseconds = timestampNanoseconds
        self.value = value
    }
}

/// Names one sampled series: a chart and one line of it (`requests_per_second` / `GET /v1/chat`).
public struct MetricSeriesKey: Sendable, Hashable, Comparable {
    public let chart: String
    public let series: String

    public init(chart: String, series: String) {
        self.chart = chart
        self.series = series
    }

    public static func < (lhs: MetricSeriesKey, rhs: MetricSeriesKey) -> Bool { (lhs.chart, lhs.series) < (rhs.chart, rhs.series) }
}

/// Metrics over time for the dashboard: the latest ``pointsPerSeries`` samples of at most ``seriesLimit`` series.
///
/// Memory is bounded by both: 16 bytes a point (900 points, 500 series: about 7 MiB at most). A series past the
/// limit is not kept and counted in ``rejectedSeries``.
public final class MetricHistory: Sendable {
    /// Samples kept per series. Default 900: 30 minutes at one sample every 2 seconds.
    public let pointsPerSeries: Int
    /// The most series kept. Default 500.
    public let seriesLimit: Int
    private let state: Locked<(series: [MetricSeriesKey: BoundedRing<MetricPoint>], rejected: Int)>

    public init(pointsPerSeries: Int = 900, seriesLimit: Int = 500) {
        self.pointsPerSeries = max(1, pointsPerSeries)
        self.seriesLimit = max(1, seriesLimit)
        state = Locked(([:], 0))
    }

    /// Adds one sample of each series in `values`, taken at `timestampNanoseconds`. NaN records an interval
    /// without a value; infinities are left out.
    public func record(_ values: [MetricSeriesKey: Double], at timestampNanoseconds: UInt64) {
        state.withLock { state in
            for (key, value) in values where !value.isInfinite {
                if state.series[key] == nil {
                    guard state.series.count < seriesLimit else {
                        state.rejected += 1
                        continue
                    }
                    state.series[key] = BoundedRing(capacity: pointsPerSeries, byteLimit: .max)
                }
                state.series[key]!.append(MetricPoint(timestampNanoseconds: timestampNanoseconds, value: value), cost: 0)
            }
        }
    }

    /// The series of `chart` with their points (oldest first) since `sinceNanoseconds`, ordered by name.
    public func series(chart: String, sinceNanoseconds: UInt64 = 0) -> [(series: String, points: [MetricPoint])] {
        state.withLock { state in
            state.series.filter { $0.key.chart == chart }.map { entry in
                (series: entry.key.series, points: entry.value.elements { $0.timestampNanoseconds >= sinceNanoseconds })
            }
        }.sorted { $0.series < $1.series }
    }

    /// How many series were not kept because ``seriesLimit`` was reached.
    public var rejectedSeries: Int { state.withLock { $0.rejected } }
}
