import Foundation
import Spyglass
import Hummingbird
import Logging
import ServiceLifecycle
import SpyglassCore
import SpyglassDashboard
import SpyglassHTTP
import SpyglassHealth
import SpyglassHummingbird
import SpyglassJobs
import SpyglassMetrics
import SpyglassTracing
import SpyglassVapor
import SpyglassTestSupport
import Synchronization
import Testing
import Vapor

/// What `SpyglassService` gives the one-call set-up, built without `Spyglass.bootstrap` (process-wide, once): its
/// `run` records when graceful shutdown reached it, as the real one flushes then.
final class TestSources: SpyglassHTTPSources, Service {
    static let token = "one-call-dashboard-token-0123456789"
    let metrics = MetricRegistry()
    let health: HealthMonitor
    let systemInfo = SystemInfo(service: "one-call", version: "1.0.0", environment: "test")
    let dashboard: Dashboard?
    let jobs: JobTelemetry
    private let events = Mutex<[String]>([])

    init(shutdownDelay: Duration = .zero) throws {
        health = HealthMonitor(service: "one-call", version: "1.0.0", shutdownDelay: shutdownDelay)
        jobs = JobTelemetry(metrics: metrics)
        dashboard = Dashboard(
            token: Self.token, service: "one-call", version: "1.0.0", environment: "test", spans: SpanStore(), logs: LogStore(),
            errors: ErrorGroups(), jobs: JobHistory(), metrics: MetricHistory(), health: health, redactor: try Redactor()
        )
    }

    func record(_ event: String) { events.withLock { $0.append(event) } }
    var recorded: [String] { events.withLock { $0 } }

    func run() async throws {
        record("service_running")
        try? await gracefulShutdown()
        record("service_flushed")
    }
}

@Suite struct OneCallSetupTests {
    /// A server with Spyglass installed by the framework's one call and one route of the service's own.
    static func start(_ framework: Framework, sources: TestSources) async throws -> RunningServer {
        switch framework {
        case .hummingbird:
            let router = Router()
            router.addSpyglass(sources)
            router.get("/v1/hello") { _, _ in "hello" }
            return try await HummingbirdTestServer.serve(router)
        case .vapor:
            let app = try await VaporTestServer.makeApplication()
            app.spyglass.use(sources)
            app.get("v1", "hello") { _ in "hello" }
            return try await VaporTestServer.serve(app)
        }
    }

    @Test(arguments: Framework.allCases)
    func theOneCallServesEveryEndpointAndCountsOnlyTheServicesTraffic(framework: Framework) async throws {
        let sources = try TestSources()
        let server = try await Self.start(framework, sources: sources)
        let client = Client(port: server.port)
        do {
            for path in ["/metrics", "/health", "/health/live", "/livez", "/health/ready", "/readyz", "/health/detailed", "/v1/hello"] {
                #expect(try await client.send(path).status == 200, "\(path)")
            }
            // Details are hidden by default: the info endpoint is not there for anyone.
            #expect(try await client.send("/monitoring/info").status == 404)
            // Raw, since AsyncHTTPClient follows the redirect.
            let page = try await RawHTTPClient(port: server.port).fetch(["/spyglass"])[0]
            #expect(page.status == 303 && page.header("Location") == "/spyglass/login")
            let overview = try await client.send("/spyglass/api/overview", headers: [("Authorization", "Bearer \(TestSources.token)")])
            #expect(overview.status == 200 && overview.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(try await client.send("/spyglass/api/traces/none", headers: [("Authorization", "Bearer \(TestSources.token)")]).status == 404)
            let hello = try await client.send("/v1/hello")
            #expect(hello.headers.first(name: "X-Request-ID") != nil)
            try await server.stop()
        } catch {
            try? await server.stop()
            throw error
        }
        let series = String(decoding: sources.metrics.render(), as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("http_requests_total{") }
        #expect(series == [#"http_requests_total{method="GET",endpoint="/v1/hello",status="200"} 2"#])
    }

    @Test func vaporsOwnErrorAndRouteLoggingMiddlewareAndRequestMetricsMakeWayForSpyglass() async throws {
        let app = try await VaporTestServer.makeApplication()
        struct Marker: AsyncMiddleware {
            func respond(to request: Vapor.Request, chainingTo next: any AsyncResponder) async throws -> Vapor.Response {
                try await next.respond(to: request)
            }
        }
        app.middleware.use(Marker())
        #expect(app.middleware.resolve().contains { $0 is ErrorMiddleware } && app.http.server.configuration.reportMetrics)
        app.spyglass.use(try TestSources())
        let installed = app.middleware.resolve()
        #expect(installed.count == 2 && installed.first is SpyglassVapor.SpyglassMiddleware && installed.last is Marker)
        #expect(!app.http.server.configuration.reportMetrics)
        #expect(app.traceAutoPropagation)
        try await app.asyncShutdown()
    }

    /// Vapor runs lifecycle handlers at `asyncShutdown` before it stops its server: readiness must be 503 while the
    /// server still answers, and Spyglass must flush only after the server has drained.
    @Test(.timeLimit(.minutes(3)))
    func atVaporsShutdownReadinessFailsWhileServingThenTheServerDrainsThenSpyglassFlushes() async throws {
        // Long enough for the checks below on a loaded machine; the test waits it out once.
        let sources = try TestSources(shutdownDelay: .seconds(20))
        let server = try await Self.start(.vapor, sources: sources)
        let client = Client(port: server.port)
        #expect(try await client.send("/health/ready").status == 200)
        #expect(sources.recorded == ["service_running"])
        let shutdown = Task { try await server.stop() }
        // Readiness turns off first; the delay then holds the server up, still answering.
        while try await client.send("/health/ready").status == 200 {}
        #expect(sources.health.isShuttingDown)
        #expect(try await client.send("/health/ready").status == 503)
        #expect(try await client.send("/v1/hello").status == 200)
        #expect(sources.recorded == ["service_running"])
        try await shutdown.value
        #expect(sources.recorded == ["service_running", "service_flushed"])
        // Raw: AsyncHTTPClient retries a refused connection until its deadline.
        await #expect(throws: RawHTTPClient.Failed.self) { try await RawHTTPClient(port: server.port).fetch(["/v1/hello"]) }
    }

    /// A Vapor service that kept `LoggingSystem.bootstrap(from:)` gets one clear error, not swift-log's crash.
    @Test func vaporsLoggingBootstrapBeforeSpyglassIsRefusedWithOneLine() async {
        await #expect(processExitsWith: .success) {
            var environment = Environment(name: "testing", arguments: ["vapor"])
            try LoggingSystem.bootstrap(from: &environment)
            do {
                _ = try Spyglass.bootstrap(environment: [:])
                exit(1)
            } catch BootstrapError.loggingAlreadyBootstrapped(let handler) {
                guard handler == "ConsoleFragmentLogger" else { exit(2) }
            }
        }
    }
}
