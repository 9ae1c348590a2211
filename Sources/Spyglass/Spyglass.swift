// What every service calls: logging, metrics, tracing, health. Feature modules (SpyglassJobs, SpyglassGenAI,
// SpyglassDashboard, a framework adapter) are imported where they are used, so their names (`JobRun`,
// `ChatMessage`, `Dashboard`) never collide with an application's own in files that do not need them.
@_exported public import Logging
@_exported public import SpyglassCore
@_exported public import SpyglassLogging
@_exported public import SpyglassMetrics
@_exported public import SpyglassTracing
@_exported public import SpyglassHealth
public import SpyglassDashboard
public import SpyglassGenAI
public import SpyglassJobs
@_exported public import SpyglassOTLP
@_exported public import SpyglassExport
@_exported public import SpyglassSentry
public import Tracing
public import CoreMetrics
import Synchronization

/// The one entry point: `Spyglass.bootstrap(...)` gives a service its observability.
///
/// ```swift
/// let spyglass = try Spyglass.bootstrap(SpyglassConfiguration(serviceName: "agent-hub", version: "1.4.2"))
/// let app = Application(router: router)
/// // Spyglass first: services stop in reverse order, so it flushes after the app has drained.
/// try await ServiceGroup(services: [spyglass, app], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
///
/// `bootstrap` is made of steps a service can also take alone, as swift-otel offers `makeLoggingBackend` beside
/// `bootstrap`: ``makeLoggingBackend(_:logs:errors:)``, ``makeTracer(_:spans:exportingTo:redactor:)`` and
/// ``makeMetricRegistry(_:exemplars:mirror:)`` build a part from a configuration whose environment is applied,
/// and install nothing.
public enum Spyglass {
    private static let bootstrapped = Atomic<Bool>(false)

