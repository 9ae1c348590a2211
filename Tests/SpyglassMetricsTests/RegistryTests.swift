import CoreMetrics
import Logging
import SpyglassCore
import Testing

@testable import SpyglassMetrics

@Suite struct RegistryTests {
    @Test func concurrentUpdatesLoseNothing() async {
        let registry = MetricRegistry()
        let requests = registry.counter("requests_total", help: "Requests.", labels: ["worker"])
        let cost = registry.counter("cost_usd_total", help: "Cost.")
        let latency = registry.histogram("latency_seconds", help: "Latency.", unit: "seconds", buckets: [0.5, 1])
        let depth = registry.gauge("depth", help: "Depth.")
        let tasks = 16
        let iterations = 5_000
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for iteration in 0..<iterations {
                        // Looked up every time, as swift-metrics users do, racing to create the series.
                        requests.labels("worker-\(iteration % 8)").increment()
                        cost.labels().increment(by: 0.25)
                        latency.labels().observe(task.isMultiple(of: 2) ? 0.25 : 2)
                        depth.labels().increment()
                        depth.labels().decrement(by: 0.5)
                    }
                }
            }
        }
        let total = Double(tasks * iterations)
        let perWorker = (0..<8).map { requests.labels("worker-\($0)").value }
        #expect(perWorker.allSatisfy { $0 == total / 8 })
        #expect(requests.core.seriesCount == 8)
        #expect(cost.labels().value == total * 0.25)
        #expect(latency.labels().count == UInt64(total))
        #expect(latency.labels().sumOfObservations == total / 2 * 0.25 + total / 2 * 2)
        #expect(depth.labels().value == total * 0.5)
    }

    @Test func cardinalityIsCappedWithOneOverflowSeriesAndOneWarning() {
        let logs = RecordedLogs()
        let registry = MetricRegistry(configuration: MetricsConfiguration(seriesLimit: 2000), logger: logs.logger)
        let family = registry.counter("user_requests_total", help: "Per user, a cardinality mistake.", labels: ["user"])
        for user in 0..<100_000 { family.labels("user-\(user)").increment() }

        #expect(family.core.seriesCount == 2000)
        let text = registry.text()
        let series = text.split(separator: "\n").filter { $0.hasPrefix("user_requests_total{") }
        #expect(series.count == 2001)
        #expect(text.contains(#"user_requests_total{user="__overflow__"} 98000"#))
        #expect(text.contains(#"spyglass_metric_series_rejected_total{metric="user_requests_total"} 98000"#))
        let warnings = logs.events.filter { $0.message == "metric_series_rejected" }
        #expect(warnings.count == 1)
        #expect(warnings.first?.level == .warning)
        #expect(warnings.first?.metadata["metric"] == "user_requests_total")
        // Every rejected label set shares the overflow series: nothing more is kept per user.
        #expect(family.labels("user-99999") === family.labels("user-50000"))
    }

    @Test func perMetricLimitOverridesTheDefault() {
        let registry = MetricRegistry()
        let family = registry.gauge("tenant_quota", help: "Quota.", labels: ["tenant"], seriesLimit: 3)
        for tenant in 0..<10 { family.labels("t\(tenant)").set(tenant) }
        #expect(family.core.seriesCount == 3)
        #expect(family.labels("t9").labels.values == ["__overflow__"])
    }

    @Test func conflictingDeclarationsAreRejectedWithAWarningAndAWorkingHandle() {
        let logs = RecordedLogs()
        let registry = MetricRegistry(logger: logs.logger)
        let original = registry.counter("jobs_total", help: "Jobs.", labels: ["status"])
        original.labels("ok").increment()

        // Another type: a working gauge that is never exposed.
        let gauge = registry.gauge("jobs_total", help: "Jobs again.", labels: ["status"])
        gauge.labels("ok").set(42)
        #expect(gauge.labels("ok").value == 42)
        // Other labels: the same.
        let relabelled = registry.counter("jobs_total", help: "Jobs.", labels: ["state"])
        relabelled.labels("ok").increment(by: 5)
        _ = registry.gauge("jobs_total", help: "Jobs again.", labels: ["status"])  // a repeat warns no more

        let text = registry.text()
        #expect(text.contains(#"jobs_total{status="ok"} 1"#))
        #expect(!text.contains("42"))
        #expect(text.contains(#"spyglass_metric_registrations_rejected_total{metric="jobs_total"} 3"#))
        // One warning per distinct problem: the type, then the labels; the repeated gauge adds none.
        let problems = logs.events.filter { $0.message == "metric_registration_rejected" }.map { $0.metadata["problem"]?.description ?? "" }
        #expect(problems.count == 2)
        #expect(problems.first?.contains("type gauge differs from the registered counter") == true)
        #expect(problems.last?.contains("labels [\"state\"] differ from the registered [\"status\"]") == true)

        // The same declaration again is the same family.
        #expect(registry.counter("jobs_total", help: "Jobs.", labels: ["status"]) === original)
    }

    @Test func otherBucketsRecordIntoTheRegisteredHistogram() {
        let logs = RecordedLogs()
        let registry = MetricRegistry(logger: logs.logger)
        let first = registry.histogram("size_bytes", help: "Sizes.", buckets: [10, 100])
        let second = registry.histogram("size_bytes", help: "Sizes.", buckets: [1, 2, 3])
        #expect(first === second)
        second.labels().observe(50)
        #expect(registry.text().contains(#"size_bytes_bucket{le="100.0"} 1"#))
        #expect(logs.events.count == 1)
    }

    @Test func invalidDeclarationsAreReportedNotExposed() {
        let logs = RecordedLogs()
        let registry = MetricRegistry(logger: logs.logger)
        registry.counter("bad-name_total", help: "Dash.").labels().increment()
        registry.counter("ok_total", help: "Bad label.", labels: ["bad label"]).labels("x").increment()
        registry.histogram("le_seconds", help: "Reserved label.", labels: ["le"]).labels("1").observe(1)
        registry.histogram("descending_seconds", help: "Bad buckets.", buckets: [2, 1]).labels().observe(1)
        registry.gauge("duration_ms", help: "Unit not in the name.", unit: "seconds").labels().set(1)
        let text = registry.text()
        for name in ["bad-name", "ok_total{", "le_seconds", "descending_seconds", "duration_ms"] {
            #expect(!text.contains("\n\(name)"), "\(name) should not be exposed")
        }
        #expect(logs.events.count == 5)
        #expect(logs.events.allSatisfy { $0.level == .warning && $0.message == "metric_registration_rejected" })
    }

    @Test func wrongNumberOfLabelValuesGivesAnUnexposedSeries() {
        let logs = RecordedLogs()
        let registry = MetricRegistry(logger: logs.logger)
        let family = registry.counter("calls_total", help: "Calls.", labels: ["a", "b"])
        family.labels("only-one").increment()
        #expect(!registry.text().contains("only-one"))
        #expect(logs.events.first?.message == "metric_series_rejected")
    }

    @Test func valuesACounterCannotTakeAreIgnoredAndReported() {
        let logs = RecordedLogs()
        let registry = MetricRegistry(logger: logs.logger)
        let counter = registry.counter("things_total", help: "Things.").labels()
        counter.increment(by: -1)
        counter.increment(by: Double.nan)
        counter.increment(by: 2)
        registry.histogram("nan_seconds", help: "NaN.").labels().observe(.nan)
        #expect(counter.value == 2)
        #expect(registry.histogram("nan_seconds", help: "NaN.").labels().count == 0)
        #expect(logs.events.filter { $0.message == "metric_value_rejected" }.count == 2)  // once per metric
    }

    @Test func lookupsAreStableAcrossTableGrowth() {
        let registry = MetricRegistry()
        let family = registry.counter("grow_total", help: "Growth.", labels: ["id"])
        let first = (0..<1000).map { family.labels("id-\($0)") }
        for (id, series) in first.enumerated() { #expect(family.labels("id-\(id)") === series) }
        #expect(family.core.seriesCount == 1000)
    }
}

