import Foundation
public import Logging
public import ServiceLifecycle
@_spi(Locking) import SpyglassCore
public import SpyglassMetrics
import Synchronization

/// The service's health checks: runs them (concurrently, each bounded by its timeout, cached for its TTL),
/// aggregates their results for the liveness, readiness and detailed endpoints, and turns readiness off when
/// graceful shutdown begins.
///
/// ```swift
/// let health = HealthMonitor(service: "agent-hub", version: "1.4.2", metrics: spyglass.metrics)
/// health.register(PostgresHealthCheck(configuration: database), timeout: .seconds(2))
/// health.register(DiskSpaceHealthCheck(path: "/", minimumFreeFraction: 0.05), critical: false)
/// router.addHealthEndpoints(health)
/// // Last: services stop in reverse order, so readiness fails before the application starts to drain.
/// ServiceGroup(services: [spyglass, app, health], …)
/// ```
///
/// Each run records `health_check_status{check}` (1 healthy, 0.5 degraded, 0 unhealthy) and
/// `health_check_duration_seconds{check}`, and a check whose status changes logs `health_check_changed`.
public final class HealthMonitor: Service, Sendable {
    /// A check and how it is run.
    struct Registration: Sendable {
        let check: any HealthCheck
        let isCritical: Bool
        let timeout: Duration
        let cacheTTL: Duration?
    }

    private struct Observation {
        var check: HealthReport.Check
        var at: ContinuousClock.Instant
    }

    private struct State {
        var registrations: [Registration] = []
        var latest: [String: Observation] = [:]
    }

    /// The service's name in every report.
    public let service: String
    /// The running build's version in every report.
    public let version: String
    private let started = ContinuousClock.now
    private let state = Locked(State())
    private let shuttingDown = Atomic<Bool>(false)
    private let logger: Logger
    private let shutdownDelay: Duration
    private let statusGauge: GaugeFamily?
    private let durationHistogram: HistogramFamily?

    /// Creates a monitor with no checks.
    ///
    /// - Parameters:
    ///   - service: the service's name in reports.
    ///   - version: the running version in reports.
    ///   - metrics: where `health_check_status` and `health_check_duration_seconds` are recorded; `nil`: nowhere.
    ///   - shutdownDelay: how long ``run()`` waits, once readiness is off, before letting the services before it
    ///     stop: the time a load balancer needs to notice (Kubernetes: a few seconds for the endpoints to update).
    ///     Default none.
    ///   - logger: where state changes and registration mistakes are logged.
    public init(
        service: String,
        version: String,
        metrics: MetricRegistry? = nil,
        shutdownDelay: Duration = .zero,
        logger: Logger = Logger(label: "spyglass.health")
    ) {
        self.service = service
        self.version = version
        self.shutdownDelay = shutdownDelay
        self.logger = logger
        statusGauge = metrics?.gauge(StandardMetrics.healthCheckStatus)
        durationHistogram = metrics?.histogram(StandardMetrics.healthCheckDuration)
    }

    /// Adds a check.
    ///
    /// - Parameters:
    ///   - check: what to run; a second check with a name already registered is refused with a warning.
    ///   - critical: whether readiness depends on it (default `true`). A failing non-critical check makes the
    ///     service degraded, not unready.
    ///   - timeout: how long one run may take before it counts as unhealthy (`timed out after N ms`); default 2 s.
    ///   - cacheTTL: how long a result is reused instead of running the check again; default `nil`, every request
    ///     runs it. Use it for checks that are expensive for the dependency.
    public func register(_ check: any HealthCheck, critical: Bool = true, timeout: Duration = .seconds(2), cacheTTL: Duration? = nil) {
        let registration = Registration(check: check, isCritical: critical, timeout: max(timeout, .milliseconds(1)), cacheTTL: cacheTTL)
        let added = state.withLock { state in
            guard !state.registrations.contains(where: { $0.check.name == check.name }) else { return false }
            state.registrations.append(registration)
            return true
        }
        if !added {
            logger.warning("health_check_not_registered", metadata: [
                "check": "\(check.name)", "reason": "a check with this name is already registered; names must be unique",
            ])
        }
    }

    /// Whether graceful shutdown has begun.
    public var isShuttingDown: Bool { shuttingDown.load(ordering: .relaxed) }

    /// Makes readiness fail from now on, so load balancers stop sending requests while in-flight ones drain.
    /// ``run()`` calls it when graceful shutdown begins.
    public func beginShutdown() {
        guard !shuttingDown.exchange(true, ordering: .relaxed) else { return }
        logger.info("readiness_off", metadata: ["reason": "graceful shutdown began"])
    }

