public import CoreMetrics
import Foundation
public import Logging
import OTel
public import ServiceLifecycle
public import SpyglassCore
public import SpyglassTracing
public import Tracing

/// swift-otel's exporters set up from a Spyglass configuration: traces, logs and metrics over OTLP.
///
/// `Spyglass.bootstrap` makes one when ``SpyglassConfiguration/otlp`` is set (or `OTEL_EXPORTER_OTLP_ENDPOINT`) and
/// puts each part beside Spyglass's own: the tracer under `SpyglassTracer`, which keeps the same spans in process;
/// the log handler next to the JSON lines on standard output; the metrics factory as a mirror of the registry that
/// `/metrics` serves.
///
/// swift-otel reads the `OTEL_*` variables of the process environment itself (batching, export intervals, and
/// again those Spyglass has read), and nothing lets it be given others. So that the environment handed to
/// `Spyglass.bootstrap` stays the one source of truth, ``make(_:service:tracing:environment:diagnostics:dropWarningInterval:)``
/// refuses to start when the process environment sets an `OTEL_*` variable to something else than that
/// environment does.
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

    /// Sets up export to `otlp`.
    ///
    /// - Parameters:
    ///   - otlp: the endpoint and signals; `nil`: nothing is exported.
    ///   - service: the service's name, version and environment, which become resource attributes.
    ///   - tracing: the sampler, and whether tracing is on at all (spans are exported only when it is).
    ///   - environment: the variables the configuration was read from.
    ///   - processEnvironment: the variables swift-otel reads; `nil` (the default): this process's.
    ///   - diagnostics: where swift-otel reports its own problems. Lost spans are counted in ``drops`` and
    ///     reported there as one `spans_dropped` warning per reason and `dropWarningInterval`, not one per batch.
    ///   - dropWarningInterval: the least time between two `spans_dropped` warnings of one reason; default 10 s.
    /// - Returns: `nil` when nothing is exported: no endpoint, or every signal turned off.
    /// - Throws: ``ConfigurationError`` naming the first `OTEL_*` variable on which `processEnvironment` and
    ///   `environment` disagree; what swift-otel reports for a configuration it cannot use.
    public static func make(
        _ otlp: OTLPConfiguration?,
        service: ServiceIdentity,
        tracing: TracingConfiguration,
        environment: [String: String],
        processEnvironment: [String: String]? = nil,
        diagnostics: Logger,
        dropWarningInterval: Duration = .seconds(10)
    ) throws -> OTLPExport? {
        guard let otlp else { return nil }
        let exportsTraces = otlp.exportsTraces && tracing.isEnabled
        guard exportsTraces || otlp.exportsLogs || otlp.exportsMetrics else { return nil }
        try checkAgreement(of: processEnvironment ?? ProcessInfo.processInfo.environment, with: environment)
        try checkServiceName(service.name, in: environment)

        let drops = SpanDropCounter()
        var otel = OTel.Configuration.default
        otel.serviceName = service.name
        otel.resourceAttributes = [
            "service.version": service.version,
            "deployment.environment.name": service.environment,
        ]
        otel.diagnosticLogger = .custom(Logger(label: diagnostics.label) { _ in
            SpanExportDiagnostics(upstream: diagnostics.handler, drops: drops, warningInterval: dropWarningInterval)
        })
        otel.diagnosticLogLevel = .warning
        // W3C Trace Context is how SpyglassTracer reads the ids of each exported span.
        otel.propagators = [.traceContext]
        otel.traces.sampler = OTel.Configuration.TracesConfiguration.SamplerConfiguration(tracing.sampler)
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
            allowed: "no value, or \"\(name)\", the service name Spyglass uses (swift-otel exports spans, logs and metrics under OTEL_SERVICE_NAME)")
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