    /// Applies `environment` over `configuration`, installs the Spyglass log handler as swift-log's backend,
    /// a ``MetricRegistry`` as swift-metrics' backend (with process metrics, `app_info` and
    /// `spyglass_log_events_dropped_total`, `spyglass_spans_dropped_total`) and, unless tracing is turned off, a
    /// ``SpyglassTracer`` keeping spans in process as swift-distributed-tracing's tracer. When an OTLP endpoint is
    /// configured (``SpyglassConfiguration/otlp`` or `OTEL_EXPORTER_OTLP_ENDPOINT`) it also exports through
    /// swift-otel: spans through the same tracer, log lines (redacted) beside standard output, metrics mirrored from
    /// the registry. Standard output is flushed when the process exits, and `SIGPIPE` ignored so that a log reader
    /// that went away cannot kill the service. Returns the service that runs the export and, at shutdown, sends
    /// what is pending and flushes the logs.
    ///
    /// - Parameters:
    ///   - configuration: settings from code; every variable set in `environment` overrides them.
    ///   - environment: where `SPYGLASS_*`, `OTEL_*`, `APP_*` and `LOG_LEVEL` are read from. Pass `[:]` to
    ///     ignore the process environment. swift-otel reads the process environment itself, so with export on,
    ///     an `OTEL_*` variable the process sets differently is refused rather than silently used.
    ///   - prices: what LLM tokens cost; default ``PriceTable/default``. The file named by `SPYGLASS_LLM_PRICES`
    ///     (``GenAIConfiguration/pricesFile``) goes in front of it.
    ///   - metadataProvider: supplies trace context to every log line and metric exemplar when another tracer
    ///     than Spyglass's is installed (tracing turned off, swift-otel's tracer installed: pass
    ///     `OTel.makeLoggingMetadataProvider()`). `nil` (the default): the spans of Spyglass's tracer.
    /// - Throws: ``ConfigurationError`` naming the variable, its value and what is allowed; swift-otel's error for an
    ///   OTLP set-up it cannot use; ``BootstrapError/alreadyBootstrapped`` on a second call (swift-log and swift-metrics can be
    ///   bootstrapped only once); ``BootstrapError/loggingAlreadyBootstrapped(handler:)`` when swift-log was
    ///   bootstrapped before (Vapor's `LoggingSystem.bootstrap(from:)`: `Spyglass.bootstrap` replaces it).
    public static func bootstrap(
        _ configuration: SpyglassConfiguration = SpyglassConfiguration(),
        environment: [String: String] = SpyglassConfiguration.processEnvironment,
        prices: PriceTable = .default,
        metadataProvider: Logger.MetadataProvider? = nil
    ) throws -> SpyglassService {
        guard !bootstrapped.load(ordering: .acquiring) else { throw BootstrapError.alreadyBootstrapped }
        // swift-log's default handler until someone bootstraps it: anything else means a second bootstrap would crash.
        let handler = Logger(label: "spyglass.bootstrap").handler
        guard handler is StreamLogHandler else {
            // Without generic arguments: Vapor's is `ConsoleFragmentLogger<AndFragment<…>>`, a line long.
            throw BootstrapError.loggingAlreadyBootstrapped(handler: String("\(type(of: handler))".prefix { $0 != "<" }))
        }
        let resolved = try configuration.applyingEnvironment(environment)
        let prices = try resolved.genAI.prices(over: prices)
        let stores = DashboardStores(resolved)
        // Breadcrumbs are the lines kept in process: the dashboard's, or a small store of their own without it.
        let breadcrumbLines = resolved.sentry.isEnabled ? stores?.logs ?? LogStore(capacity: 2_000, byteLimit: 2 * 1024 * 1024) : stores?.logs
        let errorReports = ErrorReports(groups: stores?.errors)
        let unexported = try makeLoggingBackend(resolved, logs: breadcrumbLines, errors: errorReports)
        let export = try OTLPExport.make(
            resolved.otlp, service: resolved.service, tracing: resolved.tracing, environment: environment,
            diagnostics: Logger(label: "spyglass.otlp") { unexported.makeHandler(label: $0, metadataProvider: metadataProvider) },
            histogramScale: resolved.metrics.nativeHistograms?.schema ?? 20,
            histogramBuckets: resolved.metrics.nativeHistograms?.maxBucketCount ?? 160
        )
        let logging = export?.logs.map(unexported.exporting) ?? unexported
        let errorReporter = SentryReporter(
            configuration: resolved.sentry, service: resolved.service, redactor: logging.redactor,
            breadcrumbs: breadcrumbLines.map(LogStoreBreadcrumbs.init),
            diagnostics: Logger(label: "spyglass.sentry") { unexported.makeHandler(label: $0, metadataProvider: metadataProvider) }
        )
        if let errorReporter { errorReports.report(to: errorReporter) }
        // Checked again: two threads may both have passed the first check with valid configurations.
        guard bootstrapped.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            throw BootstrapError.alreadyBootstrapped
        }
        LogWriter.ignoreBrokenPipes()
        logging.writer.flushAtExit()

        let spans = SpanStore(capacity: resolved.tracing.storeSpans, byteLimit: resolved.tracing.storeBytes)
        if let tracer = makeTracer(resolved, spans: spans, exportingTo: export?.spans, redactor: logging.redactor) {
            InstrumentationSystem.bootstrap(tracer)
        }
        LoggingSystem.bootstrap(logging.makeHandler, metadataProvider: metadataProvider)
        let metrics = makeMetricRegistry(
            resolved,
            exemplars: metadataProvider.map(ExemplarSource.metadataProvider) ?? .activeSpan,
            mirror: export?.metricsFactory
        )
        observeSpyglass(in: metrics, logging: logging, spans: spans, logs: stores?.logs, export: export, errorReporter: errorReporter)
        MetricsSystem.bootstrap(SpyglassMetricsFactory(registry: metrics))

