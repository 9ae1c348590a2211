public import Logging
import OTel
public import ServiceLifecycle
public import SpyglassCore
public import Tracing

/// swift-otel's tracer set up from a Spyglass configuration, to export spans over OTLP.
///
/// `Spyglass.bootstrap` makes one when ``SpyglassConfiguration/otlp`` is set (or `OTEL_EXPORTER_OTLP_ENDPOINT`)
/// and gives it to `SpyglassTracer`, which keeps the same spans in process. swift-otel also reads the standard
/// `OTEL_*` variables of the process itself, with the same meaning.
public struct OTLPTracing: Sendable {
    /// The exporting tracer.
    public let tracer: any Tracer
    /// Runs swift-otel's batch processor and exporter; at graceful shutdown it exports what is pending (bounded
    /// by ``OTLPConfiguration/timeout``) before returning.
    public let service: any Service

    /// Sets up export of spans to `configuration.otlp`.
    ///
    /// - Parameters:
    ///   - configuration: the service's identity (name, version, environment become resource attributes), the
    ///     sampler and the OTLP endpoint.
    ///   - diagnostics: where swift-otel reports its own problems, such as a failed export.
    /// - Returns: `nil` when there is nothing to export: no endpoint, or trace export turned off.
    /// - Throws: what swift-otel reports for a configuration it cannot use.
    public static func make(configuration: SpyglassConfiguration, diagnostics: Logger) throws -> OTLPTracing? {
        guard let otlp = configuration.otlp, otlp.exportsTraces, configuration.tracing.isEnabled else { return nil }
        var otel = OTel.Configuration.default
        otel.serviceName = configuration.serviceName
        otel.resourceAttributes = [
            "service.version": configuration.version,
            "deployment.environment.name": configuration.environment,
        ]
        otel.diagnosticLogger = .custom(diagnostics)
        otel.diagnosticLogLevel = .warning
        // W3C Trace Context is how SpyglassTracer reads the ids of each exported span.
        otel.propagators = [.traceContext]
        otel.metrics.enabled = false
        otel.logs.enabled = false
        otel.traces.sampler = OTel.Configuration.TracesConfiguration.SamplerConfiguration(configuration.tracing.sampler)
        otel.traces.exporter = .otlp
        otel.traces.otlpExporter.endpoint = otlp.resolvedTracesEndpoint
        otel.traces.otlpExporter.protocol = switch otlp.transport {
        case .grpc: .grpc
        case .httpProtobuf: .httpProtobuf
        case .httpJSON: .httpJSON
        }
        otel.traces.otlpExporter.headers = otlp.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        otel.traces.otlpExporter.timeout = otlp.timeout
        let backend = try OTel.makeTracingBackend(configuration: otel)
        return OTLPTracing(tracer: backend.factory, service: backend.service)
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
