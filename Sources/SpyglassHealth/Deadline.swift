@_spi(Locking) import SpyglassCore

/// Runs work for at most a given time, returning when the time is up even if the work does not stop: a check
/// blocked on a dependency that accepted a connection and never answers must not hold up the health report.
enum Deadline {
    /// `operation`'s result, or `nil` when `timeout` passed first (the operation is then cancelled and left to end
    /// on its own).
    static func run<Value: Sendable>(
        _ timeout: Duration,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value?, any Error>) in
            let race = Race(continuation)
            let timer = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                race.timeOut()
            }
            race.started(Task {
                do {
                    race.finish(.success(try await operation()))
                } catch {
                    race.finish(.failure(error))
                }
                timer.cancel()
            })
        }
    }
}

/// The work and the timer, of which the first to finish resumes the caller.
private final class Race<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value?, any Error>?
        var work: Task<Void, Never>?
        var timedOut = false
    }

    private let state: Locked<State>

    init(_ continuation: CheckedContinuation<Value?, any Error>) {
        state = Locked(State(continuation: continuation))
    }

    /// Keeps the work's task, to cancel it if the time is (or already was) up.
    func started(_ work: Task<Void, Never>) {
        let timedOut = state.withLock { state in
            state.work = work
            return state.timedOut
        }
        if timedOut { work.cancel() }
    }

    func finish(_ result: Result<Value, any Error>) {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: result.map { Optional($0) })
    }

    func timeOut() {
        let (continuation, work) = state.withLock { state in
            defer { state.continuation = nil }
            if state.continuation != nil { state.timedOut = true }
            return (state.continuation, state.work)
        }
        guard let continuation else { return }
        continuation.resume(returning: nil)
        work?.cancel()
    }
}
