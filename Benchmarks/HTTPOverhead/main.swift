import Dispatch
import Hummingbird
import Logging
import Metrics
import OTel
import Prometheus
import SpyglassCore
import SpyglassHummingbird
import SpyglassLogging
import SpyglassMetrics
import Tracing

#if canImport(Glibc)
import Glibc
#endif

// The server `http-overhead.sh` measures with wrk: one route, in one of four set-ups.
//
//   bare         Hummingbird alone
//   hummingbird  Hummingbird's own LogRequestsMiddleware, MetricsMiddleware (swift-prometheus) and TracingMiddleware
//   metrics      Spyglass middleware with metrics only (request ids, no span, no access log)
//   full         Spyglass middleware: ids, metrics, access log, a span per request (swift-otel, 100% sampling)
//
// Every set-up logs through the same Spyglass JSON handler into /dev/null and traces with the same swift-otel
// tracer (no exporter), so the comparison is the middleware's own work.

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[2]) else {
    print("usage: HTTPOverhead bare|hummingbird|metrics|full PORT")
    exit(2)
}
let mode = arguments[1]

let devNull = open("/dev/null", O_WRONLY)
var configuration = SpyglassConfiguration(serviceName: "http-overhead", environment: "bench", version: "1")
configuration.logging.sampling = nil
let logs = try LogBackend(configuration: configuration, writer: LogWriter(fileDescriptor: devNull))
LoggingSystem.bootstrap(logs.makeHandler, metadataProvider: nil)

var otel = OTel.Configuration.default
otel.traces.exporter = .none
otel.traces.sampler = .alwaysOn
otel.metrics.enabled = false
otel.logs.enabled = false
let tracing = try OTel.makeTracingBackend(configuration: otel)
InstrumentationSystem.bootstrap(tracing.factory)

let registry = MetricRegistry()
let router = Router()
switch mode {
case "bare":
    break
case "hummingbird":
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: PrometheusCollectorRegistry()))
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: TracingMiddleware())
case "metrics":
    router.add(middleware: SpyglassMiddleware(metrics: registry, configuration: HTTPInstrumentationConfiguration(tracesRequests: false, logsRequests: false)))
case "full":
    router.add(middleware: SpyglassMiddleware(metrics: registry))
default:
    print("unknown mode \(mode): expected bare, hummingbird, metrics or full")
    exit(2)
}
router.get("/v1/jobs/{id}") { _, context in
    "{\"id\":\"\(context.parameters.get("id") ?? "")\",\"status\":\"completed\"}"
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: Logger(label: "server"))
try await app.runService()
