/// Times operations the way seed 000's `track_operation` decorator does: a duration histogram and a counter
/// labelled with the outcome, thrown errors included.
///
/// ```swift
/// let bundles = OperationMetrics(registry: registry, domain: "bundle")
/// try await bundles.track("export") { try await exportBundle(id) }
/// // bundle_operations_total{operation="export",status="success"} 1
/// // bundle_operation_duration_seconds_bucket{operation="export",le="0.005"} 1 …
/// ```
public struct OperationMetrics: Sendable {
    private let total: CounterFamily
    private let duration: HistogramFamily

    /// Declares `{domain}_operations_total{operation,status}` and `{domain}_operation_duration_seconds{operation}`.
    public init(registry: MetricRegistry, domain: String) {
        total = registry.counter(
            "\(domain)_operations_total",
            help: "\(domain) operations by outcome (success or error).",
            labels: ["operation", "status"]
        )
        duration = registry.histogram(
            "\(domain)_operation_duration_seconds",
            help: "Time \(domain) operations took, failed ones included.",
            unit: "seconds",
            labels: ["operation"]
        )
    }

    /// Runs `body`, recording its duration and outcome; errors are recorded and rethrown.
    public func track<Result>(_ operation: String, _ body: () async throws -> Result) async rethrows -> Result {
        let start = ContinuousClock.now
        do {
            let result = try await body()
            record(operation, status: "success", since: start)
            return result
        } catch {
            record(operation, status: "error", since: start)
            throw error
        }
    }

    private func record(_ operation: String, status: String, since start: ContinuousClock.Instant) {
        duration.labels(operation).observe(ContinuousClock.now - start)
        total.labels(operation, status).increment()
    }
}

/// Database query metrics with the seeds' names: `db_queries_total{operation,table}` and
/// `db_query_duration_seconds{operation,table}`.
public struct DatabaseMetrics: Sendable {
    private let total: CounterFamily
    private let duration: HistogramFamily

    /// Declares the two metrics in `registry`.
    public init(registry: MetricRegistry) {
        total = registry.counter(StandardMetrics.dbQueries)
        duration = registry.histogram(StandardMetrics.dbQueryDuration)
    }

    /// Runs `body` (one query), counting it and timing it, also when it throws.
    public func track<Result>(_ operation: String, table: String, _ body: () async throws -> Result) async rethrows -> Result {
        let start = ContinuousClock.now
        defer {
            duration.labels(operation, table).observe(ContinuousClock.now - start)
            total.labels(operation, table).increment()
        }
        return try await body()
    }
}

/// Cache effectiveness with the seeds' names: `cache_hits_total{cache}` and `cache_misses_total{cache}`;
/// the hit rate is `hits / (hits + misses)`.
public struct CacheMetrics: Sendable {
    private let hits: CounterFamily
    private let misses: CounterFamily

    /// Declares the two counters in `registry`.
    public init(registry: MetricRegistry) {
        hits = registry.counter(StandardMetrics.cacheHits)
        misses = registry.counter(StandardMetrics.cacheMisses)
    }

    /// Counts a hit in `cache`.
    public func hit(_ cache: String) { hits.labels(cache).increment() }

    /// Counts a miss in `cache`.
    public func miss(_ cache: String) { misses.labels(cache).increment() }

    /// Runs the lookup `body` and counts a hit when it returns a value, a miss when it returns `nil`.
    public func lookup<Value>(_ cache: String, _ body: () async throws -> Value?) async rethrows -> Value? {
        let value = try await body()
        if value == nil { miss(cache) } else { hit(cache) }
        return value
    }
}
