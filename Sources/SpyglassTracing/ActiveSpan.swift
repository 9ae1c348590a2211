import Instrumentation

extension SpyglassSpan {
    /// The active span of Spyglass's tracer: the innermost one whose context is bound (by `withSpan`,
    /// ``traceOperation(_:ofKind:attributes:function:file:line:_:)``, or the HTTP middleware for the request's
    /// server span); `nil` outside any.
    public static var current: SpyglassSpan? {
        ServiceContext.current?[ActiveSpanKey.self]?.span
    }
}

extension ServiceContext {
    /// Makes `reference` the context's active span.
    mutating func setActiveSpan(_ reference: ActiveSpanReference) {
        self[ActiveSpanKey.self] = reference
    }
}

/// How a span's own context names the span. Weak, because the span holds its context: a strong reference would
/// keep every span alive for ever.
final class ActiveSpanReference: @unchecked Sendable {
    // Set once by the tracer, right after the span is made and before the span or its context is handed out.
    weak var span: SpyglassSpan?
}

private enum ActiveSpanKey: ServiceContextKey {
    typealias Value = ActiveSpanReference
    static let nameOverride: String? = "spyglass-active-span"
}
