import SpyglassCore
import SpyglassMetrics
import Testing

/// What the dashboard samples: every series of a metric with its labels by name, histograms with cumulative buckets.
@Suite struct MetricSnapshotTests {
    @Test func snapshotsReadEverySeriesNow() {
        let registry = MetricRegistry(configuration: MetricsConfiguration(namespace: "skillmeat"))
        registry.counter("jobs_total", help: "Jobs.", labels: ["type"]).labels("research").increment(by: 3)
        registry.gauge("active_jobs", help: "Running.", labels: ["type"]).labels("creative").set(2)
        let histogram = registry.histogram("wait_seconds", help: "Waits.", buckets: [0.1, 1])
        for value in [0.05, 0.5, 0.7, 3] { histogram.labels().observe(value) }

        #expect(registry.snapshot(of: "jobs_total") == [MetricSnapshot(labels: ["type": "research"], value: 3)], "looked up before the namespace")
        #expect(registry.snapshot(of: "active_jobs") == [MetricSnapshot(labels: ["type": "creative"], value: 2)])
        let waits = registry.snapshot(of: "wait_seconds")
        #expect(waits.count == 1 && waits[0].value == 4 && waits[0].sum == 4.25)
        #expect(waits[0].buckets.map { $0.upperBound } == [0.1, 1, .infinity])
        #expect(waits[0].buckets.map { $0.count } == [1, 3, 4], "cumulative, as exposed")
        #expect(registry.snapshot(of: "missing").isEmpty)
    }
}
