public import ServiceLifecycle
public import SpyglassMetrics
import SpyglassTracing
import Tracing

/// Samples the registry for the dashboard's charts every interval until graceful shutdown: request rate, error
/// ratio and latency quantiles per endpoint, LLM tokens and cost per model.
public struct DashboardSampler: Service {
    let registry: MetricRegistry
    let history: MetricHistory
    let interval: Duration

    /// - Parameters:
    ///   - registry: where the metrics are read.
    ///   - history: where the chart values are kept.
    ///   - interval: how often; default 2 seconds.
    public init(registry: MetricRegistry, history: MetricHistory, interval: Duration = .seconds(2)) {
        self.registry = registry
        self.history = history
        self.interval = interval
    }

    public func run() async throws {
        // Shutdown cancels the sleep, so the sampler never holds the service group up.
        try? await cancelWhenGracefulShutdown {
            var previous = DashboardCharts.Snapshot(registry)
            var previousTime = ContinuousClock.now
            while true {
                try await Task.sleep(for: interval)
                previous = sample(after: previous, takenAt: &previousTime)
            }
        }
    }

    /// Records the charts since `previous`, and returns the snapshot taken now.
    func sample(after previous: DashboardCharts.Snapshot, takenAt previousTime: inout ContinuousClock.Instant) -> DashboardCharts.Snapshot {
        let current = DashboardCharts.Snapshot(registry)
        let now = ContinuousClock.now
        let values = DashboardCharts.values(from: previous, to: current, seconds: (now - previousTime) / .seconds(1))
        history.record(values, at: DefaultTracerClock.now.nanosecondsSinceEpoch)
        previousTime = now
        return current
    }
}
