import Foundation
@_spi(Locking) import SpyglassCore
import InMemoryLogging
import Logging
import SpyglassMetrics
import Testing

@testable import SpyglassHealth

/// A check whose answer the test sets, counting its runs.
final class Switch: HealthCheck, Sendable {
    let name: String
    private let state: Locked<(result: HealthCheckResult, runs: Int)>

    init(_ name: String, _ result: HealthCheckResult = .healthy()) {
        self.name = name
        state = Locked((result, 0))
    }

    func set(_ result: HealthCheckResult) { state.withLock { $0.result = result } }
    var runs: Int { state.withLock { $0.runs } }

    func check() async throws -> HealthCheckResult {
        state.withLock { state in
            state.runs += 1
            return state.result
        }
    }
}

/// A dependency that accepted the connection and never answers: the check never returns, cancelled or not.
struct Hangs: HealthCheck {
    let name = "hangs"
    func check() async throws -> HealthCheckResult {
        await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
        return .healthy()
    }
}

struct Refused: Error, CustomStringConvertible {
    var description: String { "connection refused by 127.0.0.1:1" }
}

@Suite struct HealthMonitorTests {
    @Test func criticalFailuresMakeTheServiceUnhealthyOthersDegraded() async {
        let monitor = HealthMonitor(service: "hub", version: "1.2.3")
        let database = Switch("database")
        let cache = Switch("cache")
        monitor.register(database)
        monitor.register(cache, critical: false)

        var report = await monitor.detailed()
        #expect(report.status == .healthy && report.httpStatus == 200)
        cache.set(.unhealthy("down"))
        report = await monitor.detailed()
        #expect(report.status == .degraded && report.httpStatus == 200, "a degraded service still serves")
        #expect(await monitor.readiness().status == .healthy, "readiness asks only the critical checks")
        database.set(.unhealthy("down"))
        report = await monitor.detailed()
        #expect(report.status == .unhealthy && report.httpStatus == 503)
        #expect(await monitor.readiness().httpStatus == 503)
        #expect(monitor.liveness().httpStatus == 200, "liveness never depends on a dependency")
        #expect(report.checks.map(\.name) == ["database", "cache"])
        #expect(report.service == "hub" && report.version == "1.2.3" && report.uptimeSeconds >= 0)
    }

    @Test func aThrownErrorIsUnhealthyWithItsDescription() async throws {
        let monitor = HealthMonitor(service: "hub", version: "1")
        monitor.register(CustomHealthCheck("queue") { throw Refused() })
        let check = try #require(await monitor.detailed().checks.first)
        #expect(check.status == .unhealthy)
        #expect(check.message == "connection refused by 127.0.0.1:1")
    }

    /// The check never returns, so the report returning at all is the proof. A wall-clock bound on it failed in CI:
    /// when every suite starts at once on two cores, the 200 ms timer waited 72 s for a thread. The time limit only
    /// turns a timeout that never fires into a failure instead of a hung run.
    @Test(.timeLimit(.minutes(5)))
    func aCheckThatNeverAnswersTimesOutWithoutHoldingTheReport() async throws {
        let monitor = HealthMonitor(service: "hub", version: "1")
        monitor.register(Hangs(), timeout: .milliseconds(200))
        monitor.register(Switch("database"))
        let report = await monitor.detailed()
        let hung = try #require(report.checks.first { $0.name == "hangs" })
        #expect(hung.status == .unhealthy)
        #expect(hung.message == "timed out after 200 ms")
        #expect(report.checks.first { $0.name == "database" }?.status == .healthy)
    }

    @Test func cachedResultsAreReusedForTheirTTL() async {
        let monitor = HealthMonitor(service: "hub", version: "1")
        let expensive = Switch("search_index")
        let cheap = Switch("job_store")
        monitor.register(expensive, cacheTTL: .seconds(3600))
        monitor.register(cheap)
        for _ in 0..<3 { _ = await monitor.detailed() }
        #expect(expensive.runs == 1)
        #expect(cheap.runs == 3)
    }

