public import SpyglassLogging
public import Logging
@_spi(Locking) import SpyglassCore

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
public final class LogStore: LogLineSink {
    /// The most lines kept. Default 10,000, as .NET Aspire's dashboard keeps.
    public let capacity: Int
    /// The most bytes kept. Default 16 MiB.
    public let byteLimit: Int
    private let state: Locked<(ring: BoundedRing<StoredLogLine>, nextSequence: UInt64)>

    /// Creates a store keeping at most `capacity` lines (at least 1) and `byteLimit` bytes (at least 4 KiB).
    public init(capacity: Int = 10_000, byteLimit: Int = 16 * 1024 * 1024) {
        self.capacity = max(1, capacity)
        self.byteLimit = max(4096, byteLimit)
        state = Locked((BoundedRing(capacity: capacity, byteLimit: max(4096, byteLimit)), 1))
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
        state.withLock { state in
            let entry = StoredLogLine(
                sequence: state.nextSequence, timestampNanoseconds: timestampNanoseconds, level: level,
                traceIDHigh: traceIDHigh, traceIDLow: traceIDLow, requestID: requestID, line: bytes
            )
            state.nextSequence += 1
            state.ring.append(entry, cost: entry.cost)
        }
    }

    /// The lines kept, oldest first, after `sequence` when given.
    public func lines(after sequence: UInt64 = 0) -> [StoredLogLine] {
        state.withLock { state in state.ring.elements { $0.sequence > sequence } }
    }

    /// The newest lines after `sequence` that `isIncluded` accepts, newest first, at most `limit`. The scan stops at
    /// `sequence`, so a live tail asking for what is new costs what is new.
    public func newest(_ limit: Int, after sequence: UInt64 = 0, where isIncluded: @Sendable (StoredLogLine) -> Bool) -> [StoredLogLine] {
        state.withLock { state in state.ring.newest(limit, until: { $0.sequence <= sequence }, where: isIncluded) }
    }

    /// The newest lines of the trace `traceIDHigh`/`traceIDLow` written before `nanoseconds`, newest first, at most
    /// `limit`: what ``newest(_:after:where:)`` answers for that predicate, reading each line in place (the store's
    /// lock is held for the scan, while log lines wait to be stored).
    public func newest(_ limit: Int, inTrace traceIDHigh: UInt64, _ traceIDLow: UInt64, before nanoseconds: UInt64) -> [StoredLogLine] {
        state.withLock { state in state.ring.newest(limit, inTrace: traceIDHigh, traceIDLow, before: nanoseconds) }
    }

    /// The sequence number the next line will get: ask for the lines after one less to see only what follows.
    public var nextSequence: UInt64 { state.withLock { $0.nextSequence } }

    /// How many lines the store holds.
    public var count: Int { state.withLock { $0.ring.count } }

    /// What the lines held cost, in bytes (see ``StoredLogLine``).
    public var byteCount: Int { state.withLock { $0.ring.bytes } }

    /// How many lines were dropped to make room, or because they alone exceeded the byte limit.
    public var evicted: Int { state.withLock { $0.ring.evicted } }
}
