/// Bucket bounds for histograms.
public enum HistogramBuckets {
    /// Seconds, 5 ms to 10 s: OpenTelemetry's HTTP semantic conventions' advice for request durations and the
    /// default for every histogram, including swift-metrics `Timer`s and `Recorder`s.
    public static let seconds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]

    /// Sizes in bytes, 100 B to 100 MB by powers of ten, for request and response sizes.
    public static let bytes: [Double] = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// Seconds, for LLM calls and agent runs: 0.1 s to 2 minutes.
    public static let llmSeconds: [Double] = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120]

    /// Seconds, for background jobs: 100 ms to 30 minutes.
    public static let jobSeconds: [Double] = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800]

    /// The `le` label value a bucket bound is exposed with (`0.5`, `1.0`, `+Inf`): what a PromQL selector of one
    /// bucket must match exactly.
    public static func label(for bound: Double) -> String {
        String(decoding: bound.bucketLabel, as: UTF8.self)
    }

    /// Why `bounds` cannot be used, or `nil` when they are finite and strictly ascending.
    static func problem(with bounds: [Double]) -> String? {
        guard bounds.allSatisfy(\.isFinite) else { return "bucket bounds must be finite (+Inf is always added)" }
        guard zip(bounds, bounds.dropFirst()).allSatisfy({ $0 < $1 }) else { return "bucket bounds must be strictly ascending" }
        return nil
    }
}
