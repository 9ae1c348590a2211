import Spyglass
@_spi(Locking) import SpyglassCore

/// The assistant's answers by question, kept for a minute, counted in `cache_hits_total{cache="answers"}` and
/// `cache_misses_total{cache="answers"}`: the demo's cache, so the cache views and alerts have data.
final class AnswerCache: Sendable {
    private struct Entry {
        let answer: ChatAnswer
        let expires: ContinuousClock.Instant
    }

    private let entries = Locked<[String: Entry]>([:])
    private let metrics: CacheMetrics
    /// How many answers are kept; a full cache starts again empty.
    private static let capacity = 256

    init(metrics: CacheMetrics) {
        self.metrics = metrics
    }

    /// The cached answer to `question`, or `make`'s, which is then kept.
    func answer(_ question: String, make: () async throws -> ChatAnswer) async throws -> ChatAnswer {
        let now = ContinuousClock.now
        let cached = await metrics.lookup("answers") {
            entries.withLock { $0[question].flatMap { $0.expires > now ? $0.answer : nil } }
        }
        if let cached { return cached }
        let answer = try await make()
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[question] = Entry(answer: answer, expires: now + .seconds(60))
        }
        return answer
    }
}
