import Synchronization

/// How many items one export lost, by reason, since the process started.
///
/// `Spyglass.bootstrap` exposes the OTLP span export's as `spyglass_spans_dropped_total{reason}`, the OTLP log
/// export's as `spyglass_log_events_dropped_total{reason="export_failed"|"export_queue_full"|"export_rate_limited"}`
/// and the Sentry reporter's as `spyglass_error_events_dropped_total{reason}`.
public final class ExportDropCounter: Sendable {
    /// Why items were lost.
    public enum Reason: String, Sendable, CaseIterable {
        /// A batch could not be sent: the collector refused the connection, answered with an error, or did not
        /// answer, through every retry within the export timeout. Its items are gone (spans still in the
        /// in-process store, lines still on standard output).
        case exportFailed = "export_failed"
        /// The export queue (2,048 items by default, `OTEL_BSP_MAX_QUEUE_SIZE` / `OTEL_BLRP_MAX_QUEUE_SIZE`) was
        /// full while the collector was slow: items finished then were not queued.
        case queueFull = "queue_full"
        /// The receiver refused them for a rate limit (HTTP 429, Sentry's `X-Sentry-Rate-Limits`) and asked for a
        /// wait longer than the exporter follows, or they came while such a limit was in force.
        case rateLimited = "rate_limited"
    }

    private let exportFailed = Atomic<Int>(0)
    private let queueFull = Atomic<Int>(0)
    private let rateLimited = Atomic<Int>(0)

    public init() {}

    /// Items lost for `reason` so far.
    public func count(_ reason: Reason) -> Int {
        switch reason {
        case .exportFailed: exportFailed.load(ordering: .relaxed)
        case .queueFull: queueFull.load(ordering: .relaxed)
        case .rateLimited: rateLimited.load(ordering: .relaxed)
        }
    }

    func add(_ items: Int, _ reason: Reason) {
        switch reason {
        case .exportFailed: exportFailed.add(items, ordering: .relaxed)
        case .queueFull: queueFull.add(items, ordering: .relaxed)
        case .rateLimited: rateLimited.add(items, ordering: .relaxed)
        }
    }
}
