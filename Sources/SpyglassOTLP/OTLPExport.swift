@_spi(Export) public import SpyglassExport
public import CoreMetrics
import Foundation
public import Logging
import OTel
public import ServiceLifecycle
public import SpyglassCore
public import SpyglassLogging
public import SpyglassTracing
import Tracing

/// OTLP export set up from a Spyglass configuration: traces, logs and metrics.
///
/// `Spyglass.bootstrap` makes one when ``SpyglassConfiguration/otlp`` is set (or `OTEL_EXPORTER_OTLP_ENDPOINT`) and
/// puts each part beside Spyglass's own: the span sink under `SpyglassTracer`, which hands it the records of sampled
/// spans as they end; the log sink in the log backend, which hands it each line it writes; the metrics factory as a mirror of
/// the registry that `/metrics` serves.
///
/// Spans and log records are Spyglass's own export: each signal's items wait in a bounded queue and are sent in
/// batches by a background task, as OTLP protobuf over HTTP or gRPC (or OTLP/JSON), with the exporter
/// specification's retries, backoff and timeouts. The request path only appends to the queue. Metrics are
/// exported through swift-otel's metrics backend, which reads the instruments on its own schedule.
///
/// swift-otel reads the `OTEL_*` variables of the process environment itself (export intervals, and again those
/// Spyglass has read), and nothing lets it be given others. So that the environment handed to `Spyglass.bootstrap`
/// stays the one source of truth, ``make(_:service:tracing:environment:processEnvironment:diagnostics:dropWarningInterval:)``
/// refuses to start when the process environment sets an `OTEL_*` variable to something else than that
/// environment does.
public struct OTLPExport: Sendable {
    /// Where finished sampled spans are queued for export; `nil` when spans are not exported.
    public let spans: (any SpanSink)?
    /// Where the log backend hands the lines it writes, queued for export (``LogBackend/exports``); `nil` when
    /// logs are not exported.
    public let logs: (any LogEntrySink)?
    /// The factory whose instruments export metrics; `nil` when metrics are not exported.
    public let metricsFactory: (any MetricsFactory)?
    /// The background exporters, one per exported signal. At graceful shutdown each sends what is queued (within
    /// its export timeout) before returning.
    public let services: [any Service]
    /// The spans the export lost so far, by reason.
    public let spanDrops: ExportDropCounter
    /// The log records the export lost so far, by reason.
    public let logDrops: ExportDropCounter

    /// The `User-Agent` of every export request, as the OTLP exporter specification asks.
    static let userAgent = "Spyglass-OTLP-Exporter-Swift"

    /// Sets up export to `otlp`.
    ///
    /// - Parameters:
    ///   - otlp: the endpoint and signals; `nil`: nothing is exported.
    ///   - service: the service's name, version and environment, which become resource attributes.
    ///   - tracing: whether tracing is on at all (spans are exported only when it is).
    ///   - environment: the variables the configuration was read from.
    ///   - processEnvironment: the variables swift-otel reads; `nil` (the default): this process's.
    ///   - diagnostics: where the export reports its own problems. Lost spans and log records are counted in
    ///     ``spanDrops`` and ``logDrops`` and reported there as one `spans_dropped` or `log_records_dropped`
    ///     warning per reason and `dropWarningInterval`, not one per batch.
    ///   - dropWarningInterval: the least time between two such warnings of one reason; default 10 s.
    ///   - histogramScale: the finest scale of the exported exponential histograms, lowered as a series' range
    ///     needs; default 20, OpenTelemetry's. `Spyglass.bootstrap` passes the native-histogram schema, so OTLP and
    ///     Prometheus get the same resolution.
    ///   - histogramBuckets: the most buckets an exported histogram keeps per sign; default 160,
    ///     OpenTelemetry's. `Spyglass.bootstrap` passes the native-histogram bucket limit.
    /// - Returns: `nil` when nothing is exported: no endpoint, or every signal turned off.
    /// - Throws: ``ConfigurationError`` naming the first `OTEL_*` variable on which `processEnvironment` and
    ///   `environment` disagree, or an endpoint gRPC cannot connect to; what swift-otel reports for a metrics
    ///   configuration it cannot use.
    public static func make(
        _ otlp: OTLPConfiguration?,
        service: ServiceIdentity,
        tracing: TracingConfiguration,
        environment: [String: String],
        processEnvironment: [String: String]? = nil,
        diagnostics: Logger,
        dropWarningInterval: Duration = .seconds(10),
        histogramScale: Int = 20,
        histogramBuckets: Int = 160
    ) throws -> OTLPExport? {
        guard let otlp else { return nil }
        let exportsTraces = otlp.exportsTraces && tracing.isEnabled
        guard exportsTraces || otlp.exportsLogs || otlp.exportsMetrics else { return nil }
        try checkAgreement(of: processEnvironment ?? ProcessInfo.processInfo.environment, with: environment)
        try checkServiceName(service.name, in: environment)

        let source = OTLPSource(service: service)
        var services: [any Service] = []
        var spans: BatchExporter<SpanRecord>?
        if exportsTraces {
            let exporter = BatchExporter<SpanRecord>(
                batch: otlp.spanBatch, requestTimeout: otlp.timeout, transport: try transport(otlp, .traces),
                diagnostics: diagnostics, lossMessage: "spans_dropped", warningInterval: dropWarningInterval,
                encode: source.spanEncoder(for: otlp.transport))
            spans = exporter
            services.append(exporter)
        }
        var logs: BatchExporter<LogEntry>?
        if otlp.exportsLogs {
            let exporter = BatchExporter<LogEntry>(
                batch: otlp.logBatch, requestTimeout: otlp.timeout, transport: try transport(otlp, .logs),
                diagnostics: diagnostics, lossMessage: "log_records_dropped", warningInterval: dropWarningInterval,
                encode: source.logEncoder(for: otlp.transport))
            logs = exporter
            services.append(exporter)
        }
        var metricsFactory: (any MetricsFactory)?
        if otlp.exportsMetrics {
            let backend = try OTel.makeMetricsBackend(configuration: metricsConfiguration(
                otlp, service: service, diagnostics: diagnostics,
                histograms: .exponential(maxSize: max(histogramBuckets, 1), maxScale: min(max(histogramScale, -10), 20))))
            metricsFactory = backend.factory
            services.append(backend.service)
        }
        return OTLPExport(
            spans: spans,
            logs: logs,
            metricsFactory: metricsFactory,
            services: services,
            spanDrops: spans?.drops ?? ExportDropCounter(),
            logDrops: logs?.drops ?? ExportDropCounter()
        )
    }

