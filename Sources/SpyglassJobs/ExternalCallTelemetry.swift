public import Logging
public import SpyglassMetrics
import SpyglassCore
import Tracing

/// Tracks calls to third-party APIs (a search service, an image generator) by provider and operation:
/// `external_api_calls_total{provider,operation,status}` (`success` or `error`),
/// `external_api_duration_seconds{provider,operation}`, an `external_api_call` log line, and a client span
/// `{provider} {operation}` under which the HTTP client's own span nests.
///
/// ```swift
/// let results = try await externalCalls.track(provider: "serpapi", operation: "search") {
///     try await search(query)
/// }
/// ```
///
/// LLM calls have their own telemetry (``LLMTelemetry``) and are not counted here.
public final class ExternalCallTelemetry: Sendable {
    private let calls: CounterFamily
    private let duration: HistogramFamily
    private let logger: Logger

    /// - Parameters:
    ///   - metrics: where the `external_api_*` metrics are declared.
    ///   - logger: where each call is logged (`info`; `warning` when it failed); default label `spyglass.external`.
    public init(metrics: MetricRegistry, logger: Logger = Logger(label: "spyglass.external")) {
        calls = metrics.counter(StandardMetrics.externalAPICalls)
        duration = metrics.histogram(StandardMetrics.externalAPIDuration)
        self.logger = logger
    }

    /// Runs `body` as one call of `operation` on `provider`; an error it throws counts as `error` and is rethrown.
    public func track<Result>(
        provider: String,
        operation: String,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let start = ContinuousClock.now
        return try await withSpan("\(provider) \(operation)", ofKind: .client, isolation: isolation) { span in
            span.updateAttributes { attributes in
                attributes["spyglass.external.provider"] = provider
                attributes["spyglass.external.operation"] = operation
            }
            do {
                let result = try await body()
                record(provider: provider, operation: operation, start: start, error: nil)
                return result
            } catch {
                span.attributes["error.type"] = errorType(of: error)
                record(provider: provider, operation: operation, start: start, error: error)
                throw error
            }
        }
    }

    private func record(provider: String, operation: String, start: ContinuousClock.Instant, error: (any Error)?) {
        let elapsed = ContinuousClock.now - start
        calls.labels(provider, operation, error == nil ? "success" : "error").increment()
        duration.labels(provider, operation).observe(elapsed)
        logger.log(level: error == nil ? .info : .warning, "external_api_call", error: error, metadata: [
            "provider": "\(provider)",
            "operation": "\(operation)",
            "success": .stringConvertible(error == nil),
            "duration_ms": .stringConvertible(elapsed.roundedMilliseconds),
        ])
    }
}
