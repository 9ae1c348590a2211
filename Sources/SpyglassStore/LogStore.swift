public import Logging
import Synchronization

/// One log line as the store keeps it: the JSON line as written (redacted), and what the dashboard filters by.
public struct StoredLogLine: Sendable, Hashable {
    /// Increases by one per line appended, so a reader can ask for the lines after the last one it saw.
    public let sequence: UInt64
    public let timestampNanoseconds: UInt64
    public let level: Logger.Level
    /// The trace the line was written in; both 0 when none.
    public let traceIDHigh: UInt64
    public let traceIDLow: UInt64
    public let requestID: String?
    /// The JSON line, without its newline.
    public let line: [UInt8]

    /// What the line costs the store: its bytes and an estimate of the rest of the entry.
    var cost: Int { line.count + Self.overhead + (requestID?.utf8.count ?? 0) }

    /// The entry's fields, the array's header and its slot in the ring, on 64-bit platforms.
    static let overhead = 112
}

/// The most recent log lines, bounded by count and by bytes: when either bound is reached, the oldest lines make
/// room for the newest.
///
/// Bytes are the lines' own plus an estimate of each entry's overhead (``StoredLogLine``'s fields and array
/// header, 112 bytes), so the store's memory stays within ``byteLimit`` plus the ring of ``capacity`` slots.
public final class LogStore: Sendable {
    private struct Ring {
        var slots: [StoredLogLine?]
        var first = 0
        var count = 0
        var bytes = 0
        var evicted = 0
        var nextSequence: UInt64 = 1
    }

    /// The most lines kept. Default 10,000, as .NET Aspire's dashboard keeps.
    public let capacity: Int
    /// The most bytes kept. Default 16 MiB.
    public let byteLimit: Int
    private let ring: Mutex<Ring>

    /// Creates a store keeping at most `capacity` lines (at least 1) and `byteLimit` bytes (at least 4 KiB).
    public init(capacity: Int = 10_000, byteLimit: Int = 16 * 1024 * 1024) {
        self.capacity = max(1, capacity)
        self.byteLimit = max(4096, byteLimit)
        ring = Mutex(Ring(slots: Array(repeating: nil, count: max(1, capacity))))
    }

    /// Keeps a line, evicting the oldest ones until both bounds hold. A line larger than the whole byte limit is
    /// not kept (and counted as evicted).
    public func append(
        line: UnsafeRawBufferPointer,
        timestampNanoseconds: UInt64,
        level: Logger.Level,
        traceIDHigh: UInt64 = 0,
        traceIDLow: UInt64 = 0,
        requestID: String? = nil
    ) {
        let bytes = Array(line)
        ring.withLock { ring in
            let entry = StoredLogLine(
                sequence: ring.nextSequence, timestampNanoseconds: timestampNanoseconds, level: level,
                traceIDHigh: traceIDHigh, traceIDLow: traceIDLow, requestID: requestID, line: bytes
            )
            ring.nextSequence += 1
            guard entry.cost <= byteLimit else {
                ring.evicted += 1
                return
            }
            while ring.count == capacity || ring.bytes + entry.cost > byteLimit {
                let oldest = ring.slots[ring.first]
                ring.slots[ring.first] = nil
                ring.bytes -= oldest?.cost ?? 0
                ring.first = (ring.first + 1) % capacity
                ring.count -= 1
                ring.evicted += 1
            }
            ring.slots[(ring.first + ring.count) % capacity] = entry
            ring.count += 1
            ring.bytes += entry.cost
        }
    }

    /// The lines kept, oldest first, after `sequence` when given.
    public func lines(after sequence: UInt64 = 0) -> [StoredLogLine] {
        ring.withLock { ring in
            var lines: [StoredLogLine] = []
            lines.reserveCapacity(ring.count)
            for offset in 0..<ring.count {
                if let line = ring.slots[(ring.first + offset) % capacity], line.sequence > sequence { lines.append(line) }
            }
            return lines
        }
    }

    /// How many lines the store holds.
    public var count: Int { ring.withLock { $0.count } }

    /// What the lines held cost, in bytes (see ``StoredLogLine``).
    public var byteCount: Int { ring.withLock { $0.bytes } }

    /// How many lines were dropped to make room, or because they alone exceeded the byte limit.
    public var evicted: Int { ring.withLock { $0.evicted } }
}
