/// How items wait for export: OpenTelemetry's batch processor settings, which every ``BatchExporter`` takes.
///
/// OTLP spans read `OTEL_BSP_*`, log records `OTEL_BLRP_*`, with the specification's defaults; the Sentry reporter
/// has its own (``BatchConfiguration/errorEvents``).
public struct BatchConfiguration: Sendable, Hashable {
    /// The longest a finished item waits before its batch is sent. `OTEL_BSP_SCHEDULE_DELAY` (default 5 s) /
    /// `OTEL_BLRP_SCHEDULE_DELAY` (default 1 s), milliseconds.
    public var scheduleDelay: Duration
    /// How long one batch may take, retries included, before its items are counted lost.
    /// `OTEL_BSP_EXPORT_TIMEOUT` / `OTEL_BLRP_EXPORT_TIMEOUT`, milliseconds; default 30 s.
    public var exportTimeout: Duration
    /// The most items waiting; more are dropped and counted (`queue_full`) while the collector is slow.
    /// `OTEL_BSP_MAX_QUEUE_SIZE` / `OTEL_BLRP_MAX_QUEUE_SIZE`; default 2,048.
    public var maxQueueSize: Int
    /// The most items sent in one request; a full batch is sent without waiting for the delay.
    /// `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` / `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`; default 512; more than the queue
    /// size is taken as the queue size.
    public var maxExportBatchSize: Int

    /// Creates a batch configuration; every parameter has the span processor's default.
    public init(
        scheduleDelay: Duration = .seconds(5),
        exportTimeout: Duration = .seconds(30),
        maxQueueSize: Int = 2048,
        maxExportBatchSize: Int = 512
    ) {
        self.scheduleDelay = scheduleDelay
        self.exportTimeout = exportTimeout
        self.maxQueueSize = maxQueueSize
        self.maxExportBatchSize = maxExportBatchSize
    }

    /// The span processor's defaults.
    public static var spans: BatchConfiguration { BatchConfiguration() }
    /// The log record processor's defaults: a 1 s delay.
    public static var logs: BatchConfiguration { BatchConfiguration(scheduleDelay: .seconds(1)) }
    /// Error events for a Sentry server: each sent on its own as it comes (the protocol takes one event per
    /// envelope), at most 100 waiting (sentry-python's queue size), 10 s for one event with its retries.
    public static var errorEvents: BatchConfiguration {
        BatchConfiguration(scheduleDelay: .milliseconds(1), exportTimeout: .seconds(10), maxQueueSize: 100, maxExportBatchSize: 1)
    }
}
