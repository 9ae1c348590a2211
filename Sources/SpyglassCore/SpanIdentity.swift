public import Instrumentation

/// The W3C identity of the active span, as carried in `ServiceContext`: what child spans continue and what
/// `traceparent` propagates.
public struct SpanIdentity: Sendable, Hashable {
    /// The trace id's high 64 bits (the first 16 hex digits).
    public var traceIDHigh: UInt64
    /// The trace id's low 64 bits.
    public var traceIDLow: UInt64
    public var spanID: UInt64
    /// Whether the span is recorded (W3C `sampled` flag).
    public var isSampled: Bool
    /// Whether the identity came from another process (`traceparent`) rather than a span started here.
    public var isRemote: Bool
    /// The vendor entries of `tracestate`, passed on unchanged.
    public var traceState: String?

    public init(traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, isSampled: Bool, isRemote: Bool = false, traceState: String? = nil) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.spanID = spanID
        self.isSampled = isSampled
        self.isRemote = isRemote
        self.traceState = traceState
    }

    /// The trace id as 32 lowercase hex digits (`trace_id` in logs, `X-Trace-ID`).
    public var traceIDHex: String { Hex.digits(high: traceIDHigh, low: traceIDLow) }
    /// The span id as 16 lowercase hex digits.
    public var spanIDHex: String { Hex.digits(spanID) }

    /// `00-{trace id}-{span id}-{flags}`.
    public var traceparent: String {
        String(unsafeUninitializedCapacity: 55) { buffer in
            let dash = UInt8(ascii: "-"), zero = UInt8(ascii: "0")
            buffer[0] = zero
            buffer[1] = zero
            buffer[2] = dash
            Hex.write(traceIDHigh, into: buffer, at: 3)
            Hex.write(traceIDLow, into: buffer, at: 19)
            buffer[35] = dash
            Hex.write(spanID, into: buffer, at: 36)
            buffer[52] = dash
            buffer[53] = zero
            buffer[54] = isSampled ? UInt8(ascii: "1") : zero
            return 55
        }
    }
}

/// A span that is its context's active span and carries its own identity and the Spyglass context it runs in:
/// the spans of Spyglass's tracer, held by the context they are active in. One entry, where a request would
/// otherwise box its span identity and its ``SpyglassContext`` beside the span.
package protocol IdentifiedSpan: AnyObject, Sendable {
    var identity: SpanIdentity { get }
    /// The ``SpyglassContext`` of the context the span is active in, unless that context binds one itself.
    var spyglass: SpyglassContext? { get }
}

extension ServiceContext {
    /// The identity of the active span started by Spyglass's tracer, or of the caller's span after `extract`.
    public var spanIdentity: SpanIdentity? {
        get { self[ActiveSpanKey.self]?.identity ?? self[SpanIdentityKey.self] }
        set {
            if self[ActiveSpanKey.self] != nil {
                // The span may carry the context's SpyglassContext: it stays, bound now.
                let carried = spyglass
                self[ActiveSpanKey.self] = nil
                if let carried { spyglass = carried }
            }
            self[SpanIdentityKey.self] = newValue
        }
    }

    /// The span the context is active in, when Spyglass's tracer started it.
    package var activeSpan: (any IdentifiedSpan)? {
        get { self[ActiveSpanKey.self] }
        set { self[ActiveSpanKey.self] = newValue }
    }
}

private enum SpanIdentityKey: ServiceContextKey {
    typealias Value = SpanIdentity
    static let nameOverride: String? = "spyglass-span"
}

private enum ActiveSpanKey: ServiceContextKey {
    typealias Value = any IdentifiedSpan
    static let nameOverride: String? = "spyglass-active-span"
}
