public import Instrumentation
public import SpyglassCore
public import SpyglassStore
public import Tracing

/// A tracer that keeps finished spans in process, in a ``SpanStore``: tracing that needs no collector, for the
/// built-in dashboard. Log lines and exemplars written inside its spans carry their trace and span ids.
///
/// It propagates W3C Trace Context (`traceparent`, `tracestate`), so traces continue across services, and
/// samples with a ``TraceSampler``. Install it like any tracer:
///
/// ```swift
/// let tracer = SpyglassTracer(store: SpanStore(capacity: 10_000))
/// InstrumentationSystem.bootstrap(tracer)
/// ```
///
/// Why not swift-otel's tracer with no exporter: it hands every finished span to a batch processor through an
/// `AsyncStream` and draws ids from the system generator, which measured 48% fewer requests per second on a
/// small Hummingbird route (BENCHMARKS.md); exporting is what it is for.
public final class SpyglassTracer: Tracer, Sendable {
    public typealias Span = SpyglassSpan

    /// Where finished sampled spans go.
    public let store: SpanStore
    public let sampler: TraceSampler

    /// Creates a tracer.
    ///
    /// - Parameters:
    ///   - store: where finished sampled spans are kept.
    ///   - sampler: which traces are recorded; default every one (`parentbased_always_on`).
    public init(store: SpanStore, sampler: TraceSampler = .alwaysOn) {
        self.store = store
        self.sampler = sampler
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
        var context = context()
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
        context.spanIdentity = identity
        return SpyglassSpan(
            operationName: operationName,
            context: context,
            identity: identity,
            kind: kind,
            parentSpanID: parent?.spanID,
            startNanoseconds: instant().nanosecondsSinceEpoch,
            store: store
        )
    }

    public func forceFlush() {}

    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier,
        into context: inout ServiceContext,
        using extractor: Extract
    ) where Extract.Carrier == Carrier {
        guard let traceparent = extractor.extract(key: "traceparent", from: carrier) else { return }
        // A malformed traceparent starts a new trace, as the W3C recommendation says; it is not an error.
        context.spanIdentity = SpanIdentity(traceparent: traceparent, tracestate: extractor.extract(key: "tracestate", from: carrier))
    }

    public func inject<Carrier, Inject: Injector>(
        _ context: ServiceContext,
        into carrier: inout Carrier,
        using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let identity = context.spanIdentity else { return }
        injector.inject(identity.traceparent, forKey: "traceparent", into: &carrier)
        if let traceState = identity.traceState {
            injector.inject(traceState, forKey: "tracestate", into: &carrier)
        }
    }
}
