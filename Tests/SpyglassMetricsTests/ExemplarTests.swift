import Logging
import SpyglassCore
import OTel
import Testing
import Tracing

@testable import SpyglassMetrics

/// Exemplars taken from swift-otel's real tracer, through the same metadata provider that puts trace ids on
/// log lines.
@Suite struct ExemplarTests {
    func tracing(sampled: Bool) throws -> some Tracer {
        var otel = OTel.Configuration.default
        otel.traces.exporter = .none
        otel.traces.sampler = sampled ? .alwaysOn : .alwaysOff
        otel.metrics.enabled = false
        otel.logs.enabled = false
        return try OTel.makeTracingBackend(configuration: otel).factory
    }

    @Test func observationsInsideASampledSpanCarryItsIDs() throws {
        let tracer = try tracing(sampled: true)
        let registry = MetricRegistry(exemplars: .metadataProvider(OTel.makeLoggingMetadataProvider()))
        let latency = registry.histogram("request_seconds", help: "Latency.", unit: "seconds", buckets: [0.1, 1]).labels()
        let requests = registry.counter("requests_total", help: "Requests.").labels()

        latency.observe(0.05)  // no span: no exemplar
        var traceID: String?
        tracer.withSpan("GET /v1/jobs/{id}", context: .topLevel) { _ in
            traceID = ServiceContext.current?.otelTraceID
            latency.observe(0.5)
            requests.increment()
        }
        let expectedTraceID = try #require(traceID)
        let lines = registry.text(.openMetrics).split(separator: "\n")
        let bucket = try #require(lines.first { $0.hasPrefix(#"request_seconds_bucket{le="1.0"}"#) })
        #expect(bucket.contains(#"# {trace_id="\#(expectedTraceID)",span_id=""#))
        #expect(bucket.wholeMatch(of: /.* # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\} 0\.5 \d{10}\.\d{3}/) != nil)
        let fast = try #require(lines.first { $0.hasPrefix(#"request_seconds_bucket{le="0.1"}"#) })
        #expect(!fast.contains("#"))
        let counter = try #require(lines.first { $0.hasPrefix("requests_total ") })
        #expect(counter.contains(#"trace_id="\#(expectedTraceID)""#))
    }

    @Test func unsampledSpansLeaveNoExemplar() throws {
        let tracer = try tracing(sampled: false)
        let registry = MetricRegistry(exemplars: .metadataProvider(OTel.makeLoggingMetadataProvider()))
        let requests = registry.counter("requests_total", help: "Requests.").labels()
        tracer.withSpan("GET /", context: .topLevel) { _ in requests.increment() }
        #expect(requests.value == 1)
        #expect(!registry.text(.openMetrics).contains("trace_id"))
    }
}

/// Exemplars from the span identity Spyglass's own tracer binds in `ServiceContext`.
@Suite struct ActiveSpanExemplarTests {
    @Test func onlySampledSpansLeaveExemplars() throws {
        let registry = MetricRegistry(exemplars: .activeSpan)
        let latency = registry.histogram("job_seconds", help: "Latency.", unit: "seconds", buckets: [1]).labels()
        var context = ServiceContext.topLevel
        context.spanIdentity = SpanIdentity(traceIDHigh: 1, traceIDLow: 2, spanID: 3, isSampled: false)
        ServiceContext.withValue(context) { latency.observe(0.4) }
        #expect(!registry.text(.openMetrics).contains("trace_id"))
        context.spanIdentity = SpanIdentity(traceIDHigh: 1, traceIDLow: 2, spanID: 3, isSampled: true)
        ServiceContext.withValue(context) { latency.observe(0.5) }
        #expect(registry.text(.openMetrics).contains(#"# {trace_id="00000000000000010000000000000002",span_id="0000000000000003"} 0.5"#))
    }
}
