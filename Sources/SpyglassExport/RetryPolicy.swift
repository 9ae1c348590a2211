/// How long to wait before sending a failed batch again: exponential backoff with jitter, as the OTLP exporter
/// specification asks, with OpenTelemetry Java's numbers (5 attempts, 1 s first, ×1.5, at most 5 s apart).
@_spi(Export)
public struct RetryPolicy: Sendable {
    public var maxAttempts = 5
    public var initialBackoff: Duration = .seconds(1)
    public var multiplier = 1.5
    public var maxBackoff: Duration = .seconds(5)
    /// The longest a collector's `Retry-After` is followed; a longer one means the batch is lost.
    public var maxAdvisedDelay: Duration = .seconds(30)

    /// The specification's policy, with the numbers above.
    public init() {}

    /// The wait after `attempt` failed attempts (1 after the first), `nil` when no attempt is left. The collector's
    /// advice wins when given; else a random share of 80–120% of the backoff, so that many exporters do not retry in
    /// step.
    public func delay(afterAttempt attempt: Int, advised: Duration?) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        if let advised { return advised <= maxAdvisedDelay ? advised : nil }
        var backoff = initialBackoff
        for _ in 1..<attempt { backoff = min(backoff * multiplier, maxBackoff) }
        return backoff * Double.random(in: 0.8...1.2)
    }
}