@Suite struct SwiftMetricsBridgeTests {
    @Test func everySwiftMetricsTypeLandsInTheRegistry() {
        let registry = MetricRegistry()
        let factory = SpyglassMetricsFactory(registry: registry)
        Counter(label: "hb.requests", dimensions: [("http.route", "/v1/jobs/{id}"), ("method", "GET")], factory: factory).increment(by: 2)
        FloatingPointCounter(label: "llm_cost_usd_total", dimensions: [("model", "gpt-4o")], factory: factory).increment(by: 0.5)
        Meter(label: "http.server.active_requests", dimensions: [("method", "GET")], factory: factory).increment(by: 3)
        Recorder(label: "queue_length", dimensions: [], aggregate: false, factory: factory).record(12)
        Recorder(label: "payload_seconds", dimensions: [], factory: factory).record(0.2)
        Timer(label: "http.server.request.duration", dimensions: [("status", "200")], factory: factory).recordMilliseconds(30)

        let text = registry.text()
        #expect(text.contains(#"hb_requests_total{http_route="/v1/jobs/{id}",method="GET"} 2"#))
        #expect(text.contains(#"llm_cost_usd_total{model="gpt-4o"} 0.5"#))
        #expect(text.contains(#"http_server_active_requests{method="GET"} 3"#))
        #expect(text.contains("\nqueue_length 12\n"))
        #expect(text.contains(#"payload_seconds_bucket{le="0.25"} 1"#))
        #expect(text.contains(#"http_server_request_duration_bucket{status="200",le="0.05"} 1"#))
        #expect(text.contains(#"http_server_request_duration_bucket{status="200",le="0.025"} 0"#))
        #expect(text.contains("# HELP hb_requests_total hb.requests, recorded through swift-metrics."))
    }

