import Foundation
import SpyglassCore
import SpyglassTestSupport
import Testing

@testable import SpyglassMetrics

/// The exposition checked by programs no one here wrote: `promtool check metrics` and Python's
/// `prometheus_client` parsers.
@Suite struct PeerValidationTests {
    static let hostileValues = [
        "plain", "quote\"inside", "back\\slash", "new\nline", "tab\there", "emoji 🚀", "ümlaut", "{braces}", "a=b,c=d", "",
        "# not a comment", "trailing space ",
    ]

    /// A registry holding every kind of metric, exemplars and hostile label values.
    static func fullRegistry() -> MetricRegistry {
        let span = ExemplarSpan(traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7")
        let registry = MetricRegistry(configuration: MetricsConfiguration(namespace: "demo"), exemplars: ExemplarSource { span })
        let requests = registry.counter("http_requests_total", help: "HTTP requests by \"method\", endpoint and status.", labels: ["method", "endpoint", "status"])
        let duration = registry.histogram(
            "http_request_duration_seconds",
            help: "HTTP request duration.\nSecond line with a backslash \\.",
            unit: "seconds",
            labels: ["method", "endpoint"]
        )
        for (index, value) in hostileValues.enumerated() {
            requests.labels("GET", value, "200").increment(by: index + 1)
            duration.labels("GET", value).observe(Double(index) * 0.01)
        }
        registry.counter("llm_cost_usd_total", help: "Spend in USD.", labels: ["provider", "model"]).labels("openai", "gpt-4o").increment(by: 0.0123)
        registry.gauge("active_jobs", help: "Jobs running now.", labels: ["job_type"]).labels("export").set(3)
        registry.gauge("temperature_celsius", help: "A negative gauge.", unit: "celsius").labels().set(-1.5)
        registry.histogram("response_size_bytes", help: "Sizes.", unit: "bytes", buckets: HistogramBuckets.bytes).labels().observe(2048)
        registry.registerProcessMetrics()
        registry.registerAppInfo(service: "agent-hub", version: "1.4.2", environment: "test")
        registry.observeCounter("log_events_dropped_total", help: "Dropped lines.", labels: [("reason", "sampling")]) { 7 }
        // A rejected registration and an overflow, so the self-metrics appear too.
        _ = registry.gauge("http_requests_total", help: "Conflicts.")
        let limited = registry.counter("limited_total", help: "Tiny limit.", labels: ["id"], seriesLimit: 1)
        limited.labels("1").increment()
        limited.labels("2").increment()
        return registry
    }

    @Test func promtoolAcceptsTheTextFormatWithoutLintWarnings() async throws {
        let output = try await Peers.run(Peers.promtool, ["check", "metrics"], input: Self.fullRegistry().render(.prometheusText))
        #expect(output.status == 0, "promtool: \(output.standardOutput) \(output.standardError)")
        #expect(output.standardOutput.isEmpty && output.standardError.isEmpty, "promtool: \(output.standardOutput) \(output.standardError)")
    }

    @Test(arguments: [ExpositionFormat.prometheusText, .openMetrics])
    func prometheusClientParsesTheSameValues(format: ExpositionFormat) async throws {
        let registry = Self.fullRegistry()
        let parser = format == .openMetrics ? "prometheus_client.openmetrics.parser" : "prometheus_client.parser"
        let script = """
            import json, sys, importlib
            parser = importlib.import_module("\(parser)")
            out = []
            for family in parser.text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    ex = None
                    if s.exemplar is not None:
                        ex = {"labels": s.exemplar.labels, "value": s.exemplar.value}
                    out.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels, "value": s.value, "exemplar": ex})
            print(json.dumps(out))
            """
        let output = try await Peers.run(Peers.python, ["-c", script], input: registry.render(format))
        try #require(output.status == 0, "prometheus_client: \(output.standardError)")
        let samples = try #require(JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: Any]])

        func value(_ name: String, _ labels: [String: String]) -> Double? {
            samples.first { $0["name"] as? String == name && $0["labels"] as? [String: String] == labels }?["value"] as? Double
        }
        // Every hostile label value round-trips with its exact count, sum and bucket counts.
        for (index, hostile) in Self.hostileValues.enumerated() {
            #expect(value("demo_http_requests_total", ["method": "GET", "endpoint": hostile, "status": "200"]) == Double(index + 1), "\(hostile)")
            #expect(value("demo_http_request_duration_seconds_count", ["method": "GET", "endpoint": hostile]) == 1)
            #expect(value("demo_http_request_duration_seconds_sum", ["method": "GET", "endpoint": hostile]) == Double(index) * 0.01)
            #expect(value("demo_http_request_duration_seconds_bucket", ["method": "GET", "endpoint": hostile, "le": "+Inf"]) == 1)
        }
        #expect(value("demo_llm_cost_usd_total", ["provider": "openai", "model": "gpt-4o"]) == 0.0123)
        #expect(value("demo_active_jobs", ["job_type": "export"]) == 3)
        #expect(value("demo_temperature_celsius", [:]) == -1.5)
        #expect(value("demo_response_size_bytes_bucket", ["le": format == .openMetrics ? "1000.0" : "1000.0"]) == 0)
        #expect(value("demo_response_size_bytes_bucket", ["le": "10000.0"]) == 1)
        #expect(value("demo_app_info", ["service": "agent-hub", "version": "1.4.2", "environment": "test"]) == 1)
        #expect(value("demo_log_events_dropped_total", ["reason": "sampling"]) == 7)
        #expect(value("demo_spyglass_metric_series_rejected_total", ["metric": "demo_limited_total"]) == 1)
        #expect(value("demo_spyglass_metric_registrations_rejected_total", ["metric": "demo_http_requests_total"]) == 1)
        #expect(value("demo_limited_total", ["id": "__overflow__"]) == 1)
        #expect((value("process_resident_memory_bytes", [:]) ?? 0) > 1_000_000)

        let families = Set(samples.compactMap { $0["family"] as? String })
        let counterFamily = format == .openMetrics ? "demo_http_requests" : "demo_http_requests"
        #expect(families.contains(counterFamily))

        let exemplars = samples.compactMap { $0["exemplar"] as? [String: Any] }
        if format == .openMetrics {
            #expect(exemplars.count >= Self.hostileValues.count * 2)
            let labels = exemplars.first?["labels"] as? [String: String]
            #expect(labels == ["trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"])
        } else {
            #expect(exemplars.isEmpty)
        }
    }
}
