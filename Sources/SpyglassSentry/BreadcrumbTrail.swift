import Logging
@_spi(Locking) import SpyglassCore

/// The breadcrumbs added with ``SentryReporter/addBreadcrumb(_:category:level:data:)``: the newest ``capacity`` of
/// them, each kept under the unit of work it was added in, so an event takes only its own.
///
/// The unit of work is the task-local one: the active span's trace, else the bound request id, else none (work
/// outside any request or job, whose breadcrumbs go to events outside any too, like Sentry's global scope). Adding
/// one takes the lock for an append into a ring allocated once; texts are cut when added and redacted when an event
/// is built, off the caller's path.
final class BreadcrumbTrail: Sendable {
    /// The most breadcrumbs kept, across every request and job.
    static let capacity = 1_000
    /// The longest message kept, in UTF-8 bytes; the most `data` entries kept.
    static let messageLimit = 1_024
    static let dataLimit = 16

    /// The unit of work a breadcrumb or an event belongs to.
    enum Scope: Hashable, Sendable {
        case trace(high: UInt64, low: UInt64)
        case request(String)
        case none

        init(traceID: (high: UInt64, low: UInt64)?, requestID: String?) {
            if let traceID {
                self = .trace(high: traceID.high, low: traceID.low)
            } else if let requestID {
                self = .request(requestID)
            } else {
                self = .none
            }
        }
    }

    struct Crumb: Sendable {
        let scope: Scope
        let nanosecondsSinceEpoch: UInt64
        let category: String
        let level: Logger.Level
        let message: String
        let data: [String: String]
    }

    private struct Ring: ~Copyable {
        var crumbs: [Crumb] = []
        var next = 0
    }

    private let ring = Locked(Ring())

    func add(_ crumb: Crumb) {
        ring.withLock { ring in
            if ring.crumbs.count < Self.capacity {
                if ring.crumbs.isEmpty { ring.crumbs.reserveCapacity(Self.capacity) }
                ring.crumbs.append(crumb)
            } else {
                ring.crumbs[ring.next] = crumb
            }
            ring.next = (ring.next + 1) % Self.capacity
        }
    }

    /// At most `limit` breadcrumbs of `scope` added before `nanoseconds`, oldest first.
    func crumbs(of scope: Scope, before nanoseconds: UInt64, limit: Int) -> [Crumb] {
        var found = ring.withLock { ring in
            ring.crumbs.filter { $0.scope == scope && $0.nanosecondsSinceEpoch <= nanoseconds }
        }
        found.sort { $0.nanosecondsSinceEpoch < $1.nanosecondsSinceEpoch }
        return Array(found.suffix(limit))
    }

    /// `data` with at most ``dataLimit`` entries (the first by key), keys cut at 64 bytes and values at
    /// ``messageLimit``.
    static func bounded(_ data: [String: String]) -> [String: String] {
        let kept = data.count > dataLimit ? Array(data.sorted { $0.key < $1.key }.prefix(dataLimit)) : Array(data)
        return Dictionary(kept.map { ($0.key.prefix(utf8Bytes: 64), $0.value.prefix(utf8Bytes: messageLimit)) }, uniquingKeysWith: { first, _ in first })
    }
}
