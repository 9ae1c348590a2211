import Logging
@_spi(Locking) import SpyglassCore

/// The log handler swift-otel's diagnostics go through: it counts the spans that swift-otel reports lost and turns
/// its per-batch warnings into at most one `spans_dropped` warning per reason and interval. Every other diagnostic
/// line passes on unchanged.
///
/// A collector that is down makes swift-otel warn once per failed batch (every 5 s by default, more often under
/// load); the count keeps every loss, the log keeps one line per interval saying how many.
struct SpanExportDiagnostics: LogHandler {
    private var upstream: any LogHandler
    /// The level swift-otel asks for (`OTEL_LOG_LEVEL`); lines below it are counted, not written.
    private var forwardedLevel: Logger.Level
    private let drops: SpanDropCounter
    private let warnings: DropWarnings

    init(upstream: any LogHandler, drops: SpanDropCounter, warningInterval: Duration) {
        self.upstream = upstream
        forwardedLevel = upstream.logLevel
        self.drops = drops
        warnings = DropWarnings(interval: warningInterval)
    }

    var logLevel: Logger.Level {
        // Losses are reported at warning: they must reach the counter even when the diagnostics are set quieter.
        get { min(forwardedLevel, .warning) }
        set { forwardedLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { upstream.metadata }
        set { upstream.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { upstream.metadataProvider }
        set { upstream.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { upstream[metadataKey: key] }
        set { upstream[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard let (reason, spans) = loss(in: event) else {
            if event.level >= forwardedLevel { upstream.log(event: event) }
            return
        }
        drops.add(spans, reason)
        guard let unreported = warnings.due(reason, adding: spans) else { return }
        var warning = event
        warning.level = .warning
        warning.message = "spans_dropped"
        warning.metadata = [
            "reason": .string(reason.rawValue),
            "dropped": .stringConvertible(unreported),
            "dropped_total": .stringConvertible(drops.count(reason)),
        ]
        upstream.log(event: warning)
    }

    /// The spans a swift-otel diagnostic line says were lost, read from the batch processor's two warnings
    /// (swift-otel 1.x, `OTelBatchSpanProcessor`).
    private func loss(in event: LogEvent) -> (SpanDropCounter.Reason, Int)? {
        switch event.message.description {
        case "Failed to export batch.":
            return (.exportFailed, count(of: "batch_size", in: event))
        case "Spans were dropped this iteration because queue was full":
            return (.queueFull, count(of: "dropped_count", in: event))
        default:
            return nil
        }
    }

    /// A count swift-otel writes as line or logger metadata; at least 1, since the line reports a loss.
    private func count(of key: String, in event: LogEvent) -> Int {
        let value = event.metadata?[key] ?? upstream[metadataKey: key]
        guard case .string(let text)? = value, let count = Int(text) else { return 1 }
        return max(count, 1)
    }
}

/// When each reason's next `spans_dropped` warning is due, and how many losses it has to report.
private final class DropWarnings: Sendable {
    private struct Pending {
        var lastWarning: ContinuousClock.Instant?
        var unreported = 0
    }

    private let interval: Duration
    private let state = Locked<[SpanDropCounter.Reason: Pending]>([:])

    init(interval: Duration) {
        self.interval = interval
    }

    /// Adds `spans` to `reason`'s unreported losses; returns them all when a warning is due (the first loss, then
    /// once per interval), else `nil`.
    func due(_ reason: SpanDropCounter.Reason, adding spans: Int) -> Int? {
        let now = ContinuousClock.now
        return state.withLock { state in
            var pending = state[reason, default: Pending()]
            pending.unreported += spans
            var report: Int?
            if pending.lastWarning.map({ now - $0 >= interval }) ?? true {
                report = pending.unreported
                pending.unreported = 0
                pending.lastWarning = now
            }
            state[reason] = pending
            return report
        }
    }
}
