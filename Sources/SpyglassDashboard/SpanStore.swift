public import SpyglassTracing
@_spi(Locking) import SpyglassCore

/// The most recent finished spans, bounded by count and by bytes: when either bound is reached, the oldest spans
/// make room for the newest.
///
/// Bytes are an estimate of each record's memory (``SpanRecord/estimatedBytes``): its fixed fields, its name,
/// and its attributes' and events' keys and text. Appending takes one lock and moves the record into a
/// preallocated ring, so memory stays flat however long the service runs.
public final class SpanStore: SpanSink {
    /// How many spans the store keeps. Default 10,000, as .NET Aspire's dashboard keeps.
    public let capacity: Int
    /// The most bytes the spans kept may cost. Default 32 MiB.
    public let byteLimit: Int
    private let ring: Locked<BoundedRing<SpanRecord>>

    /// Creates a store keeping at most `capacity` spans (at least 1) costing at most `byteLimit` bytes (at least
    /// 4 KiB).
    public init(capacity: Int = 10_000, byteLimit: Int = 32 * 1024 * 1024) {
        self.capacity = max(1, capacity)
        self.byteLimit = max(4096, byteLimit)
        ring = Locked(BoundedRing(capacity: capacity, byteLimit: max(4096, byteLimit)))
    }

    /// Keeps `span`, evicting the oldest spans until both bounds hold. A span larger than the whole byte limit is
    /// not kept (and counted as evicted).
    public func append(_ span: SpanRecord) {
        let cost = span.estimatedBytes
        ring.withLock { $0.append(span, cost: cost) }
    }

    /// The spans kept, oldest first.
    public func spans() -> [SpanRecord] {
        ring.withLock { $0.elements() }
    }

    /// The spans of one trace, oldest first.
    public func spans(traceIDHigh: UInt64, traceIDLow: UInt64) -> [SpanRecord] {
        ring.withLock { $0.elements { $0.traceIDHigh == traceIDHigh && $0.traceIDLow == traceIDLow } }
    }

    /// The newest spans `isIncluded` accepts, newest first, at most `limit`.
    public func newest(_ limit: Int, where isIncluded: @Sendable (SpanRecord) -> Bool) -> [SpanRecord] {
        ring.withLock { $0.newest(limit, where: isIncluded) }
    }

    /// How many spans the store holds.
    public var count: Int { ring.withLock { $0.count } }

    /// What the spans held cost, in bytes (see ``SpanRecord/estimatedBytes``).
    public var byteCount: Int { ring.withLock { $0.bytes } }

    /// How many spans were dropped to make room, or because they alone exceeded the byte limit.
    public var evicted: Int { ring.withLock { $0.evicted } }
}
