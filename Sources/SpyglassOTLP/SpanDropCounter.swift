import Synchronization

/// How many spans the OTLP export lost, by reason, since the process started.
///
/// `Spyglass.bootstrap` exposes it as `spyglass_spans_dropped_total{reason}`. swift-otel has no API for its
/// losses, only its diagnostic log lines, so ``SpanExportDiagnostics`` reads them off those.
public final class SpanDropCounter: Sendable {
    /// Why spans were lost.
    public enum Reason: String, Sendable, CaseIterable {
        /// A batch could not be sent: the collector refused the connection, answered with an error, or did not
        /// answer within the export timeout. Its spans are gone (still in the in-process store).
        case exportFailed = "export_failed"
        /// The export queue (2,048 spans by default, `OTEL_BSP_MAX_QUEUE_SIZE`) was full while the collector was
        /// slow: spans ending then were not queued.
        case queueFull = "queue_full"
    }

    private let exportFailed = Atomic<Int>(0)
    private let queueFull = Atomic<Int>(0)

    public init() {}

    /// Spans lost for `reason` so far.
    public func count(_ reason: Reason) -> Int {
        switch reason {
        case .exportFailed: exportFailed.load(ordering: .relaxed)
        case .queueFull: queueFull.load(ordering: .relaxed)
        }
    }

    func add(_ spans: Int, _ reason: Reason) {
        switch reason {
        case .exportFailed: exportFailed.add(spans, ordering: .relaxed)
        case .queueFull: queueFull.add(spans, ordering: .relaxed)
        }
    }
}
