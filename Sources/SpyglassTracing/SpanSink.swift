/// Where ``SpyglassTracer`` hands every sampled span when it ends: the built-in dashboard's span store is one.
/// Called on the thread that ends the span: keep it short.
public protocol SpanSink: AnyObject, Sendable {
    /// Takes one finished span.
    func append(_ span: SpanRecord)
}
