public import Instrumentation
public import SpyglassCore
import SpyglassStore
import Synchronization
public import Tracing

/// A span started by ``SpyglassTracer``. When it ends, a sampled span becomes a `SpanRecord` in the tracer's
/// store (once, however often `end` is called); a span that was not sampled records nothing but still carries
/// its identity, so the trace propagates. When the tracer exports, every change is passed on to the exporting
/// tracer's span as well.
public final class SpyglassSpan: Span, Sendable {
    private struct State {
        var operationName: String
        var attributes = SpanAttributes()
        var events: [SpanEvent] = []
        var links: [SpanRecord.Link] = []
        var status: SpanStatus?
        var isEnded = false
    }

    public let context: ServiceContext
    public let identity: SpanIdentity
    public let kind: SpanKind
    /// The parent span's id, `nil` for a root span.
    public let parentSpanID: UInt64?
    public let isRecording: Bool
    let startNanoseconds: UInt64
    private let store: SpanStore
    private let state: Mutex<State>
    /// The same span on the exporting tracer.
    private let exported: (any Tracing.Span)?

    init(
        operationName: String,
        context: ServiceContext,
        identity: SpanIdentity,
        kind: SpanKind,
        parentSpanID: UInt64?,
        startNanoseconds: UInt64,
        store: SpanStore,
        exported: (any Tracing.Span)?
    ) {
        self.context = context
        self.identity = identity
        self.kind = kind
        self.parentSpanID = parentSpanID
        self.startNanoseconds = startNanoseconds
        self.store = store
        self.exported = exported
        isRecording = identity.isSampled
        state = Mutex(State(operationName: operationName))
    }

    public var operationName: String {
        get { state.withLock { $0.operationName } }
        set {
            state.withLock { $0.operationName = newValue }
            exported?.operationName = newValue
        }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set {
            exported?.attributes = newValue
            guard isRecording else { return }
            state.withLock { $0.attributes = newValue }
        }
    }

    public func setStatus(_ status: SpanStatus) {
        exported?.setStatus(status)
        guard isRecording else { return }
        state.withLock { $0.status = status }
    }

    public func addEvent(_ event: SpanEvent) {
        exported?.addEvent(event)
        keep(event)
    }

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        guard isRecording || exported != nil else { return }
        let instant = instant()
        exported?.recordError(error, attributes: attributes, at: instant)
        var attributes = attributes
        attributes["exception.type"] = String(reflecting: type(of: error))
        attributes["exception.message"] = String(describing: error)
        keep(SpanEvent(name: "exception", at: instant, attributes: attributes))
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
        let instant = instant()
        guard let finished = state.withLock({ state -> State? in
            guard !state.isEnded else { return nil }
            state.isEnded = true
            return state
        }) else { return }
        exported?.end(at: instant)
        guard isRecording else { return }
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
            events: finished.events,
            links: finished.links
        ))
    }
}
