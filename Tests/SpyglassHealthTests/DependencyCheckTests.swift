import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import SpyglassHummingbird
import SpyglassMetrics
import SpyglassTestSupport
import Testing

@testable import SpyglassHealth
@testable import SpyglassHealthChecks

/// The built-in checks against real PostgreSQL and Redis servers started here, through the monitor and the HTTP
/// endpoints a Kubernetes probe calls.
@Suite(.serialized) struct DependencyCheckTests {
    private func postgres(_ server: PostgresServer, password: String? = nil) -> PostgresHealthCheck {
        PostgresHealthCheck(configuration: .init(
            host: "127.0.0.1", port: server.port, username: server.user, password: password ?? server.password, database: "postgres", tls: .disable
        ))
    }

    /// GET `path` on a live app serving `monitor`, with details shown: status and the JSON body.
    private func get(_ path: String, _ monitor: HealthMonitor) async throws -> (Int, [String: Any]) {
        let router = Router()
        router.addHealthEndpoints(monitor, details: .visible)
        return try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            try await client.execute(uri: path, method: .get) { response in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
                return (Int(response.status.code), body)
            }
        }
    }

    private func check(_ body: [String: Any], _ name: String) -> [String: Any] {
        (body["checks"] as? [String: Any])?[name] as? [String: Any] ?? [:]
    }

    @Test func postgresHealthyThenDownThenBack() async throws {
        let server = try PostgresServer()
        try await server.start()
        let monitor = HealthMonitor(service: "hub", version: "1")
        monitor.register(postgres(server), timeout: .seconds(5))

        var (status, body) = try await get("/health/ready", monitor)
        #expect(status == 200, "\(body)")
        #expect(check(body, "postgres")["message"] as? String == "SELECT 1 answered")

        let wrong = try await postgres(server, password: "not-it").check()
        #expect(wrong.status == .unhealthy)
        #expect(wrong.message?.hasPrefix("authentication failed for user spyglass at 127.0.0.1:\(server.port)") == true, "\(wrong.message ?? "")")

        await server.stop()
        (status, body) = try await get("/health/ready", monitor)
        #expect(status == 503)
        #expect(check(body, "postgres")["message"] as? String == "connection refused by 127.0.0.1:\(server.port)")
        #expect(try await get("/health/live", monitor).0 == 200)

        try await server.start()
        (status, body) = try await get("/health/ready", monitor)
        #expect(status == 200, "\(body)")
        await server.stop()
    }

    @Test func redisHealthyThenDownThenBack() async throws {
        let server = try RedisServer()
        try await server.start()
        let monitor = HealthMonitor(service: "hub", version: "1")
        monitor.register(try RedisHealthCheck(url: "redis://:\(server.password)@127.0.0.1:\(server.port)"), timeout: .seconds(5))

        var (status, body) = try await get("/health/detailed", monitor)
        #expect(status == 200, "\(body)")
        #expect(check(body, "redis")["message"] as? String == "PING answered PONG")

        let wrong = try await RedisHealthCheck(url: "redis://:nope@127.0.0.1:\(server.port)").check()
        #expect(wrong.status == .unhealthy && wrong.message?.hasPrefix("authentication failed at 127.0.0.1:\(server.port)") == true, "\(wrong.message ?? "")")
        let anonymous = try await RedisHealthCheck(url: "redis://127.0.0.1:\(server.port)").check()
        #expect(anonymous.message?.hasPrefix("authentication failed at 127.0.0.1:\(server.port): NOAUTH") == true, "\(anonymous.message ?? "")")

        await server.stop()
        (status, body) = try await get("/health/detailed", monitor)
        #expect(status == 503)
        #expect(check(body, "redis")["message"] as? String == "connection refused by 127.0.0.1:\(server.port)")

        try await server.start()
        #expect(try await get("/health/detailed", monitor).0 == 200)
        await server.stop()
        #expect(throws: RedisHealthCheck.InvalidURL.self) { try RedisHealthCheck(url: "http://:secret@127.0.0.1") }
    }

    /// Neither server ever answers, so the report returning at all is the proof; the time limit turns a timeout that
    /// never fires into a failure instead of a hung run (a wall-clock bound is not one: see HealthMonitorTests).
    @Test(.timeLimit(.minutes(5)))
    func dependenciesThatAcceptAndNeverAnswerTimeOutWithinTheirTimeout() async throws {
        let silent = try SilentListener()
        let monitor = HealthMonitor(service: "hub", version: "1")
        monitor.register(
            PostgresHealthCheck(configuration: .init(host: "127.0.0.1", port: silent.port, username: "u", password: "p", database: nil, tls: .disable)),
            timeout: .milliseconds(500)
        )
        monitor.register(try RedisHealthCheck(name: "redis", url: "redis://127.0.0.1:\(silent.port)"), timeout: .milliseconds(500))
        monitor.register(TCPHealthCheck(name: "socket", host: "127.0.0.1", port: silent.port))
        let (status, body) = try await get("/health/detailed", monitor)
        #expect(status == 503)
        #expect(check(body, "postgres")["message"] as? String == "timed out after 500 ms")
        #expect(check(body, "redis")["message"] as? String == "timed out after 500 ms")
        #expect(check(body, "socket")["status"] as? String == "healthy", "the kernel does accept the connection")
    }

    @Test func httpAndTCPChecks() async throws {
        let router = Router()
        router.get("/up") { _, _ in "ok" }
        router.get("/down") { _, _ -> Response in Response(status: .serviceUnavailable) }
        let (closed, closedPort) = try Peers.boundLoopbackSocket()
        defer { close(closed) }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            let port = try #require(client.port)
            let up = try await HTTPHealthCheck(name: "upstream", url: "http://127.0.0.1:\(port)/up").check()
            #expect(up.status == .healthy && up.details["status"] == "200")
            let down = try await HTTPHealthCheck(name: "upstream", url: "http://127.0.0.1:\(port)/down").check()
            #expect(down.message == "GET http://127.0.0.1:\(port)/down answered 503, expected 200–399")
            let tcp = try await TCPHealthCheck(name: "upstream", host: "127.0.0.1", port: port).check()
            #expect(tcp.status == .healthy)
        }
        let refused = try await TCPHealthCheck(name: "gone", host: "127.0.0.1", port: closedPort).check()
        #expect(refused.message == "connection refused by 127.0.0.1:\(closedPort)")
        let unreachable = try await HTTPHealthCheck(name: "gone", url: "http://127.0.0.1:\(closedPort)/").check()
        #expect(unreachable.message?.hasPrefix("GET http://127.0.0.1:\(closedPort)/ failed: ") == true, "\(unreachable.message ?? "")")
        #expect(unreachable.message?.contains("refused") == true, "\(unreachable.message ?? "")")
    }

    @Test func detailsNeedTheCredentialAndInfoIsServed() async throws {
        let monitor = HealthMonitor(service: "hub", version: "1")
        monitor.register(CustomHealthCheck("database") { .unhealthy("connection refused by db.internal:5432") })
        let router = Router()
        router.addHealthEndpoints(monitor, details: .credential(.bearer(token: "ops-token")), info: SystemInfo(service: "hub", version: "1", environment: "ci"))
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            let anonymous = try await client.execute(uri: "/health/detailed", method: .get) { String(buffer: $0.body) }
            #expect(anonymous.contains(#""status":"unhealthy""#) && !anonymous.contains("db.internal"))
            let operator_ = try await client.execute(uri: "/health/detailed", method: .get, headers: [.authorization: "Bearer ops-token"]) { String(buffer: $0.body) }
            #expect(operator_.contains("connection refused by db.internal:5432"))
            #expect(try await client.execute(uri: "/monitoring/info", method: .get) { $0.status } == .unauthorized)
            let info = try await client.execute(uri: "/monitoring/info", method: .get, headers: [.authorization: "Bearer ops-token"]) { String(buffer: $0.body) }
            #expect(info.contains(#""process""#) && info.contains(#""service":"hub""#))
            // /health asks nothing: it shows the last results (database, from the detailed run above).
            #expect(try await client.execute(uri: "/health", method: .get) { $0.status } == .serviceUnavailable)
            #expect(try await client.execute(uri: "/livez", method: .get) { $0.status } == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .get) { $0.status } == .serviceUnavailable)
        }
    }
}
