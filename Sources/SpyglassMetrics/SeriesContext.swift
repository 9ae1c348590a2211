/// What every series of one metric shares: its name for problem reports, its exemplar source and, for
/// histograms, its bucket bounds.
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

    init(metric: String, exemplars: ExemplarSource?, bucketBounds: [Double] = [], problems: ProblemReporter, mirror: MetricsMirror? = nil) {
        self.metric = metric
        self.exemplars = exemplars
        self.bucketBounds = bucketBounds
        bucketLabels = (bucketBounds + [.infinity]).map(\.bucketLabel)
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
