import Benchmark
import Hummingbird
import Instrumentation
import Logging
import OTel
import ServiceLifecycle
import Synchronization
import SpyglassCore
import SpyglassDashboard
import SpyglassOTLP
import SpyglassTracing
import Tracing

// Each group measures the same span work on Spyglass's in-process tracer, on swift-otel's tracer (no exporter),
// the tracer a Swift server would otherwise install, and on Spyglass's tracer exporting its spans over OTLP/HTTP to
// a collector in this process (what `Spyglass.bootstrap` installs when OTLP is configured): the last against the
// first is what exporting costs the span's caller.

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

/// Spyglass's tracer exporting through `OTLPExport` to a collector on a loopback port that accepts every batch;
/// made by the benchmarks' setup, which starts the collector and the exporter.
final class ExportingTracer: @unchecked Sendable {
    static let shared = ExportingTracer()
    private(set) var tracer = SpyglassTracer(store: SpanStore(capacity: 10_000))
    private(set) var export: OTLPExport?
    /// Spans the benchmarks handed to the exporting tracer, to say how many of them the queue took.
    let offered = Atomic<Int>(0)

    func start() async throws {
        guard export == nil else { return }
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 26)
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"])
        }
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        let collector = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "collector") { _ in SwiftLogNoOpLogHandler() })
        Task { try await collector.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        let collectorPort = await iterator.next() ?? 0
        let export = try OTLPExport.make(
            OTLPConfiguration(endpoint: "http://127.0.0.1:\(collectorPort)", exportsLogs: false, exportsMetrics: false),
            service: ServiceIdentity(name: "tracing-benchmarks", version: "1", environment: "bench"),
            tracing: TracingConfiguration(), environment: [:], processEnvironment: [:],
            diagnostics: Logger(label: "otlp") { _ in SwiftLogNoOpLogHandler() })!
        for service in export.services { Task { try await service.run() } }
        tracer = SpyglassTracer(store: SpanStore(capacity: 10_000), export: export.spans)
        self.export = export
    }
}

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
    // Spans the collector could not take as fast as they are made are dropped and counted: printed after the run.
    let exporting = Benchmark.Configuration(
        setup: { try await ExportingTracer.shared.start() },
        teardown: {
            guard let drops = ExportingTracer.shared.export?.spanDrops else { return }
            let offered = ExportingTracer.shared.offered.load(ordering: .relaxed)
            print("exporting: \(offered) spans offered, dropped: queue full \(drops.count(.queueFull)), export failed \(drops.count(.exportFailed))")
        })
    Benchmark("server span with 8 attributes: Spyglass exporting over OTLP", configuration: exporting) { benchmark in
        let tracer = ExportingTracer.shared.tracer
        for _ in benchmark.scaledIterations { serverSpan(tracer, context: .topLevel) }
        ExportingTracer.shared.offered.add(benchmark.scaledIterations.count, ordering: .relaxed)
    }
    Benchmark("unsampled server span: Spyglass") { benchmark in
        for _ in benchmark.scaledIterations { serverSpan(unsampledSpyglassTracer, context: .topLevel) }
    }
    Benchmark("unsampled server span: swift-otel") { benchmark in
        for _ in benchmark.scaledIterations { serverSpan(unsampledOTelTracing.tracer, context: .topLevel) }
    }
    Benchmark("extract traceparent, start, inject, end: Spyglass") { benchmark in
        for _ in benchmark.scaledIterations { propagate(spyglassTracer) }
    }
    Benchmark("extract traceparent, start, inject, end: swift-otel") { benchmark in
        for _ in benchmark.scaledIterations { propagate(otelTracing.tracer) }
    }
    Benchmark("extract traceparent, start, inject, end: Spyglass exporting over OTLP", configuration: exporting) { benchmark in
        let tracer = ExportingTracer.shared.tracer
        for _ in benchmark.scaledIterations { propagate(tracer) }
        ExportingTracer.shared.offered.add(benchmark.scaledIterations.count, ordering: .relaxed)
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
