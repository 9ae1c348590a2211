@_spi(Locking) import SpyglassCore

/// When the Sentry server lets error events through again: what its `429` and `X-Sentry-Rate-Limits` answers
/// said. Events captured before then are counted lost (`rate_limited`) without being sent, as Sentry's own SDKs do.
final class SentryRateLimits: Sendable {
    /// The longest wait a server's answer is taken for: a larger one is read as this.
    static let longestWait: Duration = .seconds(3600)
    /// The wait a `429` without advice stands for (Sentry's SDKs' default).
    static let defaultWait: Duration = .seconds(60)

    private let errorsLimitedUntil = Locked<ContinuousClock.Instant?>(nil)

    /// Whether error events are held back now.
    var isLimited: Bool {
        guard let until = errorsLimitedUntil.withLock({ $0 }) else { return false }
        return ContinuousClock.now < until
    }

    /// Takes a response's `X-Sentry-Rate-Limits` and, for a `429` without it, `Retry-After`. Returns the wait now
    /// in force for error events, if any.
    @discardableResult
    func update(status: UInt, rateLimits: String?, retryAfter: String?) -> Duration? {
        var wait: Duration?
        if let rateLimits {
            wait = Self.errorWait(in: rateLimits)
        } else if status == 429 {
            wait = retryAfter.flatMap(Self.seconds) ?? Self.defaultWait
        }
        guard let wait, wait > .zero else { return nil }
        let until = ContinuousClock.now + wait
        errorsLimitedUntil.withLock { current in
            if current.map({ $0 < until }) ?? true { current = until }
        }
        return wait
    }

    /// The longest wait among the quotas of `header` that cover error events: `retry_after:categories:scope[:…]`,
    /// comma-separated, where no category means every category and `error` or `default` means events.
    static func errorWait(in header: String) -> Duration? {
        var longest: Duration?
        for quota in header.split(separator: ",") {
            let parts = quota.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2, let wait = seconds(String(parts[0])) else { continue }
            let categories = parts[1].split(separator: ";").map { $0.trimmingWhitespace() }
            guard categories.isEmpty || categories.contains("error") || categories.contains("default") else { continue }
            longest = max(longest ?? .zero, wait)
        }
        return longest
    }

    /// Whole or fractional seconds, 0 up to ``longestWait`` (larger is taken as that); `nil` for anything else.
    private static func seconds(_ text: String) -> Duration? {
        guard let value = Double(text.trimmingWhitespace()), value.isFinite, value >= 0 else { return nil }
        return min(.seconds(value), longestWait)
    }
}
