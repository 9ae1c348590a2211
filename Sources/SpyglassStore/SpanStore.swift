import Synchronization

/// The most recent finished spans, bounded by count: when full, the oldest span makes room for the newest.
///
/// Appending takes one uncontended lock and copies one record into a preallocated ring, so recording a span
/// never allocates storage and memory stays flat however long the service runs.
public final class SpanStore: Sendable {
    private struct Ring {
        var slots: [SpanRecord?]
        var next = 0
        var count = 0
        var evicted = 0
    }

    /// How many spans the store keeps.
    public let capacity: Int
    private let ring: Mutex<Ring>

    /// Creates a store keeping the last `capacity` spans (at least 1). Default 10,000, as .NET Aspire's
    /// dashboard keeps.
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
        ring = Mutex(Ring(slots: Array(repeating: nil, count: max(1, capacity))))
    }

    /// Keeps `span`, evicting the oldest one when the store is full.
    public func append(_ span: SpanRecord) {
        ring.withLock { ring in
            if ring.count == capacity { ring.evicted += 1 } else { ring.count += 1 }
            ring.slots[ring.next] = span
            ring.next = ring.next + 1 == capacity ? 0 : ring.next + 1
        }
    }

    /// The spans kept, oldest first.
    public func spans() -> [SpanRecord] {
        ring.withLock { ring in
            var spans: [SpanRecord] = []
            spans.reserveCapacity(ring.count)
            let first = (ring.next - ring.count + capacity) % capacity
            for offset in 0..<ring.count {
                if let span = ring.slots[(first + offset) % capacity] { spans.append(span) }
            }
            return spans
        }
    }

    /// The spans of one trace, oldest first.
    public func spans(traceIDHigh: UInt64, traceIDLow: UInt64) -> [SpanRecord] {
        spans().filter { $0.traceIDHigh == traceIDHigh && $0.traceIDLow == traceIDLow }
    }

    /// How many spans the store holds.
    public var count: Int { ring.withLock { $0.count } }

    /// How many spans were evicted to make room for newer ones.
    public var evicted: Int { ring.withLock { $0.evicted } }
}