    /// Waits for graceful shutdown, then turns readiness off and waits the shutdown delay. List the monitor after the
    /// application in the `ServiceGroup`: services stop in reverse order, so the application keeps serving (and
    /// readiness answers 503) until this returns.
    public func run() async throws {
        try? await gracefulShutdown()
        await stopReadiness()
    }

    /// Turns readiness off (``beginShutdown()``) and waits the shutdown delay, for a framework whose own lifecycle
    /// signals the shutdown instead of a `ServiceGroup`.
    public func stopReadiness() async {
        beginShutdown()
        if shutdownDelay > .zero { try? await Task.sleep(for: shutdownDelay) }
    }

    /// The process is up and answering: no dependency is asked.
    public func liveness() -> HealthReport {
        report(status: .healthy, checks: [])
    }

    /// Whether the service should get traffic: every critical check healthy and no shutdown under way.
    public func readiness() async -> HealthReport {
        let checks = await run(state.withLock { $0.registrations.filter(\.isCritical) })
        var status = Self.aggregate(checks)
        if isShuttingDown { status = .unhealthy }
        return report(status: status, checks: checks)
    }

    /// Every check, run concurrently.
    public func detailed() async -> HealthReport {
        let checks = await run(state.withLock { $0.registrations })
        var status = Self.aggregate(checks)
        if isShuttingDown, status == .healthy { status = .degraded }
        return report(status: status, checks: checks)
    }

    /// The last result of every check that has run, without running any: what `GET /health` shows.
    public func lastKnown() -> HealthReport {
        let (registrations, latest) = state.withLock { ($0.registrations, $0.latest) }
        let checks = registrations.compactMap { latest[$0.check.name]?.check }
        return report(status: Self.aggregate(checks), checks: checks)
    }

    private func report(status: HealthStatus, checks: [HealthReport.Check]) -> HealthReport {
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        return HealthReport(
            status: status,
            timestamp: Date(),
            service: service,
            version: version,
            uptimeSeconds: Double(seconds) + Double(attoseconds) * 1e-18,
            isShuttingDown: isShuttingDown,
            checks: checks
        )
    }

    static func aggregate(_ checks: [HealthReport.Check]) -> HealthStatus {
        checks.reduce(.healthy) { worst, check in
            max(worst, check.isCritical ? check.status : min(check.status, .degraded))
        }
    }

    private func run(_ registrations: [Registration]) async -> [HealthReport.Check] {
        await withTaskGroup(of: (Int, HealthReport.Check).self) { group in
            for (position, registration) in registrations.enumerated() {
                group.addTask { (position, await self.run(registration)) }
            }
            var checks: [HealthReport.Check?] = Array(repeating: nil, count: registrations.count)
            for await (position, check) in group { checks[position] = check }
            return checks.compactMap { $0 }
        }
    }

    private func run(_ registration: Registration) async -> HealthReport.Check {
        let name = registration.check.name
        let now = ContinuousClock.now
        if let ttl = registration.cacheTTL, let cached = state.withLock({ $0.latest[name] }), now - cached.at < ttl {
            var check = cached.check
            check.durationMilliseconds = 0
            return check
        }
        let result: HealthCheckResult
        do {
            let check = registration.check
            result = try await Deadline.run(registration.timeout) { try await check.check() }
                ?? .unhealthy("timed out after \(Int(registration.timeout.roundedMilliseconds)) ms")
        } catch {
            result = .unhealthy(String(describing: error))
        }
        let elapsed = ContinuousClock.now - now
        var check = HealthReport.Check(
            name: name,
            status: result.status,
            isCritical: registration.isCritical,
            message: result.message,
            details: result.details,
            durationMilliseconds: elapsed.roundedMilliseconds,
            lastChange: nil
        )
        let previous = state.withLock { state -> HealthReport.Check? in
            let previous = state.latest[name]?.check
            check.lastChange = previous?.status == check.status ? previous?.lastChange : Date()
            state.latest[name] = Observation(check: check, at: now)
            return previous
        }
        statusGauge?.labels(name).set(check.status.gaugeValue)
        durationHistogram?.labels(name).observe(elapsed)
        if previous?.status != check.status {
            logger.log(level: check.status == .healthy ? .info : .warning, "health_check_changed", metadata: [
                "check": "\(name)",
                "status": "\(check.status.rawValue)",
                "previous_status": "\(previous?.status.rawValue ?? "unknown")",
                "check_message": "\(check.message ?? "")",
            ])
        }
        return check
    }
}
