public import Logging
@_spi(Locking) import SpyglassCore
public import ServiceLifecycle
public import SpyglassHealth
public import SpyglassJobs
public import Vapor

/// Runs Spyglass's service beside a Vapor application, which has no `ServiceGroup`, and orders its shutdown:
/// readiness off and the shutdown delay while the server still answers, the server drained, the running jobs given
/// their time to end, then the export sent and the logs flushed. ``SpyglassApplication/use(_:setup:logger:tracer:)`` installs it.
///
/// Vapor calls lifecycle handlers at `app.asyncShutdown()` before it stops the server itself; this one stops the
/// server first (Vapor's stop is then a no-op), since what the last requests log must be flushed after them.
public final class SpyglassLifecycle: LifecycleHandler {
    private let service: any Service
    private let health: HealthMonitor
    private let jobs: JobTelemetry
    private let logger: Logger
    private let running = Locked<(group: ServiceGroup, task: Task<Void, Never>)?>(nil)

    /// - Parameters:
    ///   - service: what `Spyglass.bootstrap` returned.
    ///   - health: its health monitor, whose readiness turns off first.
    ///   - jobs: its jobs, waited for once the server has drained.
    public init(service: any Service, health: HealthMonitor, jobs: JobTelemetry, logger: Logger = Logger(label: "spyglass")) {
        self.service = service
        self.health = health
        self.jobs = jobs
        self.logger = logger
    }

    public func didBootAsync(_ application: Application) async throws {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [service], logger: logger))
        let task = Task { [logger] in
            do { try await group.run() } catch { logger.error("spyglass_service_failed", metadata: ["error.message": "\(error)"]) }
        }
        running.withLock { $0 = (group, task) }
    }

    public func shutdownAsync(_ application: Application) async {
        await health.stopReadiness()
        await application.server.shutdown()
        await jobs.finishRunningJobs()
        guard let (group, task) = running.withLock({ running in defer { running = nil }; return running }) else { return }
        await group.triggerGracefulShutdown()
        await task.value
    }
}
