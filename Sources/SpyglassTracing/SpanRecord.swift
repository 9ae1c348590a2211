import SpyglassCore
public import Tracing

/// A finished span as the store keeps it.
///
/// Attributes stay in swift-distributed-tracing's form: rendering them as text is left to whoever reads the span,
/// because nearly every span is evicted unread.
public struct SpanRecord: Sendable, Equatable {
    /// Another span this one is linked to (a background job's link to the request that started it).
    public struct Link: Sendable, Hashable {
        public var traceIDHigh: UInt64
        public var traceIDLow: UInt64
        public var spanID: UInt64

        public init(traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64) {
            self.traceIDHigh = traceIDHigh
            self.traceIDLow = traceIDLow
            self.spanID = spanID
        }
    }

    /// The W3C trace id's high 64 bits (its first 16 hex digits).
    public var traceIDHigh: UInt64
    /// The W3C trace id's low 64 bits.
    public var traceIDLow: UInt64
    public var spanID: UInt64
    /// The parent span's id; `nil` for a root span.
    public var parentSpanID: UInt64?
    public var operationName: String
    public var kind: SpanKind
    public var startNanosecondsSinceEpoch: UInt64
    public var endNanosecondsSinceEpoch: UInt64
    /// The status the span was given; `nil` when none was (OpenTelemetry's "unset").
    public var status: SpanStatus?
    public var attributes: SpanAttributes
    /// What happened during the span, thrown errors as `exception` events.
    public var events: [SpanEvent]
    public var links: [Link]

    public init(
        traceIDHigh: UInt64,
        traceIDLow: UInt64,
        spanID: UInt64,
        parentSpanID: UInt64?,
        operationName: String,
        kind: SpanKind,
        startNanosecondsSinceEpoch: UInt64,
        endNanosecondsSinceEpoch: UInt64,
        status: SpanStatus? = nil,
        attributes: SpanAttributes = [:],
        events: [SpanEvent] = [],
        links: [Link] = []
    ) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.operationName = operationName
        self.kind = kind
        self.startNanosecondsSinceEpoch = startNanosecondsSinceEpoch
        self.endNanosecondsSinceEpoch = endNanosecondsSinceEpoch
        self.status = status
        self.attributes = attributes
        self.events = events
        self.links = links
    }

    /// The trace id as 32 lowercase hex digits, as in `traceparent` and the logs' `trace_id`.
    public var traceIDHex: String { Hex.digits(high: traceIDHigh, low: traceIDLow) }
    /// The span id as 16 lowercase hex digits.
    public var spanIDHex: String { Hex.digits(spanID) }
    /// How long the span took.
    public var duration: Duration {
        .nanoseconds(Int64(clamping: endNanosecondsSinceEpoch &- min(startNanosecondsSinceEpoch, endNanosecondsSinceEpoch)))
    }
}

extension SpanRecord {
    /// An estimate of the memory the record holds, in bytes: its fixed fields, its name, its attributes' and
    /// events' keys and text (a dictionary entry's overhead included), and its links.
    public var estimatedBytes: Int {
        var bytes = 192 + operationName.utf8.count + links.count * 24
        bytes += Self.estimatedBytes(of: attributes)
        for event in events { bytes += 48 + event.name.utf8.count + Self.estimatedBytes(of: event.attributes) }
        return bytes
    }

    private static func estimatedBytes(of attributes: SpanAttributes) -> Int {
        var bytes = 0
        attributes.forEach { key, value in
            bytes += 64 + key.utf8.count
            switch value {
            case .string(let text): bytes += text.utf8.count
            case .stringArray(let texts): bytes += texts.reduce(32) { $0 + 16 + $1.utf8.count }
            case .int32Array(let values): bytes += 32 + values.count * 4
            case .int64Array(let values): bytes += 32 + values.count * 8
            case .doubleArray(let values): bytes += 32 + values.count * 8
            case .boolArray(let values): bytes += 32 + values.count
            case .stringConvertible(let value): bytes += 32 + value.description.utf8.count
            case .stringConvertibleArray(let values): bytes += values.reduce(32) { $0 + 48 + $1.description.utf8.count }
            default: break
            }
        }
        return bytes
    }
}
