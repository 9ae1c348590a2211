@_spi(Locking) import SpyglassCore

/// The jobs of one ``JobTelemetry`` still running, so graceful shutdown can wait for them and cancel the rest.
///
/// A job counts as running from before its task starts until its span has ended, so what a finished job recorded
/// is all handed to the exporters before they stop.
final class RunningJobs: Sendable {
    private struct State {
        var nextID: UInt64 = 0
        /// The running jobs, with how to cancel each once its task exists.
        var jobs: [UInt64: (@Sendable () -> Void)?] = [:]
        var idleWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]

        mutating func makeID() -> UInt64 {
            nextID += 1
            return nextID
        }
    }

    private let state = Locked(State())

    var count: Int { state.withLock { $0.jobs.count } }

    /// Counts a job as running; call ``attach(_:cancel:)`` once its task exists and ``end(_:)`` when it is over.
    func begin() -> UInt64 {
        state.withLock { state in
            let id = state.makeID()
            state.jobs[id] = .some(nil)
            return id
        }
    }

    /// Records how to cancel job `id`, unless it has already ended.
    func attach(_ id: UInt64, cancel: @escaping @Sendable () -> Void) {
        state.withLock { state in
            if state.jobs[id] != nil { state.jobs[id] = cancel }
        }
    }

    func end(_ id: UInt64) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.jobs[id] = nil
            guard state.jobs.isEmpty else { return [] }
            defer { state.idleWaiters = [:] }
            return Array(state.idleWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Cancels every running job's task.
    ///
    /// - Returns: how many were cancelled.
    func cancelAll() -> Int {
        let cancellers = state.withLock { state in state.jobs.values.compactMap { $0 } }
        for cancel in cancellers { cancel() }
        return cancellers.count
    }

    /// Waits until no job is running, or `timeout` has passed.
    ///
    /// - Returns: whether no job is running.
    func waitUntilIdle(for timeout: Duration) async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntilIdle() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return count == 0
    }

    /// Returns when no job is running, or when the calling task is cancelled.
    private func waitUntilIdle() async {
        let id = state.withLock { $0.makeID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    guard state.jobs.isEmpty || Task.isCancelled else {
                        state.idleWaiters[id] = continuation
                        return false
                    }
                    return true
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.idleWaiters.removeValue(forKey: id) }?.resume()
        }
    }
}
