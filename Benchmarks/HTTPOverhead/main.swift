import Dispatch
import Foundation
import Hummingbird
import Logging
import Metrics
import OTel
import Prometheus
import ServiceLifecycle
import SpyglassCore
import SpyglassHummingbird
import SpyglassLogging
import SpyglassMetrics
import SpyglassOTLP
import SpyglassDashboard
import SpyglassTracing
import Tracing

#if canImport(Glibc)
import Glibc
#endif

// The server `http-overhead.sh` measures with wrk: one route, in one of these set-ups.
//
//   bare         Hummingbird alone
//   hummingbird  Hummingbird's own LogRequestsMiddleware, MetricsMiddleware (swift-prometheus) and TracingMiddleware
//                (swift-otel's tracer): what a Hummingbird user would otherwise pick
//   metrics      Spyglass middleware, metrics only (`.metricsOnly`: no request ids, span or access log)
//   untraced     Spyglass middleware without spans: ids, metrics, access log
//   full         Spyglass middleware: ids, metrics, access log, a span per request (100% sampling) kept in process by
//                SpyglassTracer, the tracer `Spyglass.bootstrap` installs; log lines carry its trace ids
//   full-otel    the same with swift-otel's tracer (no exporter) installed instead of SpyglassTracer
//   otel         Hummingbird's TracingMiddleware alone with swift-otel's tracer: what its span per request costs
//   export-up    Spyglass full exporting its spans and log lines through `OTLPExport`, as `Spyglass.bootstrap` sets it up, over
//                OTLP/HTTP protobuf to the collector at $OTLP_ENDPOINT (the script runs oteltap there, on wrk's CPU)
//   export-down  the same to a closed port (127.0.0.1:9): every batch fails, lost spans are counted
//   vapor-bare   Vapor alone: no middleware (not even its default RouteLoggingMiddleware and ErrorMiddleware), no
//                request metrics
//   vapor        what a Vapor user would otherwise pick: its default RouteLoggingMiddleware and ErrorMiddleware, its
//                built-in request metrics (`reportMetrics`) into swift-prometheus, its TracingMiddleware with
//                swift-otel's tracer
//   vapor-metrics  Spyglass's Vapor middleware, metrics only, installed by `app.spyglass.useMiddleware`
//   vapor-full   Spyglass's Vapor middleware in full, spans kept by SpyglassTracer
//
// Every set-up logs through the same Spyglass JSON handler into /dev/null, so the comparison is the middleware's
// and the tracer's own work.

let arguments = CommandLine.arguments
let modes = [
    "bare", "hummingbird", "metrics", "untraced", "full", "full-otel", "otel", "export-up", "export-down",
    "vapor-bare", "vapor", "vapor-metrics", "vapor-full",
]
guard arguments.count == 3, modes.contains(arguments[1]), let port = Int(arguments[2]) else {
    print("usage: HTTPOverhead \(modes.joined(separator: "|")) PORT")
    exit(2)
}
let mode = arguments[1]

var otel = OTel.Configuration.default
otel.traces.exporter = .none
otel.traces.sampler = .alwaysOn
otel.metrics.enabled = false
otel.logs.enabled = false
let otelTracing = try OTel.makeTracingBackend(configuration: otel)
let devNull = open("/dev/null", O_WRONLY)
let service = ServiceIdentity(name: "http-overhead", version: "1", environment: "bench")
var logging = LoggingConfiguration()
logging.sampling = nil
let collector = mode == "export-up" ? ProcessInfo.processInfo.environment["OTLP_ENDPOINT"] ?? "http://127.0.0.1:4318" : "http://127.0.0.1:9"
let otlpConfiguration = OTLPConfiguration(endpoint: collector, exportsMetrics: false)
let unexportedLogs = try LogBackend(configuration: logging, service: service, writer: LogWriter(fileDescriptor: devNull))
let store = SpanStore(capacity: 10_000)
// As `Spyglass.bootstrap` installs them: the logs' redactor applied to span attributes, the log backend handing
// every line to the export, whose own warnings are not exported.
let logs: LogBackend
let spyglassTracer: SpyglassTracer
var exportServices: [any Service] = []
switch mode {
case "export-up", "export-down":
    let export = try OTLPExport.make(
        otlpConfiguration, service: service, tracing: TracingConfiguration(), environment: [:],
        diagnostics: Logger(label: "otlp") { unexportedLogs.makeHandler(label: $0, metadataProvider: nil) }
    )!
    logs = export.logs.map(unexportedLogs.exporting) ?? unexportedLogs
    spyglassTracer = SpyglassTracer(store: store, export: export.spans, redactor: logs.redactor)
    exportServices = export.services
default:
    logs = unexportedLogs
    spyglassTracer = SpyglassTracer(store: store, redactor: logs.redactor)
}
let usesSpyglassTracer = ["full", "export-up", "export-down", "vapor-full"].contains(mode)
InstrumentationSystem.bootstrap(usesSpyglassTracer ? spyglassTracer : otelTracing.factory)

LoggingSystem.bootstrap(
    logs.makeHandler,
    metadataProvider: usesSpyglassTracer ? nil : OTel.makeLoggingMetadataProvider()
)

let registry = MetricRegistry()
if mode.hasPrefix("vapor") {
    // swift-otel's tracer is a service: it hands finished spans to its processor only while running.
    try await VaporServer.run(mode: mode, port: port, registry: registry, tracing: otelTracing.service)
    exit(0)
}
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
    router.add(middleware: SpyglassMiddleware(metrics: registry, configuration: .metricsOnly))
case "full", "full-otel", "export-up", "export-down":
    router.add(middleware: SpyglassMiddleware(metrics: registry))
case "untraced":
    router.add(middleware: SpyglassMiddleware(metrics: registry, configuration: HTTPInstrumentationConfiguration(tracesRequests: false)))
case "otel":
    router.add(middleware: TracingMiddleware())
default:
    break
}
router.get("/v1/jobs/{id}") { _, context in
    "{\"id\":\"\(context.parameters.get("id") ?? "")\",\"status\":\"completed\"}"
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: Logger(label: "server"))
// swift-otel's tracer is a service: it hands finished spans to its processor only while running.
let services = ServiceGroup(
    services: (exportServices.isEmpty ? [otelTracing.service] : exportServices) + [app],
    gracefulShutdownSignals: [.sigterm],
    logger: Logger(label: "services")
)
try await services.run()
