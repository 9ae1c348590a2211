public import SpyglassDashboard
public import SpyglassHealth
public import SpyglassJobs
public import SpyglassMetrics

/// What Spyglass serves over HTTP. `SpyglassService`, which `Spyglass.bootstrap` returns, provides it, so an
/// adapter's one-call set-up takes the service as it is, and this module needs nothing of the exporters.
public protocol SpyglassHTTPSources: Sendable {
    /// Rendered at `/metrics`; the middleware records the HTTP metrics in it.
    var metrics: MetricRegistry { get }
    /// Served at the health endpoints.
    var health: HealthMonitor { get }
    /// Served at `/monitoring/info`.
    var systemInfo: SystemInfo { get }
    /// Served at `/spyglass`; `nil` when the dashboard is off.
    var dashboard: Dashboard? { get }
    /// The background jobs, which an adapter's shutdown waits for once the server has drained.
    var jobs: JobTelemetry { get }
}
