public import SpyglassLogging
@_spi(Locking) import SpyglassCore

/// Errors of one kind from one place: what the built-in dashboard shows instead of Sentry's issues.
public struct ErrorGroup: Sendable, Equatable {
    /// The error's type (`error.type`), or `log` for an error line that named none.
    public let type: String
    /// Where it happened: the log call's `file:line`, or the `error.source` the line named (the route, for an
    /// error a request handler threw).
    public let source: String
    /// How many times it happened since the service started (or the group was first seen again after eviction).
    public internal(set) var count: Int
    public internal(set) var firstSeenNanoseconds: UInt64
    public internal(set) var lastSeenNanoseconds: UInt64
    /// The latest occurrence's message, redacted as its log line was, at most ``ErrorGroups/messageLimit`` bytes.
    public internal(set) var message: String
    /// The logger label of the latest occurrence.
    public internal(set) var logger: String
    /// The latest occurrence's trace that had one, as 32 hex digits.
    public internal(set) var sampleTraceID: String?
}

/// Errors grouped by type and source, with counts, first and last seen and a sample trace.
///
/// Bounded by the number of groups: when full, the group seen least recently makes room.
public final class ErrorGroups: ErrorLineSink {
    private struct Key: Hashable {
        let type: String
        let source: String
    }

    /// The most groups kept. Default 500.
    public let capacity: Int
    /// The most bytes of a message kept.
    public static let messageLimit = 512
    private let groups: Locked<[Key: ErrorGroup]>

    public init(capacity: Int = 500) {
        self.capacity = max(1, capacity)
        groups = Locked([:])
    }

    /// Counts one occurrence.
    public func record(_ line: ErrorLine) {
        let type = line.type
        let logger = line.entry.label
        let traceID = line.traceID
        let timestampNanoseconds = line.entry.nanosecondsSinceEpoch
        let key = Key(type: type, source: line.source)
        let message = line.message.prefix(utf8Bytes: Self.messageLimit)
        groups.withLock { groups in
            if var group = groups[key] {
                group.count += 1
                group.lastSeenNanoseconds = max(group.lastSeenNanoseconds, timestampNanoseconds)
                group.message = message
                group.logger = logger
                if let traceID { group.sampleTraceID = traceID }
                groups[key] = group
                return
            }
            if groups.count >= capacity, let stalest = groups.min(by: { $0.value.lastSeenNanoseconds < $1.value.lastSeenNanoseconds }) {
                groups[stalest.key] = nil
            }
            groups[key] = ErrorGroup(
                type: type, source: line.source, count: 1, firstSeenNanoseconds: timestampNanoseconds,
                lastSeenNanoseconds: timestampNanoseconds, message: message, logger: logger, sampleTraceID: traceID
            )
        }
    }

    /// Every group, the most recently seen first.
    public func all() -> [ErrorGroup] {
        groups.withLock { Array($0.values) }.sorted {
            ($0.lastSeenNanoseconds, $0.count, $0.type, $0.source) > ($1.lastSeenNanoseconds, $1.count, $1.type, $1.source)
        }
    }
}
