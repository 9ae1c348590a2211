import Instrumentation
import SpyglassCore

extension SpyglassSpan {
    /// The active span of Spyglass's tracer: the innermost one whose context is bound (by `withSpan`,
    /// ``traceOperation(_:ofKind:attributes:function:file:line:_:)``, or the HTTP middleware for the request's
    /// server span); `nil` outside any.
    public static var current: SpyglassSpan? {
        ServiceContext.current?.activeSpan as? SpyglassSpan
    }
}
