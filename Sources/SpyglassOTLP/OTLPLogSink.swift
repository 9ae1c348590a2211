@_spi(Export) public import SpyglassExport
public import SpyglassLogging

/// The lines the log backend writes, queued for export as they are: redacted and encoded on the export task.
extension BatchExporter: LogEntrySink where Item == LogEntry {
    public func append(_ entry: LogEntry) { enqueue(entry) }
}
