import Dispatch
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SpyglassCore
import SpyglassHummingbird
import SpyglassLogging
import SpyglassMetrics
import SpyglassDashboard
import SpyglassTracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Sends the same request through a Hummingbird router, in process, a given number of times, for
// `valgrind --tool=callgrind`: the MiddlewareBenchmarks request in instructions, which repeat where this VM's
// wall-clock noise (±15%) hides a change. The cost of one request is
// (instructions at 2N requests − instructions at N) / N; see BENCHMARKS.md.
//
//   swift build -c release --product RequestInstructions
//   SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//       .build/release/RequestInstructions full 2000

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]), count >= 0,
    let setUp = SetUp(rawValue: arguments[1])
else {
    let setUps = SetUp.allCases.map(\.rawValue).joined(separator: "|")
    print("usage: RequestInstructions \(setUps) <requests>")
    exit(2)
}

enum SetUp: String, CaseIterable {
    /// The router and handler alone: the figure every other set-up is compared against.
    case router
    /// SpyglassMiddleware with `.metricsOnly`.
    case metricsOnly = "metrics-only"
    /// SpyglassMiddleware with ids and metrics.
    case ids
    /// SpyglassMiddleware with ids, metrics and the access line.
    case accessLine = "access-line"
    /// SpyglassMiddleware with ids, metrics and the server span.
    case span
    /// SpyglassMiddleware with ids, metrics, the access line and the server span.
    case full
}

struct InstructionsContext: RequestContext {
    typealias Source = InstructionsContextSource
    var coreContext: CoreRequestContextStorage
    init(source: InstructionsContextSource) { coreContext = CoreRequestContextStorage(source: source) }
}

struct InstructionsContextSource: RequestContextSource {
    let logger = Logger(label: "instructions")
}

/// Discards the response body, as a socket write would take it.
struct DiscardingBodyWriter: ResponseBodyWriter {
    func write(_: ByteBuffer) async throws {}
    func finish(_: HTTPFields?) async throws {}
}

var logConfiguration = LoggingConfiguration()
logConfiguration.sampling = nil
let logBackend = try! LogBackend(configuration: logConfiguration, service: ServiceIdentity(name: "instructions", version: "1", environment: "bench"), writer: LogWriter(fileDescriptor: open("/dev/null", O_WRONLY)))
let accessLog = Logger(label: "spyglass.http") { logBackend.makeHandler(label: $0, metadataProvider: nil) }
let registry = MetricRegistry()
let tracer = SpyglassTracer(store: SpanStore(capacity: 10_000))

let router = Router(context: InstructionsContext.self)
switch setUp {
case .router: break
case .metricsOnly: router.add(middleware: SpyglassMiddleware(metrics: registry, configuration: .metricsOnly))
case .ids: router.add(middleware: SpyglassMiddleware(metrics: registry, configuration: .init(tracesRequests: false, logsRequests: false)))
case .accessLine: router.add(middleware: SpyglassMiddleware(metrics: registry, configuration: .init(tracesRequests: false), logger: accessLog))
case .span: router.add(middleware: SpyglassMiddleware(metrics: registry, configuration: .init(logsRequests: false), tracer: tracer))
case .full: router.add(middleware: SpyglassMiddleware(metrics: registry, logger: accessLog, tracer: tracer))
}
router.get("/v1/jobs/{id}") { _, context in
    "{\"id\":\"\(context.parameters.get("id") ?? "")\",\"status\":\"completed\"}"
}
let responder = router.buildResponder()

let head = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/v1/jobs/42", headerFields: [.userAgent: "wrk/4.1"])
// The main thread waits on a semaphore instead of an async `main`: valgrind crashes in the `sigsuspend` that
// an async `main` leaves the main thread in. Detached, because a plain `Task` here would wait for the main
// actor that the semaphore holds.
let finished = DispatchSemaphore(value: 0)
Task.detached {
    let context = InstructionsContext(source: InstructionsContextSource())
    for _ in 0..<count {
        let (body, source) = RequestBody.makeStream()
        source.finish()
        let response = try await responder.respond(to: Request(head: head, body: body), context: context)
        try await response.body.write(DiscardingBodyWriter())
    }
    finished.signal()
}
finished.wait()
