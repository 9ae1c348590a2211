@_exported public import Logging
@_exported public import SpyglassCore
@_exported public import SpyglassLogging
@_exported public import SpyglassMetrics
@_exported public import SpyglassHummingbird
@_exported public import SpyglassHealth
@_exported public import SpyglassGenAI
@_exported public import SpyglassStore
@_exported public import SpyglassTracing
import SpyglassOTLP
import Tracing
import Metrics
import Synchronization

/// The one entry point: `Spyglass.bootstrap(...)` gives a service its observability.
///
/// ```swift
/// let spyglass = try Spyglass.bootstrap(SpyglassConfiguration(serviceName: "agent-hub", version: "1.4.2"))
/// let app = Application(router: router)
/// // Spyglass first: services stop in reverse order, so it flushes after the app has drained.
/// try await ServiceGroup(services: [spyglass, app], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public enum Spyglass {
    private static let bootstrapped = Atomic<Bool>(false)

    /// Applies `environment` over `configuration`, installs the Spyglass log handler as swift-log's backend,
    /// a ``MetricRegistry`` as swift-metrics' backend (with process metrics, `app_info` and
    /// `spyglass_log_events_dropped_total`, `spyglass_spans_dropped_total`) and, unless tracing is turned off, a
    /// ``SpyglassTracer`` keeping spans in process as swift-distributed-tracing's tracer. When an OTLP endpoint is
    /// configured (``SpyglassConfiguration/otlp`` or `OTEL_EXPORTER_OTLP_ENDPOINT`) it also exports through
    /// swift-otel: spans through the same tracer, log lines (redacted) beside standard output, metrics mirrored from
    /// the registry. Returns the service that runs the export and, at shutdown, sends what is pending and flushes
    /// the logs.
    ///
    /// - Parameters:
    ///   - configuration: settings from code; every variable set in `environment` overrides them.
    ///   - environment: where `SPYGLASS_*`, `OTEL_*`, `APP_*` and `LOG_LEVEL` are read from. Pass `[:]` to
    ///     ignore the process environment.
    ///   - prices: what LLM tokens cost; default ``PriceTable/default``. The file named by `SPYGLASS_LLM_PRICES`
    ///     (``GenAIConfiguration/pricesFile``) goes in front of it.
    ///   - metadataProvider: supplies trace context to every log line and metric exemplar when another tracer
    ///     than Spyglass's is installed (tracing turned off, swift-otel's tracer installed: pass
    ///     `OTel.makeLoggingMetadataProvider()`). `nil` (the default): the spans of Spyglass's tracer.
    /// - Throws: ``ConfigurationError`` naming the variable, its value and what is allowed; swift-otel's error for an
    ///   OTLP set-up it cannot use; ``BootstrapError/alreadyBootstrapped`` on a second call (swift-log and swift-metrics can be
    ///   bootstrapped only once).
    public static func bootstrap(
        _ configuration: SpyglassConfiguration = SpyglassConfiguration(),
        environment: [String: String] = SpyglassConfiguration.processEnvironment,
        prices: PriceTable = .default,
        metadataProvider: Logger.MetadataProvider? = nil
    ) throws -> SpyglassService {
        guard !bootstrapped.load(ordering: .acquiring) else { throw BootstrapError.alreadyBootstrapped }
        let resolved = try configuration.applyingEnvironment(environment)
        let prices = try loadPrices(resolved.genAI, over: prices)
        // The log store and the error groups exist for the dashboard: without it, lines cost nothing more.
        let showsDashboard = resolved.dashboard.isEnabled(environment: resolved.environment)
        let logs = showsDashboard && resolved.logging.storeLines > 0
            ? LogStore(capacity: resolved.logging.storeLines, byteLimit: resolved.logging.storeBytes) : nil
        let errors = showsDashboard ? ErrorGroups() : nil
        let backend = try LogBackend(
            configuration: resolved,
            writer: .standardOutput(flushInterval: resolved.logging.flushInterval),
            store: logs,
            errors: errors
        )
        let export = try OTLPExport.make(
            configuration: resolved,
            diagnostics: Logger(label: "spyglass.otlp") { backend.makeHandler(label: $0, metadataProvider: metadataProvider) }
        )
        // Checked again: two threads may both have passed the first check with valid configurations.
        guard bootstrapped.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            throw BootstrapError.alreadyBootstrapped
        }
        let spans = SpanStore(capacity: resolved.tracing.storeSpans, byteLimit: resolved.tracing.storeBytes)
        if let exporter = export?.tracer {
            InstrumentationSystem.bootstrap(SpyglassTracer(store: spans, exportingThrough: exporter, redactor: backend.redactor))
        } else if resolved.tracing.isEnabled {
            InstrumentationSystem.bootstrap(SpyglassTracer(store: spans, sampler: resolved.tracing.sampler, redactor: backend.redactor))
        }
        if let makeOTLPHandler = export?.makeLogHandler {
            // Standard output and the collector get the same lines, redacted the same way.
            LoggingSystem.bootstrap({ label, provider in
                MultiplexLogHandler([
                    backend.makeHandler(label: label, metadataProvider: provider),
                    ForwardingLogHandler(
                        upstream: makeOTLPHandler(label),
                        redactor: backend.redactor,
                        logLevel: backend.configuration.level(for: label),
                        metadataProvider: provider
                    ),
                ])
            }, metadataProvider: metadataProvider)
        } else {
            LoggingSystem.bootstrap(backend.makeHandler, metadataProvider: metadataProvider)
        }
        let metrics = MetricRegistry(
            configuration: resolved.metrics,
            exemplars: metadataProvider.map(ExemplarSource.metadataProvider) ?? .activeSpan,
            logger: Logger(label: "spyglass.metrics"),
            mirror: export?.metricsFactory
        )
        metrics.registerProcessMetrics()
        metrics.registerAppInfo(service: resolved.serviceName, version: resolved.version, environment: resolved.environment)
        metrics.observeCounter(StandardMetrics.logEventsDropped, labels: ["sampling"]) { Double(backend.droppedBySampling) }
        metrics.observeCounter(StandardMetrics.logEventsDropped, labels: ["output_stalled"]) { Double(backend.writer.droppedLines) }
        // Exposed (at 0) without export too, so dashboards and alerts over it always have a series.
        let drops = export?.drops
        for reason in SpanDropCounter.Reason.allCases {
            metrics.observeCounter(StandardMetrics.spansDropped, labels: [reason.rawValue]) { Double(drops?.count(reason) ?? 0) }
        }
        metrics.observeGauge(StandardMetrics.storeEntries, labels: ["spans"]) { Double(spans.count) }
        metrics.observeGauge(StandardMetrics.storeBytes, labels: ["spans"]) { Double(spans.byteCount) }
        metrics.observeCounter(StandardMetrics.storeEvicted, labels: ["spans"]) { Double(spans.evicted) }
        metrics.observeGauge(StandardMetrics.storeEntries, labels: ["logs"]) { Double(logs?.count ?? 0) }
        metrics.observeGauge(StandardMetrics.storeBytes, labels: ["logs"]) { Double(logs?.byteCount ?? 0) }
        metrics.observeCounter(StandardMetrics.storeEvicted, labels: ["logs"]) { Double(logs?.evicted ?? 0) }
        MetricsSystem.bootstrap(SpyglassMetricsFactory(registry: metrics))
        let llm = LLMTelemetry(
            metrics: metrics,
            prices: prices,
            budgets: resolved.genAI.budgets,
            capture: ContentCapture(resolved.genAI, redactor: backend.redactor)
        )
        let health = HealthMonitor(service: resolved.serviceName, version: resolved.version, metrics: metrics, shutdownDelay: resolved.shutdownDelay)
        let jobs = JobTelemetry(metrics: metrics)
        var dashboard: Dashboard?
        if showsDashboard, let errors {
            dashboard = Dashboard(
                token: resolved.dashboard.token ?? Dashboard.makeToken(),
                tokenWasGenerated: resolved.dashboard.token == nil,
                service: resolved.serviceName,
                version: resolved.version,
                environment: resolved.environment,
                spans: spans,
                logs: logs,
                errors: errors,
                jobs: jobs.history,
                metrics: MetricHistory(),
                health: health,
                redactor: backend.redactor,
                sampleInterval: resolved.dashboard.sampleInterval
            )
        }
        return SpyglassService(
            configuration: resolved,
            logging: backend,
            metrics: metrics,
            spans: spans,
            health: health,
            systemInfo: SystemInfo(service: resolved.serviceName, version: resolved.version, environment: resolved.environment),
            llm: llm,
            agents: AgentTelemetry(metrics: metrics),
            jobs: jobs,
            externalCalls: ExternalCallTelemetry(metrics: metrics),
            dashboard: dashboard,
            exporters: export?.services ?? []
        )
    }

    /// `table` with the configured file's entries in front.
    private static func loadPrices(_ configuration: GenAIConfiguration, over table: PriceTable) throws(ConfigurationError) -> PriceTable {
        guard let path = configuration.pricesFile else { return table }
        do {
            return table.overriding(try PriceTable(contentsOfFile: path))
        } catch {
            throw ConfigurationError(variable: "SPYGLASS_LLM_PRICES", value: path, allowed: "a readable \(PriceTable.format) file (\(error))")
        }
    }
}

/// Why ``Spyglass/bootstrap(_:environment:prices:metadataProvider:)`` refused to run.
public enum BootstrapError: Error, Sendable, CustomStringConvertible {
    /// `bootstrap` was already called in this process.
    case alreadyBootstrapped

    public var description: String {
        switch self {
        case .alreadyBootstrapped: "Spyglass.bootstrap was already called; call it once per process"
        }
    }
}