    private static func transport(_ otlp: OTLPConfiguration, _ signal: OTLPSignal) throws(ConfigurationError) -> any ExportTransport {
        guard otlp.transport == .grpc else { return OTLPHTTPTransport(otlp, signal: signal) }
        do {
            return try OTLPGRPCTransport(otlp, signal: signal)
        } catch {
            let variable = switch signal {
            case .traces where otlp.tracesEndpoint != nil: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
            case .logs where otlp.logsEndpoint != nil: "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"
            default: "OTEL_EXPORTER_OTLP_ENDPOINT"
            }
            throw ConfigurationError(
                variable: variable,
                value: otlp.resolvedEndpoint(signal.configurationSignal),
                allowed: "an http:// or https:// URL with a host the gRPC exporter can connect to (\(error))")
        }
    }

    private static func metricsConfiguration(
        _ otlp: OTLPConfiguration, service: ServiceIdentity, diagnostics: Logger,
        histograms: OTel.Configuration.MetricsConfiguration.HistogramType
    ) -> OTel.Configuration {
        var otel = OTel.Configuration.default
        otel.serviceName = service.name
        otel.resourceAttributes = [
            "service.version": service.version,
            "deployment.environment.name": service.environment,
        ]
        otel.diagnosticLogger = .custom(diagnostics)
        otel.diagnosticLogLevel = .warning
        var exporter = OTel.Configuration.OTLPExporterConfiguration.default
        exporter.endpoint = otlp.resolvedEndpoint(.metrics)
        exporter.protocol = switch otlp.transport {
        case .grpc: .grpc
        case .httpProtobuf: .httpProtobuf
        case .httpJSON: .httpJSON
        }
        exporter.headers = otlp.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        exporter.timeout = otlp.timeout
        otel.metrics.otlpExporter = exporter
        otel.metrics.exporter = .otlp
        // A histogram's buckets are declared with it, after this is set up: exponential histograms need none.
        otel.metrics.defaultHistogramType = histograms
        return otel
    }

    /// Refuses a process environment whose `OTEL_*` variables swift-otel would read differently from `environment`.
    static func checkAgreement(of processEnvironment: [String: String], with environment: [String: String]) throws(ConfigurationError) {
        for name in processEnvironment.keys.sorted() where name.hasPrefix("OTEL_") {
            let value = processEnvironment[name] ?? ""
            guard !value.isEmpty, environment[name] != value else { continue }
            // The process's value is the one swift-otel would use, so it is named; headers may hold credentials.
            throw ConfigurationError(
                variable: name, value: name.contains("HEADERS") ? "(\(value.utf8.count) bytes, not shown)" : value,
                allowed: "no value, or the same one in the environment given to Spyglass.bootstrap (swift-otel reads the process environment itself)")
        }
    }

    /// swift-otel names the exported resource after `OTEL_SERVICE_NAME` whatever it is given, so it must not
    /// differ from the name Spyglass writes on lines and metrics (`SPYGLASS_SERVICE_NAME` wins there).
    static func checkServiceName(_ name: String, in environment: [String: String]) throws(ConfigurationError) {
        guard let exported = environment["OTEL_SERVICE_NAME"], !exported.isEmpty, exported != name else { return }
        throw ConfigurationError(
            variable: "OTEL_SERVICE_NAME", value: exported,
            allowed: "no value, or \"\(name)\", the service name Spyglass uses (swift-otel exports metrics under OTEL_SERVICE_NAME)")
    }
}
