import Foundation
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The demo's health endpoints, its registered checks, and readiness turning off when SIGTERM arrives while the
/// demo still serves.
@Suite struct DemoHealthTests {
    private func get(_ port: Int, _ path: String) async throws -> (Int, [String: Any]) {
        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        let status = try #require(response as? HTTPURLResponse).statusCode
        return (status, (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:])
    }

    @Test(arguments: DemoServer.allCases)
    func checksAreServedAndReadinessFailsAsSoonAsShutdownBegins(server: DemoServer) async throws {
        let demo = try ChildProcess(arguments: ["--server", server.rawValue, "--port", "0"], environment: ["SPYGLASS_SHUTDOWN_DELAY_MS": "30000"])
        let startedLine = try await demo.waitForLine { $0.contains("\"server_started\"") }
        let started = try #require(try JSONSerialization.jsonObject(with: Data(startedLine.utf8)) as? [String: Any])
        let port = try #require(started["port"] as? Int)

        let (readyStatus, ready) = try await get(port, "/health/ready")
        #expect(readyStatus == 200)
        #expect(Set((ready["checks"] as? [String: Any] ?? [:]).keys) == ["job_store"], "only critical checks decide readiness")
        let (detailedStatus, detailed) = try await get(port, "/health/detailed")
        #expect(detailedStatus == 200)
        let checks = try #require(detailed["checks"] as? [String: [String: Any]])
        #expect(Set(checks.keys) == ["job_store", "disk", "memory"])
        #expect(checks["disk"]?["critical"] as? Bool == false)
        #expect(checks["job_store"]?["message"] as? String == "0 jobs", "details are shown in development")
        #expect(detailed["service"] as? String == "spyglass-demo" && detailed["version"] as? String == "0.1.0")
        #expect(try await get(port, "/livez").0 == 200)
        let (infoStatus, info) = try await get(port, "/monitoring/info")
        #expect(infoStatus == 200 && (info["process"] as? [String: Any])?["pid"] as? Int == Int(demo.process.processIdentifier))
        let (metrics, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        #expect(String(decoding: metrics, as: UTF8.self).contains(#"health_check_status{check="job_store"} 1"#))

        demo.process.terminate()
        _ = try await demo.waitForLine { $0.contains("\"readiness_off\"") }
        // Readiness fails at once, while the demo still serves for the time a load balancer needs to notice: 30 s
        // here. With 10 s, the three requests below did not all fit in it in two of nine full runs, while the
        // suite's other demos and Chromium loaded the machine.
        let (afterStatus, after) = try await get(port, "/health/ready")
        #expect(afterStatus == 503)
        #expect(after["shutting_down"] as? Bool == true)
        #expect(try await get(port, "/health/live").0 == 200)
        let (jobs, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/v1/jobs")!)
        #expect(!jobs.isEmpty)
        #expect(await demo.waitForExit() == 0)
        // Probes are not traffic: no access-log line for them.
        #expect(!demo.lines.contains { $0.contains("\"request_completed\"") && $0.contains("/health") })
    }

    @Test func databaseAndRedisChecksComeFromTheEnvironment() async throws {
        let (socket, closed) = try Peers.boundLoopbackSocket()
        defer { close(socket) }
        let demo = try ChildProcess(
            arguments: ["--port", "0"],
            environment: ["DATABASE_URL": "postgres://app:secret@127.0.0.1:\(closed)/jobs", "REDIS_URL": "redis://127.0.0.1:\(closed)"]
        )
        let startedLine = try await demo.waitForLine { $0.contains("\"server_started\"") }
        let started = try #require(try JSONSerialization.jsonObject(with: Data(startedLine.utf8)) as? [String: Any])
        let port = try #require(started["port"] as? Int)
        let (status, ready) = try await get(port, "/health/ready")
        #expect(status == 503, "PostgreSQL is critical")
        let postgres = try #require((ready["checks"] as? [String: [String: Any]])?["postgres"])
        #expect(postgres["message"] as? String == "connection refused by 127.0.0.1:\(closed)")
        let (_, detailed) = try await get(port, "/health/detailed")
        #expect((detailed["checks"] as? [String: [String: Any]])?["redis"]?["critical"] as? Bool == false)
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)

        let invalid = try ChildProcess(arguments: ["--port", "0"], environment: ["REDIS_URL": "http://cache:6379"])
        #expect(await invalid.waitForExit() == 2)
        #expect(invalid.standardError.contains("invalid Redis URL (expected redis://[user[:password]@]host[:port])"))
    }
}