    @Test func readinessFailsOnceShutdownBegins() async {
        let monitor = HealthMonitor(service: "hub", version: "1")
        monitor.register(Switch("database"))
        #expect(await monitor.readiness().httpStatus == 200)
        monitor.beginShutdown()
        let ready = await monitor.readiness()
        #expect(ready.httpStatus == 503 && ready.isShuttingDown)
        #expect(monitor.liveness().httpStatus == 200)
        #expect(String(decoding: ready.json(includingDetails: false), as: UTF8.self).contains(#""shutting_down":true"#))
    }

    @Test func stateChangesAreLoggedAndRecorded() async throws {
        let logs = InMemoryLogHandler()
        let registry = MetricRegistry()
        let monitor = HealthMonitor(service: "hub", version: "1", metrics: registry, logger: Logger(label: "health") { _ in logs })
        let database = Switch("database")
        monitor.register(database)
        _ = await monitor.detailed()
        _ = await monitor.detailed()
        database.set(.unhealthy("connection refused by db:5432"))
        _ = await monitor.detailed()
        database.set(.healthy())
        _ = await monitor.detailed()

        let changes = logs.entries.filter { $0.message == "health_check_changed" }
        #expect(changes.map { $0.metadata["status"]?.description } == ["healthy", "unhealthy", "healthy"])
        #expect(changes.map(\.level) == [.info, .warning, .info])
        #expect(changes[1].metadata["previous_status"]?.description == "healthy")
        #expect(changes[1].metadata["check_message"]?.description == "connection refused by db:5432")
        let text = String(decoding: registry.render(), as: UTF8.self)
        #expect(text.contains(#"health_check_status{check="database"} 1"#))
        #expect(text.contains(#"health_check_duration_seconds_count{check="database"} 4"#))
    }

    @Test func aSecondCheckWithTheSameNameIsRefused() async {
        let logs = InMemoryLogHandler()
        let monitor = HealthMonitor(service: "hub", version: "1", logger: Logger(label: "health") { _ in logs })
        monitor.register(Switch("database"))
        monitor.register(Switch("database", .unhealthy("other")))
        let report = await monitor.detailed()
        #expect(report.checks.count == 1 && report.status == .healthy)
        #expect(logs.entries.filter { $0.message == "health_check_not_registered" }.count == 1)
    }

    @Test func theJSONHidesMessagesAndDetailsUnlessAllowed() async throws {
        let monitor = HealthMonitor(service: "hub", version: "1")
        monitor.register(Switch("database", .unhealthy("authentication failed for user app at db.internal:5432", details: ["address": "db.internal:5432"])))
        let report = await monitor.detailed()
        let hidden = try #require(try JSONSerialization.jsonObject(with: report.json(includingDetails: false)) as? [String: Any])
        let hiddenCheck = try #require((hidden["checks"] as? [String: Any])?["database"] as? [String: Any])
        #expect(hidden["status"] as? String == "unhealthy")
        #expect(hiddenCheck["status"] as? String == "unhealthy" && hiddenCheck["critical"] as? Bool == true)
        #expect(hiddenCheck["message"] == nil && hiddenCheck["details"] == nil)
        #expect(!String(decoding: report.json(includingDetails: false), as: UTF8.self).contains("db.internal"))

        let shown = try #require(try JSONSerialization.jsonObject(with: report.json(includingDetails: true)) as? [String: Any])
        let shownCheck = try #require((shown["checks"] as? [String: Any])?["database"] as? [String: Any])
        #expect(shownCheck["message"] as? String == "authentication failed for user app at db.internal:5432")
        #expect((shownCheck["details"] as? [String: String])?["address"] == "db.internal:5432")
        #expect(shown["service"] as? String == "hub" && shown["timestamp"] is String && shown["uptime_seconds"] is Double)
    }
}
