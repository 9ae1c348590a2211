public import Instrumentation
@_spi(Locking) public import SpyglassCore

public import Tracing

/// A span started by ``SpyglassTracer``. When it ends, it becomes a `SpanRecord` in the tracer's store (once,
/// however often `end` is called) if its trace was sampled or if it ended with error status: head sampling
/// thins out the ordinary traffic, never the failures. A span that was not sampled still carries its identity,
/// so the trace propagates marked unsampled. When the tracer exports, every change is passed on to the exporting
/// tracer's span as well, which exports only sampled spans. With a redactor, string attributes, event attributes
/// and recorded errors are redacted before they are kept or passed on.
public final class SpyglassSpan: Span, Sendable {
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

    public let context: ServiceContext
    public let identity: SpanIdentity
    public let kind: SpanKind
    /// The parent span's id, `nil` for a root span.
    public let parentSpanID: UInt64?
    public let isRecording: Bool
    let startNanoseconds: UInt64
    private let store: any SpanSink
    private let state: Locked<State>
    /// The same span on the exporting tracer.
    private let exported: (any Tracing.Span)?
    private let redactor: Redactor?

    init(
        operationName: String,
        context: ServiceContext,
        identity: SpanIdentity,
        kind: SpanKind,
        parentSpanID: UInt64?,
        startNanoseconds: UInt64,
        store: any SpanSink,
        exported: (any Tracing.Span)?,
        redactor: Redactor?
    ) {
        self.context = context
        self.identity = identity
        self.kind = kind
        self.parentSpanID = parentSpanID
        self.startNanoseconds = startNanoseconds
        self.store = store
        self.exported = exported
        self.redactor = redactor
        // Unsampled spans record too, so that one ending in error can still be kept. Only a span the exporting
        // tracer gave no identity (swift-otel's `always_off`) has nothing to be kept under.
        isRecording = identity.spanID != 0
        state = Locked(State(operationName: operationName))
    }

    public var operationName: String {
        get { state.withLock { $0.operationName } }
        set {
            state.withLock { $0.operationName = newValue }
            exported?.operationName = newValue
        }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.allAttributes } }
        set {
            let attributes = redactor?.redact(newValue) ?? newValue
            exported?.attributes = attributes
            guard isRecording else { return }
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
        guard isRecording || exported != nil else { return }
        let fields = redactor.map { fields.redacted(by: $0) } ?? fields
        let failed = fields.statusCode >= 500
        if let exported {
            exported.operationName = operationName
            var attributes = self.attributes
            fields.add(to: &attributes)
            exported.attributes = attributes
            if failed { exported.setStatus(SpanStatus(code: .error)) }
        }
        if let error { recordError(error) }
        finish(at: DefaultTracerClock.now) { state in
            state.operationName = operationName
            state.httpServer = fields
            if failed { state.status = SpanStatus(code: .error) }
        }
    }

    public func setStatus(_ status: SpanStatus) {
        exported?.setStatus(status)
        guard isRecording else { return }
        state.withLock { $0.status = status }
    }

    public func addEvent(_ event: SpanEvent) {
        var event = event
        if let redactor { event.attributes = redactor.redact(event.attributes) }
        exported?.addEvent(event)
        keep(event)
    }

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        guard isRecording || exported != nil else { return }
        var attributes = attributes
        attributes["exception.type"] = String(reflecting: type(of: error))
        attributes["exception.message"] = String(describing: error)
        // The exporter gets the event as kept here, so the message it carries is the redacted one.
        addEvent(SpanEvent(name: "exception", at: instant(), attributes: attributes))
    }

    private func keep(_ event: SpanEvent) {
        guard isRecording else { return }
        state.withLock { $0.events.append(event) }
    }

    public func addLink(_ link: SpanLink) {
        exported?.addLink(link)
        guard isRecording, let linked = link.context.spanIdentity else { return }
        let record = SpanRecord.Link(traceIDHigh: linked.traceIDHigh, traceIDLow: linked.traceIDLow, spanID: linked.spanID)
        state.withLock { $0.links.append(record) }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        guard isRecording || exported != nil else { return }
        finish(at: instant()) { _ in }
    }

    /// Applies `update` and ends the span in one step under the lock, unless it has ended already.
    private func finish<Instant: TracerInstant>(at instant: Instant, _ update: (inout State) -> Void) {
        guard let finished = state.withLock({ state -> State? in
            guard !state.isEnded else { return nil }
            if isRecording { update(&state) }
            state.isEnded = true
            return state
        }) else { return }
        exported?.end(at: instant)
        guard identity.isSampled || finished.status?.code == .error else { return }
        store.append(SpanRecord(
            traceIDHigh: identity.traceIDHigh,
            traceIDLow: identity.traceIDLow,
            spanID: identity.spanID,
            parentSpanID: parentSpanID,
            operationName: finished.operationName,
            kind: kind,
            startNanosecondsSinceEpoch: startNanoseconds,
            endNanosecondsSinceEpoch: instant.nanosecondsSinceEpoch,
            status: finished.status,
            attributes: finished.attributes,
            httpServer: finished.httpServer,
            events: finished.events,
            links: finished.links
        ))
    }
}