    @Test func dimensionsInAnotherOrderFindTheSameSeries() {
        let registry = MetricRegistry()
        let factory = SpyglassMetricsFactory(registry: registry)
        let declared = registry.counter("http_requests_total", help: "Requests.", labels: ["method", "endpoint", "status"])
        Counter(label: "http_requests_total", dimensions: [("method", "GET"), ("endpoint", "/a"), ("status", "200")], factory: factory).increment()
        Counter(label: "http_requests_total", dimensions: [("status", "200"), ("method", "GET"), ("endpoint", "/a")], factory: factory).increment()
        #expect(declared.labels("GET", "/a", "200").value == 2)
        #expect(registry.text().contains("# HELP http_requests_total Requests."))
    }

    @Test func aTimerRecordsIntoADeclaredHistogramWithItsBuckets() {
        let registry = MetricRegistry()
        let factory = SpyglassMetricsFactory(registry: registry)
        _ = registry.histogram("export_seconds", help: "Exports.", unit: "seconds", buckets: [60, 600])
        Timer(label: "export_seconds", factory: factory).recordSeconds(90)
        #expect(registry.text().contains(#"export_seconds_bucket{le="600.0"} 1"#))
    }

    @Test func mismatchedDimensionsAreReportedNotCrashed() {
        let logs = RecordedLogs()
        let registry = MetricRegistry(logger: logs.logger)
        let factory = SpyglassMetricsFactory(registry: registry)
        Counter(label: "events_total", dimensions: [("kind", "a")], factory: factory).increment()
        Counter(label: "events_total", dimensions: [("type", "b")], factory: factory).increment()
        Meter(label: "events_total", dimensions: [("kind", "a")], factory: factory).set(5)
        let text = registry.text()
        #expect(text.contains(#"events_total{kind="a"} 1"#))
        #expect(!text.contains(#"type="b""#))
        #expect(logs.events.filter { $0.level == .warning }.count == 2)
    }
}
