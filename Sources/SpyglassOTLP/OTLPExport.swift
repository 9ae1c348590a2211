public import CoreMetrics
public import Logging
import OTel
public import ServiceLifecycle
public import SpyglassCore
public import Tracing

/// swift-otel's exporters set up from a Spyglass configuration: traces, logs and metrics over OTLP.
///
/// `Spyglass.bootstrap` makes one when ``SpyglassConfiguration/otlp`` is set (or `OTEL_EXPORTER_OTLP_ENDPOINT`) and
/// puts each part beside Spyglass's own: the tracer under `SpyglassTracer`, which keeps the same spans in process;
/// the log handler next to the JSON lines on standard output; the metrics factory as a mirror of the registry that
/// `/metrics` serves. swift-otel also reads the standard `OTEL_*` variables of the process itself (batching,
/// export intervals), with the same meaning.
public struct OTLPExport: Sendable {
    /// The exporting tracer; `nil` when spans are not exported.
    public let tracer: (any Tracer)?
    /// Makes the handler that exports log records, for each logger label; `nil` when logs are not exported.
    public let makeLogHandler: (@Sendable (String) -> any LogHandler)?
    /// The factory whose instruments export metrics; `nil` when metrics are not exported.
    public let metricsFactory: (any MetricsFactory)?
    /// swift-otel's processors and exporters, one per exported signal. At graceful shutdown each exports what is
    /// pending (bounded by its export timeout) before returning.
    public let services: [any Service]
    /// The spans the export lost so far, by reason.
    public let drops: SpanDropCounter

    /// Sets up export to `configuration.otlp`.
    ///
    /// - Parameters:
    ///   - configuration: the service's identity (name, version, environment become resource attributes), the
    ///     sampler and the OTLP endpoint and signals.
    ///   - diagnostics: where swift-otel reports its own problems. Lost spans are counted in ``drops`` and
    ///     reported there as one `spans_dropped` warning per reason and `dropWarningInterval`, not one per batch.
    ///   - dropWarningInterval: the least time between two `spans_dropped` warnings of one reason; default 10 s.
    /// - Returns: `nil` when nothing is exported: no endpoint, or every signal turned off.
    /// - Throws: what swift-otel reports for a configuration it cannot use.
    public static func make(
        configuration: SpyglassConfiguration,
        diagnostics: Logger,
        dropWarningInterval: Duration = .seconds(10)
    ) throws -> OTLPExport? {
        guard let otlp = configuration.otlp else { return nil }
        let exportsTraces = otlp.exportsTraces && configuration.tracing.isEnabled
        guard exportsTraces || otlp.exportsLogs || otlp.exportsMetrics else { return nil }

        let drops = SpanDropCounter()
        var otel = OTel.Configuration.default
        otel.serviceName = configuration.serviceName
        otel.resourceAttributes = [
            "service.version": configuration.version,
            "deployment.environment.name": configuration.environment,
        ]
        otel.diagnosticLogger = .custom(Logger(label: diagnostics.label) { _ in
            SpanExportDiagnostics(upstream: diagnostics.handler, drops: drops, warningInterval: dropWarningInterval)
        })
        otel.diagnosticLogLevel = .warning
        // W3C Trace Context is how SpyglassTracer reads the ids of each exported span.
        otel.propagators = [.traceContext]
        otel.traces.sampler = OTel.Configuration.TracesConfiguration.SamplerConfiguration(configuration.tracing.sampler)
        otel.traces.otlpExporter = exporterConfiguration(otlp, .traces)
        otel.logs.otlpExporter = exporterConfiguration(otlp, .logs)
        // Every line Spyglass's own level policy lets through; the handler's level is set per label by Spyglass.
        otel.logs.level = .trace
        otel.metrics.otlpExporter = exporterConfiguration(otlp, .metrics)
        // A histogram's buckets are declared with it, after this is set up: exponential histograms need none.
        otel.metrics.defaultHistogramType = .exponential()

        var services: [any Service] = []
        var tracer: (any Tracer)?
        if exportsTraces {
            otel.traces.exporter = .otlp
            let backend = try OTel.makeTracingBackend(configuration: otel)
            tracer = backend.factory
            services.append(backend.service)
        }
        var makeLogHandler: (@Sendable (String) -> any LogHandler)?
        if otlp.exportsLogs {
            otel.logs.exporter = .otlp
            let backend = try OTel.makeLoggingBackend(configuration: otel)
            makeLogHandler = backend.factory
            services.append(backend.service)
        }
        var metricsFactory: (any MetricsFactory)?
        if otlp.exportsMetrics {
            otel.metrics.exporter = .otlp
            let backend = try OTel.makeMetricsBackend(configuration: otel)
            metricsFactory = backend.factory
            services.append(backend.service)
        }
        return OTLPExport(tracer: tracer, makeLogHandler: makeLogHandler, metricsFactory: metricsFactory, services: services, drops: drops)
    }

    private static func exporterConfiguration(_ otlp: OTLPConfiguration, _ signal: OTLPConfiguration.Signal) -> OTel.Configuration.OTLPExporterConfiguration {
        var exporter = OTel.Configuration.OTLPExporterConfiguration.default
        exporter.endpoint = otlp.resolvedEndpoint(signal)
        exporter.protocol = switch otlp.transport {
        case .grpc: .grpc
        case .httpProtobuf: .httpProtobuf
        case .httpJSON: .httpJSON
        }
        exporter.headers = otlp.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        exporter.timeout = otlp.timeout
        return exporter
    }
}

extension OTel.Configuration.TracesConfiguration.SamplerConfiguration {
    /// swift-otel's equivalent of Spyglass's sampler.
    init(_ sampler: TraceSampler) {
        switch (sampler.root, sampler.followsParent) {
        case (.always, true): self = .parentBasedAlwaysOn
        case (.always, false): self = .alwaysOn
        case (.never, true): self = .parentBasedAlwaysOff
        case (.never, false): self = .alwaysOff
        // TraceSampler has already checked the ratio is within 0...1, which is all swift-otel asks.
        case (.ratio(let ratio), true): self = .parentBasedTraceIDRatio(ratio: ratio)!
        case (.ratio(let ratio), false): self = .traceIDRatio(ratio: ratio)!
        }
    }
}
