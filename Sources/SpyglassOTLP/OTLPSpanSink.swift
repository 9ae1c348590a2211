import SpyglassTracing

/// Sampled finished spans, queued for export.
extension OTLPBatchExporter: SpanSink where Item == SpanRecord {
    func append(_ span: SpanRecord) { enqueue(span) }
}
