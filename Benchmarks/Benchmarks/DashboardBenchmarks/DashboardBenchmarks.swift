import Benchmark
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SpyglassCore
import SpyglassHealth
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

// What one open dashboard costs the service: each view polls its API every 2 seconds. The stores are full at
// their default counts (10,000 spans in 1,000 traces, 10,000 log lines), and each request goes through a
// Hummingbird router in process (no sockets), answered in full.

struct BenchmarkContext: RequestContext {
    typealias Source = BenchmarkContextSource
    var coreContext: CoreRequestContextStorage
    init(source: BenchmarkContextSource) { coreContext = CoreRequestContextStorage(source: source) }
}

struct BenchmarkContextSource: RequestContextSource {
    let logger = Logger(label: "benchmark")
}

/// Counts the body's bytes, as a socket write would take them.
final class CountingBodyWriter: ResponseBodyWriter {
    var bytes = 0
    func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytes }
    func finish(_: HTTPFields?) async throws {}
}

let token = "benchmark-dashboard-token-0123"
let knownTrace = (high: UInt64(0x4bf9_2f35_77b3_4da6), low: UInt64(500))

/// 1,000 traces of ten spans (a request, an agent, tools and LLM calls), the store's default 10,000.
func filledSpans() -> SpanStore {
    let store = SpanStore()
    var spanID: UInt64 = 1
    for trace in 0..<1_000 {
        let start = UInt64(1_796_000_000_000_000_000) + UInt64(trace) * 10_000_000
        let root = spanID
        for index in 0..<10 {
            var attributes: SpanAttributes = ["http.route": "/v1/chat", "http.request.method": "POST"]
            if index == 0 {
                attributes["http.response.status_code"] = 200
                attributes["url.path"] = "/v1/chat"
                attributes["user_agent.original"] = "curl/8.5.0"
            } else {
                attributes["gen_ai.operation.name"] = "chat"
                attributes["gen_ai.request.model"] = "gpt-4o-mini"
                attributes["gen_ai.usage.input_tokens"] = 120
                attributes["gen_ai.usage.output_tokens"] = 48
            }
            store.append(SpanRecord(
                traceIDHigh: knownTrace.high, traceIDLow: UInt64(trace), spanID: spanID, parentSpanID: index == 0 ? nil : root,
                operationName: index == 0 ? "POST /v1/chat" : "chat gpt-4o-mini", kind: index == 0 ? .server : .client,
                startNanosecondsSinceEpoch: start + UInt64(index) * 100_000, endNanosecondsSinceEpoch: start + 5_000_000,
                attributes: attributes, events: index == 0 ? [] : [SpanEvent(name: "gen_ai.first_token")]
            ))
            spanID += 1
        }
    }
    return store
}

/// 10,000 access-log lines written by the real pipeline, ten per trace (the known one is trace 500).
func filledLogs() throws -> LogStore {
    var configuration = LoggingConfiguration()
    configuration.sampling = nil
    let store = LogStore()
    let backend = try LogBackend(configuration: configuration, service: ServiceIdentity(name: "dashboard-benchmarks", version: "1", environment: "bench"), writer: LogWriter(fileDescriptor: open("/dev/null", O_WRONLY)), store: store)
    let logger = Logger(label: "spyglass.http") { backend.makeHandler(label: $0, metadataProvider: nil) }
    for index in 0..<10_000 {
        var context = ServiceContext.topLevel
        context.spanIdentity = SpanIdentity(traceIDHigh: knownTrace.high, traceIDLow: UInt64(index / 10), spanID: UInt64(index + 1), isSampled: true)
        ServiceContext.withValue(context) {
            SpyglassContext.with({ $0.requestID = "req-\(index / 10)" }) {
                logger.info("request_completed", metadata: ["method": "POST", "endpoint": "/v1/chat", "status": "200", "duration_ms": "4.2"])
            }
        }
    }
    return store
}

func makeResponder() throws -> some HTTPResponder<BenchmarkContext> {
    let router = Router(context: BenchmarkContext.self)
    router.addDashboard(Dashboard(
        token: token, service: "dashboard-benchmarks", version: "1", environment: "bench", spans: filledSpans(), logs: try filledLogs(),
        errors: ErrorGroups(), jobs: JobHistory(), metrics: MetricHistory(), health: HealthMonitor(service: "dashboard-benchmarks", version: "1"),
        redactor: try Redactor()
    ))
    return router.buildResponder()
}

func requests(_ path: String, _ responder: some HTTPResponder<BenchmarkContext>, _ benchmark: Benchmark) async throws {
    let context = BenchmarkContext(source: BenchmarkContextSource())
    let head = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: path, headerFields: [.authorization: "Bearer \(token)"])
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        let (body, source) = RequestBody.makeStream()
        source.finish()
        let response = try await responder.respond(to: Request(head: head, body: body), context: context)
        precondition(response.status == .ok, "\(path): \(response.status)")
        try await response.body.write(CountingBodyWriter())
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        maxDuration: .seconds(5),
        maxIterations: 1_000
    )
    let responder = try! makeResponder()
    let traceID = String(knownTrace.high, radix: 16) + String(repeating: "0", count: 13) + String(500, radix: 16)

    Benchmark("dashboard API: recent traces (10,000 spans)") { benchmark in
        try await requests("/spyglass/api/traces", responder, benchmark)
    }
    Benchmark("dashboard API: one trace as a waterfall") { benchmark in
        try await requests("/spyglass/api/traces/\(traceID)", responder, benchmark)
    }
    Benchmark("dashboard API: log lines of one trace (10,000 lines)") { benchmark in
        try await requests("/spyglass/api/logs?trace_id=\(traceID)", responder, benchmark)
    }
    // What one Sentry event's breadcrumbs cost the log store: its lock held for a scan of the whole store (the
    // known trace's ten lines are among the oldest), while log lines wait to be stored.
    let breadcrumbStore = try! filledLogs()
    Benchmark("breadcrumbs for one error event: lines of its trace in a full log store (10,000 lines)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(breadcrumbStore.newest(30) { $0.traceIDHigh == knownTrace.high && $0.traceIDLow == 500 })
        }
    }
    Benchmark("breadcrumbs for one error event, read in place: lines of its trace in a full log store (10,000 lines)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(breadcrumbStore.newest(30, inTrace: knownTrace.high, 500, before: .max))
        }
    }
    Benchmark("dashboard API: live log tail, nothing new") { benchmark in
        try await requests("/spyglass/api/logs?after=10000", responder, benchmark)
    }
    Benchmark("dashboard API: latest 200 log lines") { benchmark in
        try await requests("/spyglass/api/logs", responder, benchmark)
    }
    Benchmark("dashboard API: GenAI calls (10,000 spans)") { benchmark in
        try await requests("/spyglass/api/genai", responder, benchmark)
    }
}
