import MetricsTestKit
import SpyglassCore
import Testing

@testable import SpyglassMetrics

/// A registry with a mirror records every series into it too, as it does for OTLP export through swift-otel.
@Suite struct MirrorTests {
    @Test func everySeriesAlsoRecordsIntoTheMirrorUnderTheSameNameAndLabels() throws {
        let mirror = TestMetrics()
        let registry = MetricRegistry(configuration: MetricsConfiguration(namespace: "hub"), mirror: mirror)
        let requests = registry.counter("http_requests_total", help: "Requests.", labels: ["method", "status"])
        requests.labels("GET", "200").increment()
        requests.labels("GET", "200").increment(by: 2)
        let inProgress = registry.gauge("http_requests_in_progress", help: "In flight.", labels: ["method"]).labels("GET")
        inProgress.increment()
        inProgress.increment()
        inProgress.decrement()
        let duration = registry.histogram("http_request_duration_seconds", help: "Latency.", unit: "seconds", labels: ["method"])
        duration.labels("GET").observe(0.25)
        duration.labels("GET").observe(.milliseconds(40))

        // Counters lose `_total` (OpenTelemetry's naming; Prometheus adds it back) and keep the namespace.
        #expect(try mirror.expectCounter("hub_http_requests", [("method", "GET"), ("status", "200")]).totalValue == 3)
        #expect(try mirror.expectMeter("hub_http_requests_in_progress", [("method", "GET")]).lastValue == 1)
        #expect(try mirror.expectRecorder("hub_http_request_duration_seconds", [("method", "GET")]).values == [0.25, 0.04])
        // What /metrics serves is unchanged.
        let text = String(decoding: registry.render(), as: UTF8.self)
        #expect(text.contains(#"hub_http_requests_total{method="GET",status="200"} 3"#))
        #expect(text.contains(#"hub_http_requests_in_progress{method="GET"} 1"#))
    }
}
