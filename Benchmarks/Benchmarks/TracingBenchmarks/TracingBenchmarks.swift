import Benchmark
import Instrumentation
import OTel
import ServiceLifecycle
import SpyglassDashboard
import SpyglassTracing
import Tracing

// Each group measures the same span work on Spyglass's in-process tracer, on swift-otel's tracer (no exporter),
// the tracer a Swift server would otherwise install, and on Spyglass's tracer exporting through swift-otel's
// (what `Spyglass.bootstrap` installs when OTLP is configured): the last against swift-otel alone is what keeping
// the spans in process as well costs.

let spyglassTracer = SpyglassTracer(store: SpanStore(capacity: 10_000))
let unsampledSpyglassTracer = SpyglassTracer(store: SpanStore(capacity: 10_000), sampler: .alwaysOff)

func makeOTelTracing(_ sampler: OTel.Configuration.TracesConfiguration.SamplerConfiguration) -> (tracer: any Tracer, service: any Service) {
    var configuration = OTel.Configuration.default
    configuration.traces.exporter = .none
    configuration.traces.sampler = sampler
    configuration.metrics.enabled = false
    configuration.logs.enabled = false
    configuration.diagnosticLogLevel = .error
    let backend = try! OTel.makeTracingBackend(configuration: configuration)
    return (backend.factory, backend.service)
}

let otelTracing = makeOTelTracing(.alwaysOn)
let unsampledOTelTracing = makeOTelTracing(.alwaysOff)
let exportingTracer = SpyglassTracer(store: SpanStore(capacity: 10_000), exportingThrough: otelTracing.tracer)
let unsampledExportingTracer = SpyglassTracer(store: SpanStore(capacity: 10_000), exportingThrough: unsampledOTelTracing.tracer)

/// The request's span as the HTTP middleware makes it: started from the caller's context, eight attributes, ended.
func serverSpan(_ tracer: some Tracer, context: ServiceContext) {
    let span = tracer.startSpan("GET", context: context, ofKind: .server)
    span.updateAttributes { attributes in
        attributes["http.request.method"] = "GET"
        attributes["http.route"] = "/v1/jobs/{id}"
        attributes["url.path"] = "/v1/jobs/42"
        attributes["url.scheme"] = "http"
        attributes["http.response.status_code"] = 200
        attributes["http.response.body.size"] = 42
        attributes["user_agent.original"] = "wrk/4.1"
        attributes["client.address"] = "127.0.0.1"
    }
    span.operationName = "GET /v1/jobs/{id}"
    span.end()
}

struct Headers: Extractor, Injector {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

let incoming = ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]

/// Extracts the caller's trace, starts a span in it and injects the span into outgoing headers.
func propagate(_ tracer: some Tracer) {
    var context = ServiceContext.topLevel
    tracer.extract(incoming, into: &context, using: Headers())
    let span = tracer.startSpan("GET", context: context, ofKind: .server)
    var outgoing: [String: String] = [:]
    tracer.inject(span.context, into: &outgoing, using: Headers())
    blackHole(outgoing)
    span.end()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 100_000
    )
    // swift-otel's tracer hands finished spans to its processor only while its service runs.
    Task { try await otelTracing.service.run() }
    Task { try await unsampledOTelTracing.service.run() }

    Benchmark("server span with 8 attributes: Spyglass") { benchmark in
        for _ in benchmark.scaledIterations { serverSpan(spyglassTracer, context: .topLevel) }
    }
    Benchmark("server span with 8 attributes: swift-otel") { benchmark in
        for _ in benchmark.scaledIterations { serverSpan(otelTracing.tracer, context: .topLevel) }
    }
    Benchmark("server span with 8 attributes: Spyglass exporting through swift-otel") { benchmark in
        for _ in benchmark.scaledIterations { serverSpan(exportingTracer, context: .topLevel) }
    }
    Benchmark("unsampled server span: Spyglass") { benchmark in
        for _ in benchmark.scaledIterations { serverSpan(unsampledSpyglassTracer, context: .topLevel) }
    }
    Benchmark("unsampled server span: swift-otel") { benchmark in
        for _ in benchmark.scaledIterations { serverSpan(unsampledOTelTracing.tracer, context: .topLevel) }
    }
    Benchmark("unsampled server span: Spyglass exporting through swift-otel") { benchmark in
        for _ in benchmark.scaledIterations { serverSpan(unsampledExportingTracer, context: .topLevel) }
    }
    Benchmark("extract traceparent, start, inject, end: Spyglass") { benchmark in
        for _ in benchmark.scaledIterations { propagate(spyglassTracer) }
    }
    Benchmark("extract traceparent, start, inject, end: swift-otel") { benchmark in
        for _ in benchmark.scaledIterations { propagate(otelTracing.tracer) }
    }
    Benchmark("extract traceparent, start, inject, end: Spyglass exporting through swift-otel") { benchmark in
        for _ in benchmark.scaledIterations { propagate(exportingTracer) }
    }
    // What the span store's byte bound adds to every span kept: the estimate of the record's memory.
    let record = SpanRecord(
        traceIDHigh: 1, traceIDLow: 2, spanID: 3, parentSpanID: nil, operationName: "GET /v1/jobs/{id}", kind: .server,
        startNanosecondsSinceEpoch: 0, endNanosecondsSinceEpoch: 1,
        attributes: [
            "http.request.method": "GET", "http.route": "/v1/jobs/{id}", "url.path": "/v1/jobs/42", "url.scheme": "http",
            "http.response.status_code": 200, "http.response.body.size": 42, "user_agent.original": "wrk/4.1",
            "client.address": "127.0.0.1",
        ]
    )
    Benchmark("span store: the byte estimate of a span with 8 attributes") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(record.estimatedBytes) }
    }
}
