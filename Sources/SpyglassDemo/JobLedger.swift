/// The demo's jobs as data: kept in creation order, bounded, and read a page at a time, so that a demo running for
/// days (about 400,000 jobs a day under `--traffic`) holds and answers the same amount.
///
/// Jobs in progress are all kept, up to ``activeLimit``; ended ones (completed, failed, cancelled) are kept up to
/// ``endedCapacity``, and the one that ended first makes room.
struct JobLedger: Sendable {
    /// The most ended jobs kept. Default 1,000.
    let endedCapacity: Int
    /// The most jobs queued or running at once; more are refused. Default 100.
    let activeLimit: Int

    private var entries: [String: Entry] = [:]
    /// Ids by creation, oldest first: sequences ascend along it.
    private var order: [(sequence: Int, id: String)] = []
    /// Ids of ended jobs by the time they ended, oldest first, from ``endedHead`` on.
    private var ended: [String] = []
    private var endedHead = 0
    private var nextSequence = 1
    private(set) var activeCount = 0

    private struct Entry {
        var job: Job
        let sequence: Int
    }

    /// A page of jobs, newest first, and where the next page starts.
    struct Page {
        let jobs: [Job]
        /// Pass as `cursor` for the jobs after these; `nil` on the last page.
        let nextCursor: Int?
    }

    struct LimitReached: Error, CustomStringConvertible {
        let limit: Int
        var description: String { "\(limit) jobs are already queued or running; try again when one has ended" }
    }

    init(endedCapacity: Int = 1_000, activeLimit: Int = 100) {
        precondition(endedCapacity >= 0 && activeLimit >= 1)
        self.endedCapacity = endedCapacity
        self.activeLimit = activeLimit
    }

    var count: Int { entries.count }

    /// How many elements the ledger's collections hold: what its memory grows with.
    var storedElements: Int { entries.count + order.count + ended.count }

    func job(_ id: String) -> Job? { entries[id]?.job }

    /// Adds a job that has not ended.
    mutating func insert(_ job: Job) throws(LimitReached) {
        guard activeCount < activeLimit else { throw LimitReached(limit: activeLimit) }
        entries[job.id] = Entry(job: job, sequence: nextSequence)
        order.append((nextSequence, job.id))
        nextSequence += 1
        activeCount += 1
    }

    /// Applies `change` to the job `id`; when the job ends, older ended jobs past the capacity are dropped.
    mutating func update(_ id: String, _ change: (inout Job) -> Void) {
        guard var entry = entries[id] else { return }
        let wasActive = !entry.job.status.hasEnded
        change(&entry.job)
        entries[id] = entry
        guard wasActive, entry.job.status.hasEnded else { return }
        activeCount -= 1
        ended.append(id)
        while ended.count - endedHead > endedCapacity {
            remove(ended[endedHead])
            endedHead += 1
        }
        // Drop the evicted prefix once it is as long as what is kept, so the array stays within twice the capacity.
        if endedHead > 0, endedHead >= ended.count - endedHead {
            ended.removeFirst(endedHead)
            endedHead = 0
        }
    }

    /// Up to `limit` jobs, newest first, starting after the job whose sequence is `cursor` (from the newest when
    /// `nil`).
    func page(limit: Int, cursor: Int?) -> Page {
        // Everything before the cursor's position is older than it.
        let end = cursor.map(position(of:)) ?? order.count
        let start = max(0, end - limit)
        let jobs = order[start..<end].reversed().compactMap { entries[$0.id]?.job }
        return Page(jobs: jobs, nextCursor: start > 0 ? order[start].sequence : nil)
    }

    private mutating func remove(_ id: String) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        let position = position(of: entry.sequence)
        if position < order.count, order[position].sequence == entry.sequence { order.remove(at: position) }
    }

    /// The first position in ``order`` whose sequence is not below `sequence` (a binary search: sequences ascend).
    private func position(of sequence: Int) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle].sequence < sequence { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension Job.Status {
    var hasEnded: Bool {
        switch self {
        case .queued, .running: false
        case .completed, .failed, .cancelled: true
        }
    }
}