        let health = HealthMonitor(service: resolved.serviceName, version: resolved.version, metrics: metrics, shutdownDelay: resolved.shutdownDelay)
        let jobs = JobTelemetry(metrics: metrics, history: stores?.jobs, shutdownTimeout: resolved.shutdownJobsTimeout)
        return SpyglassService(
            configuration: resolved,
            logging: logging,
            metrics: metrics,
            spans: spans,
            health: health,
            systemInfo: SystemInfo(service: resolved.serviceName, version: resolved.version, environment: resolved.environment),
            llm: LLMTelemetry(
                metrics: metrics,
                prices: prices,
                budgets: resolved.genAI.budgets,
                capture: ContentCapture(resolved.genAI, redactor: logging.redactor)
            ),
            agents: AgentTelemetry(metrics: metrics),
            jobs: jobs,
            externalCalls: ExternalCallTelemetry(metrics: metrics),
            dashboard: stores.map { $0.dashboard(resolved, spans: spans, health: health, redactor: logging.redactor) },
            errorReporter: errorReporter,
            exporters: (export?.services ?? []) + (errorReporter.map { [$0] } ?? [])
        )
    }

    /// The log pipeline `bootstrap` installs, writing to standard output; not installed.
    ///
    /// ```swift
    /// let logging = try Spyglass.makeLoggingBackend(configuration.applyingEnvironment())
    /// LoggingSystem.bootstrap(logging.makeHandler)
    /// ```
    ///
    /// - Parameters:
    ///   - configuration: settings with the environment already applied.
    ///   - logs, errors: where lines are also kept and error lines counted (the dashboard's stores); default none.
    /// - Throws: ``ConfigurationError`` for a logging setting that cannot be used.
    public static func makeLoggingBackend(
        _ configuration: SpyglassConfiguration,
        logs: (any LogLineSink)? = nil,
        errors: (any ErrorLineSink)? = nil
    ) throws(ConfigurationError) -> LogBackend {
        try LogBackend(
            configuration: configuration.logging,
            service: configuration.service,
            writer: .standardOutput(flushInterval: configuration.logging.flushInterval),
            store: logs,
            errors: errors
        )
    }

    /// The tracer `bootstrap` installs; `nil` when tracing is turned off.
    ///
    /// - Parameters:
    ///   - configuration: settings with the environment already applied: the sampler and whether tracing is on.
    ///   - spans: where finished spans go (the dashboard's span store).
    ///   - export: where sampled finished spans are queued for export (``OTLPExport/spans``); default none.
    ///   - redactor: what is removed from attributes, events and errors; the logs' (``LogBackend/redactor``).
    public static func makeTracer(
        _ configuration: SpyglassConfiguration,
        spans: any SpanSink,
        exportingTo export: (any SpanSink)? = nil,
        redactor: Redactor?
    ) -> SpyglassTracer? {
        guard configuration.tracing.isEnabled else { return nil }
        return SpyglassTracer(store: spans, sampler: configuration.tracing.sampler, export: export, redactor: redactor)
    }

    /// The registry `bootstrap` installs, with the process metrics and `app_info` registered; not installed.
    ///
    /// - Parameters:
    ///   - configuration: settings with the environment already applied: the namespace, the series limit and
    ///     the service's identity for `app_info`.
    ///   - exemplars: where exemplars' trace ids come from; default the active span of Spyglass's tracer.
    ///   - mirror: a factory every instrument is mirrored to (OTLP export); default none.
    public static func makeMetricRegistry(
        _ configuration: SpyglassConfiguration,
        exemplars: ExemplarSource = .activeSpan,
        mirror: (any MetricsFactory)? = nil
    ) -> MetricRegistry {
        let metrics = MetricRegistry(configuration: configuration.metrics, exemplars: exemplars, logger: Logger(label: "spyglass.metrics"), mirror: mirror)
        metrics.registerProcessMetrics()
        metrics.registerAppInfo(service: configuration.serviceName, version: configuration.version, environment: configuration.environment)
        return metrics
    }

    /// Spyglass's own series: lines and spans dropped, what the stores hold. Exposed (at 0) without export or
    /// dashboard too, so dashboards and alerts over them always have a series.
    private static func observeSpyglass(
        in metrics: MetricRegistry,
        logging: LogBackend,
        spans: SpanStore,
        logs: LogStore?,
        export: OTLPExport?,
        errorReporter: SentryReporter?
    ) {
        metrics.observeCounter(StandardMetrics.logEventsDropped, labels: ["sampling"]) { Double(logging.droppedBySampling) }
        metrics.observeCounter(StandardMetrics.logEventsDropped, labels: ["output_stalled"]) { Double(logging.writer.droppedLines) }
        for reason in ExportDropCounter.Reason.allCases {
            metrics.observeCounter(StandardMetrics.spansDropped, labels: [reason.rawValue]) { Double(export?.spanDrops.count(reason) ?? 0) }
            metrics.observeCounter(StandardMetrics.logEventsDropped, labels: ["export_\(reason.rawValue)"]) {
                Double(export?.logDrops.count(reason) ?? 0)
            }
            metrics.observeCounter(StandardMetrics.errorEventsDropped, labels: [reason.rawValue]) {
                Double(errorReporter?.drops.count(reason) ?? 0)
            }
        }
        metrics.observeGauge(StandardMetrics.storeEntries, labels: ["spans"]) { Double(spans.count) }
        metrics.observeGauge(StandardMetrics.storeBytes, labels: ["spans"]) { Double(spans.byteCount) }
        metrics.observeCounter(StandardMetrics.storeEvicted, labels: ["spans"]) { Double(spans.evicted) }
        metrics.observeGauge(StandardMetrics.storeEntries, labels: ["logs"]) { Double(logs?.count ?? 0) }
        metrics.observeGauge(StandardMetrics.storeBytes, labels: ["logs"]) { Double(logs?.byteCount ?? 0) }
        metrics.observeCounter(StandardMetrics.storeEvicted, labels: ["logs"]) { Double(logs?.evicted ?? 0) }
    }
}

