/// One dependency or condition the service's health depends on.
///
/// ```swift
/// struct JobQueueCheck: HealthCheck {
///     let name = "job_queue"
///     func check() async throws -> HealthCheckResult {
///         queue.depth < 1_000 ? .healthy() : .degraded("\(queue.depth) jobs waiting")
///     }
/// }
/// ```
///
/// A check that throws is unhealthy, with the error as its message. ``HealthMonitor`` bounds each run by the timeout
/// it was registered with; a check should still honour task cancellation, so a run abandoned at its timeout stops.
public protocol HealthCheck: Sendable {
    /// The check's name in reports, logs and the `check` label; unique within a monitor.
    var name: String { get }
    /// Looks at the dependency once.
    func check() async throws -> HealthCheckResult
}

/// A check made of a closure, for conditions that need no type of their own.
///
/// ```swift
/// monitor.register(CustomHealthCheck("job_store") { store.isOpen ? .healthy() : .unhealthy("the job store is closed") })
/// ```
public struct CustomHealthCheck: HealthCheck {
    public let name: String
    private let body: @Sendable () async throws -> HealthCheckResult

    public init(_ name: String, _ body: @escaping @Sendable () async throws -> HealthCheckResult) {
        self.name = name
        self.body = body
    }

    public func check() async throws -> HealthCheckResult { try await body() }
}
