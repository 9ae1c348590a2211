import Instrumentation
import SpyglassCore
public import Tracing

/// Work a request hands off to run after it has answered, such as a job, traced as its own operation.
///
/// ```swift
/// let job = BackgroundWork.start("job research", attributes: ["job.id": "\(id)"]) { span in
///     try await research(prompt)      // its spans nest under "job research"; its log lines carry the request id
/// }
/// ```
///
/// The work runs in a detached task, in a new trace whose root span links to the span active when it was started
/// (OpenTelemetry's advice for work that outlives the request that caused it: the request's trace stays the
/// length of the request). The caller's ``SpyglassContext`` (request id, user, session) stays bound, so the
/// work's log lines name the request that started it.
public enum BackgroundWork {
    /// Starts `operation` in a detached task, in a span named `operationName` that begins a new trace linked to
    /// the caller's active span.
    ///
    /// An error `operation` throws is recorded on the span (an `exception` event and error status) and rethrown
    /// through the task.
    ///
    /// - Parameters:
    ///   - operationName: the span's name, such as `job research`.
    ///   - kind: the span's kind; default `.consumer` (the work was queued by someone else).
    ///   - attributes: set on the span when it starts.
    ///   - tracer: default the caller's tracer (`InstrumentationSystem.tracer`).
    ///   - priority: the task's priority.
    ///   - operation: the work; it receives its span.
    @discardableResult
    public static func start<Success: Sendable>(
        _ operationName: String,
        ofKind kind: SpanKind = .consumer,
        attributes: SpanAttributes = [:],
        tracer: (any Tracer)? = nil,
        priority: TaskPriority? = nil,
        operation: @escaping @Sendable (any Span) async throws -> Success
    ) -> Task<Success, any Error> {
        start(operationName, ofKind: kind, attributes: attributes, tracer: tracer, priority: priority, ended: nil, operation: operation)
    }

    /// ``start(_:ofKind:attributes:tracer:priority:operation:)``, calling `ended` once the work's span has ended.
    package static func start<Success: Sendable>(
        _ operationName: String,
        ofKind kind: SpanKind = .consumer,
        attributes: SpanAttributes = [:],
        tracer: (any Tracer)? = nil,
        priority: TaskPriority? = nil,
        ended: (@Sendable () -> Void)?,
        operation: @escaping @Sendable (any Span) async throws -> Success
    ) -> Task<Success, any Error> {
        let caller = ServiceContext.current
        // Read here: a task-local tracer (`withTracer`) does not reach a detached task.
        let tracer = tracer ?? InstrumentationSystem.tracer
        return Task.detached(priority: priority) {
            defer { ended?() }
            // A fresh context keeps the caller's Spyglass ids but none of its span, so the work starts a trace.
            var context = ServiceContext.topLevel
            context.spyglass = caller?.spyglass
            return try await tracer.withAnySpan(operationName, context: context, ofKind: kind) { span in
                if let caller { span.addLink(SpanLink(context: caller, attributes: [:])) }
                if !attributes.isEmpty { span.updateAttributes { $0.merge(attributes) } }
                return try await operation(span)
            }
        }
    }
}
