public import ServiceLifecycle
public import SpyglassCore
public import SpyglassLogging
public import SpyglassMetrics
public import SpyglassHealth
public import SpyglassGenAI
public import SpyglassJobs
public import SpyglassDashboard
public import SpyglassTracing
public import SpyglassHTTP
public import SpyglassSentry

/// The running part of Spyglass, for a ServiceLifecycle `ServiceGroup`.
///
/// It holds the log pipeline, the metric registry and the span store, and runs the OTLP export when one is
/// configured. At graceful shutdown it sends the spans, log records and metrics still pending (bounded by the
/// export timeouts), then writes every buffered line before returning. List it first in the group: services stop in reverse order, so
/// it stops after the application has drained its requests.
public struct SpyglassService: Service {
    /// The configuration in force, environment applied.
    public let configuration: SpyglassConfiguration
    /// The log pipeline installed as swift-log's backend.
    public let logging: LogBackend
    /// The registry installed as swift-metrics' backend; render it for `GET /metrics`.
    public let metrics: MetricRegistry
    /// The spans the installed ``SpyglassTracer`` finished most recently (empty when tracing is turned off).
    public let spans: SpanStore
    /// The health checks: register the service's dependencies, serve it with `router.addHealthEndpoints`, and list
    /// it after the application in the `ServiceGroup` so readiness fails as soon as shutdown begins.
    public let health: HealthMonitor
    /// Machine, process and build information for `/monitoring/info`.
    public let systemInfo: SystemInfo
    /// LLM calls: spans, `llm_*` metrics, cost from the price table, budgets. Hand it to an ``OpenAIChatClient``
    /// or wrap your own client's calls in ``LLMTelemetry/call(provider:model:operation:isolation:_:)``.
    public let llm: LLMTelemetry
    /// Agent runs and tool calls: `invoke_agent` / `execute_tool` spans, `agent_*` and `tool_*` metrics.
    public let agents: AgentTelemetry
    /// Background jobs: lifecycle log events, `jobs_total`, `job_duration_seconds`, `active_jobs`, linked spans.
    /// List it in the `ServiceGroup` between the application and its dependencies, so graceful shutdown waits for
    /// the jobs still running (``services(around:dependencies:clients:)`` does).
    public let jobs: JobTelemetry
    /// Calls to third-party APIs: `external_api_calls_total`, `external_api_duration_seconds`.
    public let externalCalls: ExternalCallTelemetry
    /// The built-in dashboard, `nil` when it is off (``DashboardConfiguration``): serve it with the framework
    /// adapter (`router.addDashboard(dashboard)` in SpyglassHummingbird). The service samples its charts while it runs.
    public let dashboard: Dashboard?
    /// The Sentry reporter, `nil` unless a DSN is configured (``SpyglassConfiguration/sentry``, `SENTRY_DSN`): error
    /// lines are reported without it; call ``SentryReporter/capture(_:message:level:extra:file:line:)`` to report
    /// an error explicitly.
    public let errorReporter: SentryReporter?
    /// The OTLP exporters, one per exported signal, and the Sentry reporter.
    private let exporters: [any Service]

    init(
        configuration: SpyglassConfiguration,
        logging: LogBackend,
        metrics: MetricRegistry,
        spans: SpanStore,
        health: HealthMonitor,
        systemInfo: SystemInfo,
        llm: LLMTelemetry,
        agents: AgentTelemetry,
        jobs: JobTelemetry,
        externalCalls: ExternalCallTelemetry,
        dashboard: Dashboard?,
        errorReporter: SentryReporter?,
        exporters: [any Service]
    ) {
        self.configuration = configuration
        self.logging = logging
        self.metrics = metrics
        self.spans = spans
        self.health = health
        self.systemInfo = systemInfo
        self.llm = llm
        self.agents = agents
        self.jobs = jobs
        self.externalCalls = externalCalls
        self.dashboard = dashboard
        self.errorReporter = errorReporter
        self.exporters = exporters
    }

    /// Runs the export until graceful shutdown (or cancellation), lets it send what is pending, then flushes the
    /// logs.
    public func run() async throws {
        defer { logging.flush() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Graceful shutdown reaches the exporters' own service groups through the task, as it reaches this one.
            for exporter in exporters { group.addTask { try await exporter.run() } }
            if let dashboard {
                let sampler = DashboardSampler(registry: metrics, history: dashboard.metrics, interval: dashboard.sampleInterval)
                group.addTask { try await sampler.run() }
            }
            try? await gracefulShutdown()
            try await group.waitForAll()
        }
    }

    /// Writes every buffered log line now.
    public func flush() {
        logging.flush()
    }
}

extension SpyglassService: SpyglassHTTPSources {}

extension SpyglassService {
    /// The services of a `ServiceGroup` around `application`, in the order that makes shutdown correct.
    ///
    /// ```swift
    /// try await ServiceGroup(services: spyglass.services(around: app), gracefulShutdownSignals: [.sigterm], logger: logger).run()
    /// ```
    ///
    /// A group stops its services in reverse order, so at graceful shutdown: the `clients` stop first (a traffic
    /// generator, a queue consumer feeding the application); then readiness turns 503 and holds for
    /// `SPYGLASS_SHUTDOWN_DELAY_MS` while the application still serves; then the application drains its requests;
    /// then the jobs still running get up to `SPYGLASS_SHUTDOWN_JOBS_TIMEOUT_MS` to end before they are cancelled;
    /// then its `dependencies` stop (what in-flight work still calls); last, Spyglass exports and flushes what all
    /// of them produced.
    ///
    /// - Parameters:
    ///   - application: the HTTP server (Hummingbird's `Application`).
    ///   - dependencies: services the application calls, which must outlive its last request.
    ///   - clients: services that call the application, which must stop before it.
    public func services(around application: any Service, dependencies: [any Service] = [], clients: [any Service] = []) -> [any Service] {
        [self] + dependencies + [jobs, application, health] + clients
    }
}
