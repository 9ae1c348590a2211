@_spi(Locking) import SpyglassCore

/// When each reason's next loss warning is due, and how many losses it has to report: a collector that is down
/// fails every batch, and the log keeps one line per reason and interval saying how many, not one per batch.
final class DropWarnings: Sendable {
    private struct Pending {
        var lastWarning: ContinuousClock.Instant?
        var unreported = 0
    }

    private let interval: Duration
    private let state = Locked<[ExportDropCounter.Reason: Pending]>([:])

    init(interval: Duration) {
        self.interval = interval
    }

    /// Adds `items` to `reason`'s unreported losses; returns them all when a warning is due (the first loss, then
    /// once per interval), else `nil`.
    func due(_ reason: ExportDropCounter.Reason, adding items: Int) -> Int? {
        let now = ContinuousClock.now
        return state.withLock { state in
            var pending = state[reason, default: Pending()]
            pending.unreported += items
            var report: Int?
            if pending.lastWarning.map({ now - $0 >= interval }) ?? true {
                report = pending.unreported
                pending.unreported = 0
                pending.lastWarning = now
            }
            state[reason] = pending
            return report
        }
    }
}
