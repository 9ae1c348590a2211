/// What every series of one metric shares: its name for problem reports, its exemplar source and, for
/// histograms, its bucket bounds and native buckets' configuration.
final class SeriesContext: Sendable {
    /// The metric's exposed name.
    let metric: String
    let exemplars: ExemplarSource?
    /// Upper bounds of the finite buckets, ascending; empty except for histograms.
    let bucketBounds: [Double]
    /// The `le` label value of each bucket, `+Inf` last, rendered once.
    let bucketLabels: [[UInt8]]
    let problems: ProblemReporter
    /// Where each series also records; `nil` for most registries.
    let mirror: MetricsMirror?
    /// A histogram's native buckets; `nil` when they are off, and for other metrics.
    let native: NativeHistogramConfiguration?

    init(
        metric: String,
        exemplars: ExemplarSource?,
        bucketBounds: [Double] = [],
        native: NativeHistogramConfiguration? = nil,
        problems: ProblemReporter,
        mirror: MetricsMirror? = nil
    ) {
        self.metric = metric
        self.exemplars = exemplars
        self.bucketBounds = bucketBounds
        bucketLabels = (bucketBounds + [.infinity]).map(\.bucketLabel)
        self.native = native
        self.problems = problems
        self.mirror = mirror
    }

    /// Reports a value the metric cannot take (a negative counter increment, NaN); logged once per metric.
    func rejectValue(_ value: Double, because reason: String) {
        problems.warnOnce(
            metric: metric,
            problem: "value",
            message: "metric_value_rejected",
            metadata: ["value": "\(value)", "reason": "\(reason)"]
        )
    }
}
