import SpyglassMetrics
import SpyglassTracing

/// The charts the dashboard draws over time, each computed from two consecutive snapshots of the registry: rates
/// from counter increases, latency quantiles from the increases of the native (exponential) buckets, within
/// 2.2% of the exact quantile at the default schema (or of the classic buckets, interpolated as PromQL's
/// `histogram_quantile` does, when native histograms are off), per endpoint and for the whole service (`all`).
///
/// An interval in which an endpoint had no requests has no error ratio and no latency: its value is NaN, which
/// the API sends as `null` and the charts draw as a gap, not as 0.
enum DashboardCharts {
    static let requestRate = "http_requests_per_second"
    static let errorRatio = "http_error_ratio"
    static let latency: [(chart: String, quantile: Double)] = [
        ("http_latency_p50_seconds", 0.5), ("http_latency_p95_seconds", 0.95), ("http_latency_p99_seconds", 0.99),
    ]
    static let tokenRate = "llm_tokens_per_second"
    static let costRate = "llm_cost_usd_per_hour"
    /// The series that stands for every endpoint together.
    static let allEndpoints = "all"

    /// What is read from the registry at each sample.
    struct Snapshot: Sendable {
        var requests: [MetricSnapshot] = []
        var durations: [MetricSnapshot] = []
        var tokens: [MetricSnapshot] = []
        var cost: [MetricSnapshot] = []

        init() {}

        init(_ registry: MetricRegistry) {
            requests = registry.snapshot(of: StandardMetrics.httpRequests.definition.name)
            durations = registry.snapshot(of: StandardMetrics.httpRequestDuration.definition.name)
            tokens = registry.snapshot(of: StandardMetrics.llmTokens.definition.name)
            cost = registry.snapshot(of: StandardMetrics.llmCost.definition.name)
        }
    }

    /// The chart values over the `seconds` between `previous` and `current`.
    static func values(from previous: Snapshot, to current: Snapshot, seconds: Double) -> [MetricSeriesKey: Double] {
        guard seconds > 0 else { return [:] }
        var values: [MetricSeriesKey: Double] = [:]
        let requests = increases(previous.requests, current.requests)
        var total: [String: Double] = [:]
        var failed: [String: Double] = [:]
        for (labels, increase) in requests {
            let isFailure = labels["status"]?.hasPrefix("5") ?? false
            for endpoint in [endpoint(labels), allEndpoints] {
                total[endpoint, default: 0] += increase
                if isFailure { failed[endpoint, default: 0] += increase }
            }
        }
        for (endpoint, count) in total {
            values[MetricSeriesKey(chart: requestRate, series: endpoint)] = count / seconds
            values[MetricSeriesKey(chart: errorRatio, series: endpoint)] = count > 0 ? (failed[endpoint] ?? 0) / count : .nan
            for (chart, _) in latency { values[MetricSeriesKey(chart: chart, series: endpoint)] = .nan }
        }
        for (endpoint, quantiles) in latencyQuantiles(previous.durations, current.durations) {
            for ((chart, _), value) in zip(latency, quantiles) { values[MetricSeriesKey(chart: chart, series: endpoint)] = value }
        }

        for (labels, increase) in increases(previous.tokens, current.tokens) {
            guard let type = labels["type"], type == "prompt" || type == "completion" else { continue }
            values[MetricSeriesKey(chart: tokenRate, series: "\(labels["model"] ?? "") \(type)"), default: 0] += increase / seconds
        }
        for (labels, increase) in increases(previous.cost, current.cost) {
            values[MetricSeriesKey(chart: costRate, series: labels["model"] ?? ""), default: 0] += increase / seconds * 3600
        }
        return values
    }

    /// The latency quantiles of each endpoint and of all, over the requests between the two snapshots; endpoints
    /// without requests in between are left out.
    private static func latencyQuantiles(_ previous: [MetricSnapshot], _ current: [MetricSnapshot]) -> [String: [Double]] {
        var result: [String: [Double]] = [:]
        if current.allSatisfy({ $0.native != nil }) {
            let before = Dictionary(previous.compactMap { snapshot in snapshot.native.map { (snapshot.labels, $0) } }, uniquingKeysWith: { first, _ in first })
            var histograms: [String: NativeHistogram] = [:]
            for series in current {
                guard let now = series.native else { continue }
                let increase = before[series.labels].map { now.increase(since: $0) } ?? now
                guard increase.count > 0 else { continue }
                for endpoint in [endpoint(series.labels), allEndpoints] {
                    histograms[endpoint] = histograms[endpoint].map { $0.adding(increase) } ?? increase
                }
            }
            for (endpoint, histogram) in histograms {
                result[endpoint] = latency.map { histogram.quantile($0.quantile) ?? .nan }
            }
            return result
        }
        var buckets: [String: [(upperBound: Double, count: Double)]] = [:]
        for (labels, increase) in bucketIncreases(previous, current) {
            for endpoint in [endpoint(labels), allEndpoints] {
                buckets[endpoint] = buckets[endpoint].map { sum in
                    zip(sum, increase).map { (upperBound: $0.upperBound, count: $0.count + $1.count) }
                } ?? increase
            }
        }
        for (endpoint, counts) in buckets where (counts.last?.count ?? 0) > 0 {
            result[endpoint] = latency.map { Self.quantile($0.quantile, of: counts) }
        }
        return result
    }

    private static func endpoint(_ labels: [String: String]) -> String {
        "\(labels["method"] ?? "") \(labels["endpoint"] ?? "")"
    }

    /// How much each series grew; a series new since `previous` grew by its whole value.
    private static func increases(_ previous: [MetricSnapshot], _ current: [MetricSnapshot]) -> [([String: String], Double)] {
        let before = Dictionary(previous.map { ($0.labels, $0.value) }, uniquingKeysWith: { first, _ in first })
        return current.map { ($0.labels, max(0, $0.value - (before[$0.labels] ?? 0))) }
    }

    private static func bucketIncreases(
        _ previous: [MetricSnapshot], _ current: [MetricSnapshot]
    ) -> [([String: String], [(upperBound: Double, count: Double)])] {
        let before = Dictionary(previous.map { ($0.labels, $0.buckets) }, uniquingKeysWith: { first, _ in first })
        return current.map { series in
            let old = before[series.labels] ?? []
            let increase = series.buckets.enumerated().map { index, bucket in
                (upperBound: bucket.upperBound, count: max(0, bucket.count - (index < old.count ? old[index].count : 0)))
            }
            return (series.labels, increase)
        }
    }

    /// The `q` quantile of cumulative `buckets`, interpolated linearly inside its bucket as `histogram_quantile`
    /// does; the highest finite bound when it falls in `+Inf`.
    static func quantile(_ q: Double, of buckets: [(upperBound: Double, count: Double)]) -> Double {
        guard let total = buckets.last?.count, total > 0 else { return .nan }
        let rank = q * total
        var lowerBound = 0.0
        var lowerCount = 0.0
        for bucket in buckets {
            if bucket.count >= rank {
                guard bucket.upperBound.isFinite else { return lowerBound }
                let inBucket = bucket.count - lowerCount
                return inBucket > 0 ? lowerBound + (bucket.upperBound - lowerBound) * (rank - lowerCount) / inBucket : bucket.upperBound
            }
            lowerBound = bucket.upperBound
            lowerCount = bucket.count
        }
        return lowerBound
    }
}