/// The stores the built-in dashboard reads, made only when it is on: without it, lines cost nothing more.
private struct DashboardStores {
    let logs: LogStore?
    let errors = ErrorGroups()
    let jobs = JobHistory()

    init?(_ configuration: SpyglassConfiguration) {
        guard configuration.dashboard.isEnabled(environment: configuration.environment) else { return nil }
        logs = configuration.logging.storeLines > 0
            ? LogStore(capacity: configuration.logging.storeLines, byteLimit: configuration.logging.storeBytes) : nil
    }

    func dashboard(_ configuration: SpyglassConfiguration, spans: SpanStore, health: HealthMonitor, redactor: Redactor) -> Dashboard {
        Dashboard(
            token: configuration.dashboard.token ?? Dashboard.makeToken(),
            tokenWasGenerated: configuration.dashboard.token == nil,
            service: configuration.serviceName,
            version: configuration.version,
            environment: configuration.environment,
            spans: spans,
            logs: logs,
            errors: errors,
            jobs: jobs,
            metrics: MetricHistory(),
            health: health,
            redactor: redactor,
            sampleInterval: configuration.dashboard.sampleInterval
        )
    }
}

/// Why ``Spyglass/bootstrap(_:environment:prices:metadataProvider:)`` refused to run.
public enum BootstrapError: Error, Sendable, CustomStringConvertible {
    /// `bootstrap` was already called in this process.
    case alreadyBootstrapped
    /// swift-log's `LoggingSystem` was bootstrapped before `bootstrap` (with `handler`'s type), which a second
    /// bootstrap would crash on.
    case loggingAlreadyBootstrapped(handler: String)

    public var description: String {
        switch self {
        case .alreadyBootstrapped: "Spyglass.bootstrap was already called; call it once per process"
        case .loggingAlreadyBootstrapped(let handler):
            "swift-log's LoggingSystem was already bootstrapped (its handler is \(handler)): remove that call "
                + "(in Vapor, LoggingSystem.bootstrap(from: &env)); Spyglass.bootstrap installs the log backend"
        }
    }
}
