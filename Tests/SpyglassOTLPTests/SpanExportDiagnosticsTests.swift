import InMemoryLogging
import Logging
import Testing

@testable import SpyglassOTLP

/// swift-otel's batch processor reports its losses only as log lines; these are its lines, logged the way it logs
/// them (the batch size as logger metadata, the dropped count as line metadata).
@Suite struct SpanExportDiagnosticsTests {
    struct Refused: Error {}

    private func diagnostics(interval: Duration = .seconds(3600)) -> (Logger, InMemoryLogHandler, SpanDropCounter) {
        let drops = SpanDropCounter()
        var upstream = InMemoryLogHandler()
        upstream.logLevel = .trace
        let handler = SpanExportDiagnostics(upstream: upstream, drops: drops, warningInterval: interval)
        var logger = Logger(label: "spyglass.otlp") { _ in handler }
        logger.logLevel = .warning
        return (logger, upstream, drops)
    }

    private func failBatch(_ logger: Logger, size: Int) {
        var batchLogger = logger
        batchLogger[metadataKey: "batch_size"] = "\(size)"
        batchLogger.warning("Failed to export batch.", error: Refused())
    }

    @Test func failedBatchesAreCountedAndWarnedAboutOncePerInterval() {
        let (logger, upstream, drops) = diagnostics()
        failBatch(logger, size: 512)
        failBatch(logger, size: 30)
        logger.warning("Spans were dropped this iteration because queue was full", metadata: ["dropped_count": "7", "queue_size": "2048"])

        #expect(drops.count(.exportFailed) == 542)
        #expect(drops.count(.queueFull) == 7)
        let warnings = upstream.entries
        #expect(warnings.map(\.message) == ["spans_dropped", "spans_dropped"], "one per reason, not one per batch")
        #expect(warnings.map(\.level) == [.warning, .warning])
        #expect(warnings[0].metadata["reason"] == "export_failed" && warnings[0].metadata["dropped"]?.description == "512")
        #expect(warnings[1].metadata["reason"] == "queue_full" && warnings[1].metadata["dropped_total"]?.description == "7")
    }

    @Test func theNextWarningAfterTheIntervalReportsWhatWasNotYetReported() {
        let (logger, upstream, drops) = diagnostics(interval: .zero)
        failBatch(logger, size: 3)
        failBatch(logger, size: 4)
        #expect(drops.count(.exportFailed) == 7)
        #expect(upstream.entries.map { $0.metadata["dropped"]?.description } == ["3", "4"])
        #expect(upstream.entries.last?.metadata["dropped_total"]?.description == "7")
    }

    @Test func otherDiagnosticsPassUnchangedAtTheLevelSwiftOTelAsksFor() {
        var (logger, upstream, drops) = diagnostics()
        logger.warning("Duplicate instrument registration", metadata: ["name": "x"])
        logger.debug("Exported batch.")
        #expect(upstream.entries.map(\.message) == ["Duplicate instrument registration"])
        // With OTEL_LOG_LEVEL=error, other warnings are dropped, but losses are still counted.
        logger.logLevel = .error
        logger.warning("Duplicate instrument registration")
        failBatch(logger, size: 2)
        #expect(drops.count(.exportFailed) == 2)
        #expect(upstream.entries.map(\.message) == ["Duplicate instrument registration", "spans_dropped"])
        #expect(drops.count(.queueFull) == 0)
    }
}
