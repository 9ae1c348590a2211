public import Instrumentation
@_spi(Locking) public import SpyglassCore

public import Tracing

/// A span started by ``SpyglassTracer``. When it ends, it becomes a `SpanRecord` in the tracer's store (once,
/// however often `end` is called) if its trace was sampled or if it ended with error status: head sampling
/// thins out the ordinary traffic, never the failures. A span that was not sampled still carries its identity,
/// so the trace propagates marked unsampled. When the tracer exports, the same record of a sampled span is handed
/// to the export as well. With a redactor, string attributes, event attributes and recorded errors are redacted
/// before they are kept.
public final class SpyglassSpan: Span, IdentifiedSpan, Sendable {
    private struct State {
        var operationName: String
        var attributes = SpanAttributes()
        /// An HTTP server span's attributes, typed; they take precedence over `attributes` under the same key.
        var httpServer: HTTPServerAttributes?
        var events: [SpanEvent] = []
        var links: [SpanRecord.Link] = []
        var status: SpanStatus?
        var isEnded = false

        /// Every attribute, the typed HTTP server ones included.
        var allAttributes: SpanAttributes {
            guard let httpServer else { return attributes }
            var all = attributes
            httpServer.add(to: &all)
            return all
        }
    }

    /// The context the span runs in: the one it was started in, with the span as its active span. The span is
    /// held by that context, not the other way round, so it is made on each read (a request's middleware reads
    /// it once) and a span lives as long as a context it is active in.
    public var context: ServiceContext {
        var context = parentContext
        context.activeSpan = self
        return context
    }
    /// The context the span was started in.
    private let parentContext: ServiceContext
    /// The request's context a server span was started with, which it carries for the context it is active in.
    private let requestContext: SpyglassContext?
    /// What the context the span is active in reads as its ``SpyglassContext``: the request's, for a server span,
    /// else whatever the context it was started in has (read when asked, not copied at every start).
    package var spyglass: SpyglassContext? { requestContext ?? parentContext.spyglass }
    public let identity: SpanIdentity
    public let kind: SpanKind
    /// The parent span's id, `nil` for a root span.
    public let parentSpanID: UInt64?
    /// Always `true`: unsampled spans record too, so that one ending in error can still be kept.
    public var isRecording: Bool { true }
    let startNanoseconds: UInt64
    private let store: any SpanSink
    /// Where the record goes for export when the trace is sampled; `nil`: spans stay in process.
    private let export: (any SpanSink)?
    private let state: Locked<State>
    private let redactor: Redactor?

    init(
        operationName: String,
        context: ServiceContext,
        requestContext: SpyglassContext?,
        identity: SpanIdentity,
        kind: SpanKind,
        parentSpanID: UInt64?,
        startNanoseconds: UInt64,
        store: any SpanSink,
        export: (any SpanSink)?,
        redactor: Redactor?
    ) {
        parentContext = context
        self.requestContext = requestContext
        self.identity = identity
        self.kind = kind
        self.parentSpanID = parentSpanID
        self.startNanoseconds = startNanoseconds
        self.store = store
        self.export = export
        self.redactor = redactor
        state = Locked(State(operationName: operationName))
    }

    public var operationName: String {
        get { state.withLock { $0.operationName } }
        set {
            state.withLock { $0.operationName = newValue }
        }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.allAttributes } }
        set {
            let attributes = redactor?.redact(newValue) ?? newValue
            state.withLock { state in
                state.attributes = attributes
                state.httpServer = nil
            }
        }
    }

    /// Ends an HTTP server span: names it, sets its attributes (OpenTelemetry's HTTP semantic conventions) over
    /// those already set, marks a 5xx status as an error and records `error`, as the same steps through
    /// swift-distributed-tracing's API would, without building an attribute dictionary.
    package func endHTTPServer(operationName: String, attributes fields: HTTPServerAttributes, error: (any Error)?) {
        let fields = redactor.map { fields.redacted(by: $0) } ?? fields
        let failed = fields.statusCode >= 500
        if let error { recordError(error) }
        finish(at: DefaultTracerClock.now) { state in
            state.operationName = operationName
            state.httpServer = fields
            if failed { state.status = SpanStatus(code: .error) }
        }
    }

    public func setStatus(_ status: SpanStatus) {
        state.withLock { $0.status = status }
    }

    public func addEvent(_ event: SpanEvent) {
        var event = event
        if let redactor { event.attributes = redactor.redact(event.attributes) }
        state.withLock { $0.events.append(event) }
    }

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        var attributes = attributes
        attributes["exception.type"] = qualifiedTypeName(of: error)
        attributes["exception.message"] = String(describing: error)
        addEvent(SpanEvent(name: "exception", at: instant(), attributes: attributes))
    }

    public func addLink(_ link: SpanLink) {
        guard let linked = link.context.spanIdentity else { return }
        let record = SpanRecord.Link(traceIDHigh: linked.traceIDHigh, traceIDLow: linked.traceIDLow, spanID: linked.spanID)
        state.withLock { $0.links.append(record) }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        finish(at: instant()) { _ in }
    }

    /// Applies `update` and ends the span in one step under the lock, unless it has ended already.
    private func finish<Instant: TracerInstant>(at instant: Instant, _ update: (inout State) -> Void) {
        let end = instant.nanosecondsSinceEpoch
        // The record is made from the state under the lock: returning a copy of the state to make it from would
        // copy every field once more.
        guard let record = state.withLock({ state -> SpanRecord? in
            guard !state.isEnded else { return nil }
            update(&state)
            state.isEnded = true
            guard identity.isSampled || state.status?.code == .error else { return nil }
            return SpanRecord(
                traceIDHigh: identity.traceIDHigh,
                traceIDLow: identity.traceIDLow,
                spanID: identity.spanID,
                parentSpanID: parentSpanID,
                operationName: state.operationName,
                kind: kind,
                startNanosecondsSinceEpoch: startNanoseconds,
                endNanosecondsSinceEpoch: end,
                status: state.status,
                attributes: state.attributes,
                httpServer: state.httpServer,
                events: state.events,
                links: state.links
            )
        }) else { return }
        store.append(record)
        if identity.isSampled { export?.append(record) }
    }
}
