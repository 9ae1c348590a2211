/// One series' values at one moment, as ``MetricRegistry/snapshot(of:)`` reads them: what the built-in dashboard
/// samples to draw metrics over time.
public struct MetricSnapshot: Sendable, Equatable {
    /// Label names and their values.
    public let labels: [String: String]
    /// A counter's or gauge's value; a histogram's count of observations.
    public let value: Double
    /// A histogram's cumulative bucket counts, one per upper bound, the last one `+Inf`; empty otherwise.
    public let buckets: [(upperBound: Double, count: Double)]
    /// A histogram's sum of observations; 0 otherwise.
    public let sum: Double
    /// A histogram's native buckets at the schema they are counted at; `nil` when native histograms are off,
    /// and for other metrics.
    public let native: NativeHistogram?

    public init(
        labels: [String: String], value: Double, buckets: [(upperBound: Double, count: Double)] = [], sum: Double = 0,
        native: NativeHistogram? = nil
    ) {
        self.labels = labels
        self.value = value
        self.buckets = buckets
        self.sum = sum
        self.native = native
    }

    public static func == (lhs: MetricSnapshot, rhs: MetricSnapshot) -> Bool {
        lhs.labels == rhs.labels && lhs.value == rhs.value && lhs.sum == rhs.sum && lhs.native == rhs.native
            && lhs.buckets.elementsEqual(rhs.buckets) { $0.upperBound == $1.upperBound && $0.count == $1.count }
    }
}

extension MetricRegistry {
    /// Every series of the counter, gauge or histogram declared as `name` (before the namespace), read now;
    /// empty when there is none. Observed metrics, read only when rendered, are not included.
    public func snapshot(of name: String) -> [MetricSnapshot] {
        switch family(named: name) {
        case .counter(let family):
            let names = family.core.descriptor.labelNames
            return family.core.seriesInOrder.map { MetricSnapshot(labels: Self.labels(names, $0.labels), value: $0.value) }
        case .gauge(let family):
            let names = family.core.descriptor.labelNames
            return family.core.seriesInOrder.map { MetricSnapshot(labels: Self.labels(names, $0.labels), value: $0.value) }
        case .histogram(let family):
            let names = family.core.descriptor.labelNames
            let bounds = family.core.descriptor.buckets + [.infinity]
            return family.core.seriesInOrder.map { series in
                let counts = series.cumulativeCounts.map { Double($0) }
                return MetricSnapshot(
                    labels: Self.labels(names, series.labels),
                    value: counts.last ?? 0,
                    buckets: zip(bounds, counts).map { (upperBound: $0, count: $1) },
                    sum: series.sumOfObservations,
                    native: series.nativeHistogram
                )
            }
        case .observed, nil:
            return []
        }
    }

    private static func labels(_ names: [String], _ labels: SeriesLabels) -> [String: String] {
        Dictionary(zip(names, labels.values), uniquingKeysWith: { first, _ in first })
    }
}
