@_spi(Export) public import SpyglassExport
public import SpyglassTracing

/// Sampled finished spans, queued for export.
extension BatchExporter: SpanSink where Item == SpanRecord {
    public func append(_ span: SpanRecord) { enqueue(span) }
}
