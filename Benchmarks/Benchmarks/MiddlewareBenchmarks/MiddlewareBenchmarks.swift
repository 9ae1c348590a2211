import Benchmark
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import OTel
import Prometheus
import ServiceLifecycle
import SpyglassCore
import SpyglassHummingbird
import SpyglassLogging
import SpyglassMetrics
import SpyglassDashboard
import SpyglassTracing
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// One request through a Hummingbird router, in process (no sockets, no event loop), in each set-up of
// `http-overhead.sh`: the middleware's CPU per request without the network's noise. Each set-up's cost is its
// figure minus the router's own.
//
// Every logger writes through the same Spyglass JSON handler into /dev/null. Hummingbird's middlewares use the
// globally installed metrics factory (swift-prometheus) and tracer (swift-otel's, no exporter); Spyglass's get
// their registry and `SpyglassTracer` passed in, as `Spyglass.bootstrap` does.

struct BenchmarkContext: RequestContext {
    typealias Source = BenchmarkContextSource
    var coreContext: CoreRequestContextStorage
    init(source: BenchmarkContextSource) { coreContext = CoreRequestContextStorage(source: source) }
}

struct BenchmarkContextSource: RequestContextSource {
    let logger = Logger(label: "benchmark")
}

/// Discards the response body, as a socket write would take it.
struct DiscardingBodyWriter: ResponseBodyWriter {
    func write(_: ByteBuffer) async throws {}
    func finish(_: HTTPFields?) async throws {}
}

let devNull = open("/dev/null", O_WRONLY)

let otelTracing: (tracer: any Tracer, service: any Service) = {
    var configuration = OTel.Configuration.default
    configuration.traces.exporter = .none
    configuration.traces.sampler = .alwaysOn
    configuration.metrics.enabled = false
    configuration.logs.enabled = false
    configuration.diagnosticLogLevel = .error
    let backend = try! OTel.makeTracingBackend(configuration: configuration)
    return (backend.factory, backend.service)
}()

let logBackend: LogBackend = {
    var configuration = LoggingConfiguration()
    configuration.sampling = nil
    return try! LogBackend(configuration: configuration, service: ServiceIdentity(name: "middleware-benchmarks", version: "1", environment: "bench"), writer: LogWriter(fileDescriptor: devNull))
}()

/// `GET /v1/jobs/{id}` answering a small JSON body, behind `middleware`.
func makeResponder(_ middleware: (Router<BenchmarkContext>) -> Void) -> some HTTPResponder<BenchmarkContext> {
    let router = Router(context: BenchmarkContext.self)
    middleware(router)
    router.get("/v1/jobs/{id}") { _, context in
        "{\"id\":\"\(context.parameters.get("id") ?? "")\",\"status\":\"completed\"}"
    }
    return router.buildResponder()
}

let head = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/v1/jobs/42", headerFields: [.userAgent: "wrk/4.1"])

func requests(_ responder: some HTTPResponder<BenchmarkContext>, _ benchmark: Benchmark) async throws {
    let context = BenchmarkContext(source: BenchmarkContextSource())
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        let (body, source) = RequestBody.makeStream()
        source.finish()
        let response = try await responder.respond(to: Request(head: head, body: body), context: context)
        try await response.body.write(DiscardingBodyWriter())
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 100_000
    )
    LoggingSystem.bootstrap(logBackend.makeHandler, metadataProvider: OTel.makeLoggingMetadataProvider())
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: PrometheusCollectorRegistry()))
    InstrumentationSystem.bootstrap(otelTracing.tracer)
    // swift-otel's tracer hands finished spans to its processor only while its service runs.
    Task { try await otelTracing.service.run() }

    let registry = MetricRegistry()
    // Spyglass's own tracer puts trace ids in log lines without a metadata provider (as `Spyglass.bootstrap` sets up).
    let accessLog = Logger(label: "spyglass.http") { logBackend.makeHandler(label: $0, metadataProvider: nil) }
    let spyglassTracer = SpyglassTracer(store: SpanStore(capacity: 10_000))

    Benchmark("request: router alone") { benchmark in
        try await requests(makeResponder { _ in }, benchmark)
    }
    Benchmark("request: Spyglass metrics-only") { benchmark in
        try await requests(makeResponder { $0.add(middleware: SpyglassMiddleware(metrics: registry, configuration: .metricsOnly)) }, benchmark)
    }
    Benchmark("request: Hummingbird MetricsMiddleware (swift-prometheus)") { benchmark in
        try await requests(makeResponder { $0.add(middleware: MetricsMiddleware()) }, benchmark)
    }
    Benchmark("request: Spyglass full (ids, metrics, access log, span)") { benchmark in
        try await requests(makeResponder { $0.add(middleware: SpyglassMiddleware(metrics: registry, logger: accessLog, tracer: spyglassTracer)) }, benchmark)
    }
    Benchmark("request: Spyglass ids, metrics, access log") { benchmark in
        try await requests(makeResponder { $0.add(middleware: SpyglassMiddleware(metrics: registry, configuration: .init(tracesRequests: false), logger: accessLog)) }, benchmark)
    }
    Benchmark("request: Spyglass ids, metrics, span") { benchmark in
        try await requests(makeResponder { $0.add(middleware: SpyglassMiddleware(metrics: registry, configuration: .init(logsRequests: false), tracer: spyglassTracer)) }, benchmark)
    }
    Benchmark("request: Spyglass ids, metrics") { benchmark in
        try await requests(makeResponder { $0.add(middleware: SpyglassMiddleware(metrics: registry, configuration: .init(tracesRequests: false, logsRequests: false))) }, benchmark)
    }
    Benchmark("request: Hummingbird's three (log, metrics, swift-otel span)") { benchmark in
        try await requests(
            makeResponder {
                $0.add(middleware: LogRequestsMiddleware(.info))
                $0.add(middleware: MetricsMiddleware())
                $0.add(middleware: TracingMiddleware())
            },
            benchmark
        )
    }
}
