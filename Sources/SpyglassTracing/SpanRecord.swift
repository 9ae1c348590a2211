import SpyglassCore
public import Tracing

/// A finished span as the store keeps it.
///
/// Attributes stay in swift-distributed-tracing's form, and an HTTP server span's stay typed fields until read:
/// rendering them is left to whoever reads the span, because nearly every span is evicted unread.
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
    /// Every attribute of the span. Reading it builds the set; ``attribute(_:)`` reads one without doing so.
    public var attributes: SpanAttributes {
        get {
            guard let httpServer else { return otherAttributes }
            var attributes = otherAttributes
            httpServer.add(to: &attributes)
            return attributes
        }
        set {
            otherAttributes = newValue
            httpServer = nil
        }
    }
    /// The attributes of an HTTP server span, typed; they take precedence over ``otherAttributes`` under the same key.
    package var httpServer: HTTPServerAttributes?
    /// The attributes set through swift-distributed-tracing's API.
    private var otherAttributes: SpanAttributes
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
        otherAttributes = attributes
        self.events = events
        self.links = links
    }

    /// A record of an HTTP server span, whose `httpServer` fields join `attributes`.
    package init(
        traceIDHigh: UInt64,
        traceIDLow: UInt64,
        spanID: UInt64,
        parentSpanID: UInt64?,
        operationName: String,
        kind: SpanKind,
        startNanosecondsSinceEpoch: UInt64,
        endNanosecondsSinceEpoch: UInt64,
        status: SpanStatus?,
        attributes: SpanAttributes,
        httpServer: HTTPServerAttributes?,
        events: [SpanEvent],
        links: [Link]
    ) {
        self.init(
            traceIDHigh: traceIDHigh, traceIDLow: traceIDLow, spanID: spanID, parentSpanID: parentSpanID,
            operationName: operationName, kind: kind, startNanosecondsSinceEpoch: startNanosecondsSinceEpoch,
            endNanosecondsSinceEpoch: endNanosecondsSinceEpoch, status: status, attributes: attributes, events: events,
            links: links
        )
        self.httpServer = httpServer
    }

    /// The attribute under `key`, `nil` when the span has none.
    public func attribute(_ key: String) -> SpanAttribute? {
        httpServer?.attribute(key) ?? otherAttributes.get(key)
    }

    /// Every attribute once, as ``attributes`` holds them, without building that set: the typed HTTP fields, then
    /// the others not under one of their keys.
    package func forEachAttribute(_ body: (_ key: String, _ value: SpanAttribute) -> Void) {
        guard let httpServer else { return otherAttributes.forEach(body) }
        httpServer.forEach(body)
        otherAttributes.forEach { key, value in
            if httpServer.attribute(key) == nil { body(key, value) }
        }
    }

    /// Equal when every field and every attribute is, whether the attributes are held typed or not.
    public static func == (lhs: SpanRecord, rhs: SpanRecord) -> Bool {
        lhs.traceIDHigh == rhs.traceIDHigh && lhs.traceIDLow == rhs.traceIDLow && lhs.spanID == rhs.spanID
            && lhs.parentSpanID == rhs.parentSpanID && lhs.operationName == rhs.operationName && lhs.kind == rhs.kind
            && lhs.startNanosecondsSinceEpoch == rhs.startNanosecondsSinceEpoch
            && lhs.endNanosecondsSinceEpoch == rhs.endNanosecondsSinceEpoch && lhs.status == rhs.status
            && lhs.events == rhs.events && lhs.links == rhs.links
            && (lhs.httpServer == rhs.httpServer && lhs.otherAttributes == rhs.otherAttributes || lhs.attributes == rhs.attributes)
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
        bytes += Self.estimatedBytes(of: otherAttributes)
        if let httpServer {
            bytes += httpServer.estimatedBytes
            // A key in both is held once in `attributes`.
            otherAttributes.forEach { key, value in
                if httpServer.attribute(key) != nil { bytes -= Self.estimatedBytes(key: key, value: value) }
            }
        }
        for event in events { bytes += 48 + event.name.utf8.count + Self.estimatedBytes(of: event.attributes) }
        return bytes
    }

    private static func estimatedBytes(of attributes: SpanAttributes) -> Int {
        var bytes = 0
        attributes.forEach { key, value in bytes += estimatedBytes(key: key, value: value) }
        return bytes
    }

    /// One attribute's share: a dictionary entry's overhead, its key and its value's text or elements.
    static func estimatedBytes(key: String, value: SpanAttribute) -> Int {
        let bytes = 64 + key.utf8.count
        switch value {
        case .string(let text): return bytes + text.utf8.count
        case .stringArray(let texts): return bytes + texts.reduce(32) { $0 + 16 + $1.utf8.count }
        case .int32Array(let values): return bytes + 32 + values.count * 4
        case .int64Array(let values): return bytes + 32 + values.count * 8
        case .doubleArray(let values): return bytes + 32 + values.count * 8
        case .boolArray(let values): return bytes + 32 + values.count
        case .stringConvertible(let value): return bytes + 32 + value.description.utf8.count
        case .stringConvertibleArray(let values): return bytes + values.reduce(32) { $0 + 48 + $1.description.utf8.count }
        default: return bytes
        }
    }
}
