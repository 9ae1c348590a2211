public import ServiceLifecycle
public import SpyglassCore
public import SpyglassLogging
public import SpyglassMetrics
public import SpyglassStore

/// The running part of Spyglass, for a ServiceLifecycle `ServiceGroup`.
///
/// It holds the log pipeline and the metric registry and, at graceful shutdown, writes every buffered line
/// before returning. Later capabilities (trace export, health) run here too.
public struct SpyglassService: Service {
    /// The configuration in force, environment applied.
    public let configuration: SpyglassConfiguration
    /// The log pipeline installed as swift-log's backend.
    public let logging: LogBackend
    /// The registry installed as swift-metrics' backend; render it for `GET /metrics`.
    public let metrics: MetricRegistry
    /// The spans the installed ``SpyglassTracer`` finished most recently (empty when tracing is turned off).
    public let spans: SpanStore

    init(configuration: SpyglassConfiguration, logging: LogBackend, metrics: MetricRegistry, spans: SpanStore) {
        self.configuration = configuration
        self.logging = logging
        self.metrics = metrics
        self.spans = spans
    }

    /// Waits for graceful shutdown (or cancellation), then flushes the logs.
    public func run() async throws {
        try? await gracefulShutdown()
        logging.flush()
    }

    /// Writes every buffered log line now.
    public func flush() {
        logging.flush()
    }
}
