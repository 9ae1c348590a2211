public import Instrumentation
public import SpyglassCore

public import Tracing

/// A tracer that hands finished spans to a ``SpanSink`` in process (the built-in dashboard's span store):
/// tracing that needs no collector. Log lines and exemplars written inside its spans carry their trace and span ids.
///
/// It propagates W3C Trace Context (`traceparent`, `tracestate`), so traces continue across services, and
/// samples with a ``TraceSampler``. Install it like any tracer:
///
/// ```swift
/// let tracer = SpyglassTracer(store: SpanStore(capacity: 10_000))   // SpanStore: SpyglassDashboard
/// InstrumentationSystem.bootstrap(tracer)
/// ```
///
/// To export spans as well, give it the export's sink (`Spyglass.bootstrap` does this when an OTLP endpoint is
/// configured): each sampled span's finished record is handed to it too, the same record the store gets, and is
/// exported in the background. Nothing about a span is done twice on the request path.
public final class SpyglassTracer: Tracer, Sendable {
    public typealias Span = SpyglassSpan

    /// Where finished sampled spans go, and unsampled ones that ended in error.
    public let store: any SpanSink
    /// Which traces are recorded when no upstream service has decided.
    public let sampler: TraceSampler
    /// Where finished sampled spans go for export; `nil`: spans stay in process.
    private let export: (any SpanSink)?
    /// What is removed from string attributes, events and errors; `nil`: nothing.
    private let redactor: Redactor?

    /// Creates a tracer.
    ///
    /// - Parameters:
    ///   - store: where finished sampled spans are kept, and unsampled ones that ended in error (head sampling
    ///     thins out the ordinary traffic, never the failures).
    ///   - sampler: which traces are recorded; default every one (`parentbased_always_on`).
    ///   - export: where finished sampled spans are handed for export, such as the OTLP export's queue; default
    ///     `nil`: spans stay in process.
    ///   - redactor: removes credentials from string attributes, event attributes and recorded errors (a URL path
    ///     or an error message can hold a token); `Spyglass.bootstrap` passes the logs' redactor. Default `nil`.
    public init(store: any SpanSink, sampler: TraceSampler = .alwaysOn, export: (any SpanSink)? = nil, redactor: Redactor? = nil) {
        self.store = store
        self.sampler = sampler
        self.export = export
        self.redactor = redactor
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> SpyglassSpan {
        start(
            operationName, context: context(), requestContext: nil, ofKind: kind, at: instant().nanosecondsSinceEpoch,
            function: function, file: fileID, line: line)
    }

    /// Starts an HTTP server span now, as `startSpan` would; the HTTP middleware's way in, with no generic clock or
    /// autoclosures to go through on every request.
    ///
    /// - Parameter spyglass: the request's ``SpyglassContext``, which the span carries for its context, so the
    ///   context holds one entry; `context` should not bind one itself, since that would take precedence.
    package func startHTTPServerSpan(
        _ operationName: String,
        context: ServiceContext,
        spyglass: SpyglassContext?,
        function: String = #function,
        file fileID: String = #fileID,
        line: UInt = #line
    ) -> SpyglassSpan {
        start(
            operationName, context: context, requestContext: spyglass, ofKind: .server,
            at: DefaultTracerClock.now.nanosecondsSinceEpoch, function: function, file: fileID, line: line)
    }

    private func start(
        _ operationName: String,
        context: ServiceContext,
        requestContext: SpyglassContext?,
        ofKind kind: SpanKind,
        at startNanoseconds: UInt64,
        function: String,
        file fileID: String,
        line: UInt
    ) -> SpyglassSpan {
        let parent = context.spanIdentity
        let traceIDHigh = parent?.traceIDHigh ?? UniqueID.next()
        let traceIDLow = parent?.traceIDLow ?? UniqueID.next()
        let identity = SpanIdentity(
            traceIDHigh: traceIDHigh,
            traceIDLow: traceIDLow,
            spanID: UniqueID.next(),
            isSampled: sampler.isSampled(traceIDLow: traceIDLow, parentSampled: parent?.isSampled),
            traceState: parent?.traceState
        )
        return SpyglassSpan(
            operationName: operationName,
            context: context,
            requestContext: requestContext,
            identity: identity,
            kind: kind,
            parentSpanID: parent?.spanID,
            startNanoseconds: startNanoseconds,
            store: store,
            export: export,
            redactor: redactor
        )
    }

    /// Does nothing: the export sends its batches on its own schedule and at graceful shutdown.
    public func forceFlush() {}

    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier,
        into context: inout ServiceContext,
        using extractor: Extract
    ) where Extract.Carrier == Carrier {
        extract(
            traceparent: extractor.extract(key: "traceparent", from: carrier),
            tracestate: { extractor.extract(key: "tracestate", from: carrier) },
            into: &context
        )
    }

    /// What ``extract(_:into:using:)`` does, from the header values: an HTTP server that reads its headers itself
    /// needs no extractor (a generic one costs a metadata lookup per request).
    ///
    /// - Parameter tracestate: read only when there is a `traceparent`.
    package func extract(traceparent: String?, tracestate: () -> String?, into context: inout ServiceContext) {
        guard let traceparent else { return }
        // A malformed traceparent starts a new trace, as the W3C recommendation says; it is not an error.
        context.spanIdentity = SpanIdentity(traceparent: traceparent, tracestate: tracestate())
    }

    public func inject<Carrier, Inject: Injector>(
        _ context: ServiceContext,
        into carrier: inout Carrier,
        using injector: Inject
    ) where Inject.Carrier == Carrier {
        // The request id travels with the trace, so the next service's log lines can name the same request.
        if let requestID = context.spyglass?.requestID {
            injector.inject(requestID, forKey: SpyglassContext.requestIDHeaderName, into: &carrier)
        }
        guard let identity = context.spanIdentity else { return }
        injector.inject(identity.traceparent, forKey: "traceparent", into: &carrier)
        if let traceState = identity.traceState {
            injector.inject(traceState, forKey: "tracestate", into: &carrier)
        }
    }
}

extension Instrument {
    /// The W3C trace id of the span in `context`: straight from a span of Spyglass's tracer, otherwise read from
    /// the `traceparent` this instrument would send, so it works with any W3C-propagating tracer; `nil` for one
    /// that propagates otherwise (or not at all).
    package func w3cTraceID(of context: ServiceContext) -> String? {
        (context.spanIdentity ?? injectedIdentity(of: context))?.traceIDHex
    }

    /// The identity of the span in `context` as this instrument propagates it: its W3C `traceparent` parsed.
    func injectedIdentity(of context: ServiceContext) -> SpanIdentity? {
        var headers = TraceContextHeaders()
        inject(context, into: &headers, using: TraceContextHeaders.Injector())
        guard let traceparent = headers.traceparent, var identity = SpanIdentity(traceparent: traceparent, tracestate: headers.tracestate) else {
            return nil
        }
        identity.isRemote = false
        return identity
    }
}

/// The W3C headers an instrument injects, without building a header collection.
private struct TraceContextHeaders {
    var traceparent: String?
    var tracestate: String?

    struct Injector: Instrumentation.Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout TraceContextHeaders) {
            switch key {
            case "traceparent": carrier.traceparent = value
            case "tracestate": carrier.tracestate = value
            default: break
            }
        }
    }
}
