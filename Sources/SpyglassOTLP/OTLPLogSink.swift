import SpyglassLogging

/// The lines the log backend writes, queued for export as they are: redacted and encoded on the export task.
extension OTLPBatchExporter: LogEntrySink where Item == LogEntry {
    func append(_ entry: LogEntry) { enqueue(entry) }
}
