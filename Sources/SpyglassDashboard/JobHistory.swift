public import SpyglassJobs
@_spi(Locking) import SpyglassCore

/// One background job as the dashboard shows it.
public struct JobEntry: Sendable, Equatable {
    /// How the job stands: `running`, or how it ended (`completed`, `failed`, `cancelled`).
    public var status: String
    public let id: String
    public let type: String
    /// The job's own trace, as 32 hex digits.
    public let traceID: String?
    public let startedNanoseconds: UInt64
    public var endedNanoseconds: UInt64?
    /// The last progress reported, 0 to 1.
    public var progress: Double?
    /// Why a failed job failed: its error's type.
    public var errorType: String?

    public init(id: String, type: String, traceID: String?, startedNanoseconds: UInt64) {
        status = "running"
        self.id = id
        self.type = type
        self.traceID = traceID
        self.startedNanoseconds = startedNanoseconds
    }
}

/// The jobs running now and the most recent ones that ended, bounded by count: the oldest ended jobs make room.
public final class JobHistory: JobSink {
    private struct State {
        var running: [String: JobEntry] = [:]
        var ended: BoundedRing<JobEntry>
    }

    /// How many ended jobs are kept. Default 500.
    public let capacity: Int
    /// How many running jobs are followed; more run untracked (their metrics and logs are still written).
    public static let runningLimit = 10_000
    private let state: Locked<State>

    public init(capacity: Int = 500) {
        self.capacity = max(1, capacity)
        state = Locked(State(ended: BoundedRing(capacity: capacity, byteLimit: .max)))
    }

    /// Records that a job began.
    public func started(id: String, type: String, traceID: String?, startedNanoseconds: UInt64) {
        let entry = JobEntry(id: id, type: type, traceID: traceID, startedNanoseconds: startedNanoseconds)
        state.withLock { state in
            guard state.running.count < Self.runningLimit else { return }
            state.running[entry.id] = entry
        }
    }

    /// Records progress of a running job.
    public func progressed(id: String, fraction: Double) {
        state.withLock { $0.running[id]?.progress = fraction }
    }

    /// Records how a running job ended.
    public func ended(id: String, status: String, errorType: String?, endedNanoseconds: UInt64) {
        state.withLock { state in
            guard var entry = state.running.removeValue(forKey: id) else { return }
            entry.status = status
            entry.errorType = errorType
            entry.endedNanoseconds = endedNanoseconds
            state.ended.append(entry, cost: 0)
        }
    }

    /// The running jobs, the longest running first.
    public func running() -> [JobEntry] {
        state.withLock { Array($0.running.values) }.sorted { ($0.startedNanoseconds, $0.id) < ($1.startedNanoseconds, $1.id) }
    }

    /// The jobs that ended, the latest first, at most `limit`.
    public func ended(limit: Int) -> [JobEntry] {
        state.withLock { $0.ended.newest(limit) }
    }
}
