import Instrumentation
public import Tracing

/// Runs `operation` in a span named `operationName` that starts with `attributes`, through the installed tracer:
/// the seeds' `trace_operation` (a context manager) and `trace_function` (a decorator) in one Swift function.
///
/// ```swift
/// let count = try traceOperation("bundle.export", attributes: ["bundle.id": "\(bundle.id)"]) { span in
///     let artifacts = try loadArtifacts(bundle)
///     span.attributes["artifact_count"] = artifacts.count
///     span.addEvent("validation_complete")
///     return artifacts.count
/// }
/// ```
///
/// It is swift-distributed-tracing's `withSpan` with the attributes set first: the span nests under the active
/// one, log lines written inside carry its ids, and an error `operation` throws is recorded on it as an
/// `exception` event with error status, then rethrown.
///
/// - Parameters:
///   - operationName: the span's name, such as `bundle.export`.
///   - kind: the span's kind; default `.internal`.
///   - attributes: set on the span when it starts.
///   - operation: the traced work; it receives the span.
@discardableResult
public func traceOperation<Result>(
    _ operationName: String,
    ofKind kind: SpanKind = .internal,
    attributes: SpanAttributes = [:],
    function: String = #function,
    file fileID: String = #fileID,
    line: UInt = #line,
    _ operation: (any Span) throws -> Result
) rethrows -> Result {
    try InstrumentationSystem.tracer.withAnySpan(operationName, ofKind: kind, function: function, file: fileID, line: line) { span in
        if !attributes.isEmpty { span.updateAttributes { $0.merge(attributes) } }
        return try operation(span)
    }
}

/// The same for async work: the seeds' `trace_async_function`.
@discardableResult
public func traceOperation<Result>(
    _ operationName: String,
    ofKind kind: SpanKind = .internal,
    attributes: SpanAttributes = [:],
    isolation: isolated (any Actor)? = #isolation,
    function: String = #function,
    file fileID: String = #fileID,
    line: UInt = #line,
    _ operation: (any Span) async throws -> Result
) async rethrows -> Result {
    try await InstrumentationSystem.tracer.withAnySpan(operationName, ofKind: kind, isolation: isolation, function: function, file: fileID, line: line) { span in
        if !attributes.isEmpty { span.updateAttributes { $0.merge(attributes) } }
        return try await operation(span)
    }
}

/// Adds `attributes` to the active span of Spyglass's tracer, the seeds' `add_span_attributes`; does nothing
/// outside such a span.
///
/// ```swift
/// func calculateAnalytics(workspaceID: String) async throws {
///     addSpanAttributes(["workspace.id": "\(workspaceID)"])
/// }
/// ```
public func addSpanAttributes(_ attributes: SpanAttributes) {
    SpyglassSpan.current?.updateAttributes { $0.merge(attributes) }
}
