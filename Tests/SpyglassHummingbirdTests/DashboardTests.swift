import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SpyglassCore
import SpyglassHealth
import SpyglassLogging
import SpyglassMetrics
@testable import SpyglassDashboard
import SpyglassTracing
import Testing
import Tracing

@testable import SpyglassHummingbird

/// The dashboard's routes against real stores fed by the real log pipeline and tracer: the token guards the page
/// and the API, the API answers what the stores hold (filtered, nested, redacted), and bad parameters get a 400
/// that says what is allowed.
@Suite struct DashboardTests {
    static let token = "dashboard-test-token-0123456789"

    struct Subject {
        let dashboard: Dashboard
        let logger: Logger
        let tracer: SpyglassTracer
        let registry = MetricRegistry()

        init() throws {
            var configuration = LoggingConfiguration()
            configuration.sampling = nil
            let logs = LogStore()
            let errors = ErrorGroups()
            let backend = try LogBackend(
                configuration: configuration, service: ServiceIdentity(name: "agent-hub", version: "1.0.0", environment: "test"),
                writer: LogWriter(fileDescriptor: open("/dev/null", O_WRONLY)), store: logs, errors: errors
            )
            logger = Logger(label: "api") { backend.makeHandler(label: $0, metadataProvider: nil) }
            let spans = SpanStore()
            tracer = SpyglassTracer(store: spans, redactor: backend.redactor)
            let health = HealthMonitor(service: "agent-hub", version: "1.0.0")
            health.register(CustomHealthCheck("postgres") { .unhealthy("connect to postgres://app:hunter2@db:5432 refused") })
            // Not critical, so no readiness probe runs it: the dashboard has to.
            health.register(CustomHealthCheck("disk") { .degraded("92% used") }, critical: false)
            dashboard = Dashboard(
                token: DashboardTests.token, service: "agent-hub", version: "1.0.0", environment: "test", spans: spans, logs: logs,
                errors: errors, jobs: JobHistory(), metrics: MetricHistory(), health: health, redactor: backend.redactor
            )
        }

        func application() -> some ApplicationProtocol {
            let router = Router()
            router.addDashboard(dashboard)
            return Application(router: router)
        }
    }

    static let bearer: HTTPFields = [.authorization: "Bearer \(token)"]

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    @Test func theTokenOpensThePageAndTheAPI() async throws {
        try await Subject().application().test(.router) { client in
            let page = try await client.execute(uri: "/spyglass", method: .get)
            #expect(page.status == .seeOther && page.headers[.location] == "/spyglass/login")
            let api = try await client.execute(uri: "/spyglass/api/health", method: .get)
            #expect(api.status == .unauthorized)
            let wrong = try await client.execute(uri: "/spyglass/login?t=not-the-token", method: .get)
            #expect(wrong.status == .unauthorized && String(buffer: wrong.body).contains("does not open"))
            let wrongBearer = try await client.execute(uri: "/spyglass/api/health", method: .get, headers: [.authorization: "Bearer nope"])
            #expect(wrongBearer.status == .unauthorized)

            let login = try await client.execute(uri: "/spyglass/login?t=\(Self.token)", method: .get)
            #expect(login.status == .seeOther && login.headers[.location] == "/spyglass")
            let cookie = try #require(login.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/spyglass"))
            let session: HTTPFields = [.cookie: "other=1; " + String(cookie.prefix { $0 != ";" })]
            let opened = try await client.execute(uri: "/spyglass", method: .get, headers: session)
            #expect(opened.status == .ok && String(buffer: opened.body).contains("/spyglass/app.js"))
            #expect(opened.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true, "no script from elsewhere runs")
            let script = try await client.execute(uri: "/spyglass/app.js", method: .get)
            #expect(script.status == .ok && String(buffer: script.body).contains("lineChart"), "the assets are compiled in")
            let health = try await client.execute(uri: "/spyglass/api/health", method: .get, headers: session)
            #expect(health.status == .ok)
            let logout = try await client.execute(uri: "/spyglass/logout", method: .get)
            #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
        }
    }

    @Test func theAPIAnswersWhatTheStoresHoldRedacted() async throws {
        let subject = try Subject()
        // A request: a server span with an agent and an LLM call below it, and its log lines.
        let root = subject.tracer.startSpan("POST /v1/chat", context: .topLevel, ofKind: .server)
        root.attributes["http.response.status_code"] = 200
        let traceID = try #require(root.context.spanIdentity?.traceIDHex)
        let agent = subject.tracer.startSpan("invoke_agent assistant", context: root.context, ofKind: .internal)
        let chat = subject.tracer.startSpan("chat gpt-4o-mini", context: agent.context, ofKind: .client)
        chat.attributes["gen_ai.operation.name"] = "chat"
        chat.attributes["gen_ai.request.model"] = "gpt-4o-mini"
        chat.attributes["gen_ai.usage.input_tokens"] = 12
        chat.attributes["api_key"] = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"
        chat.addEvent("gen_ai.first_token")
        ServiceContext.withValue(chat.context) {
            subject.logger.info("llm_call", metadata: ["password": "hunter2"])
            subject.logger.error("llm_failed", metadata: ["error.type": "429"])
        }
        chat.end()
        agent.end()
        root.end()
        subject.logger.info("unrelated")
        let other = subject.tracer.startSpan("GET /v1/jobs", context: .topLevel, ofKind: .server)
        other.setStatus(SpanStatus(code: .error))
        other.end()

        try await subject.application().test(.router) { client in
            let traces = try Self.json(try await client.execute(uri: "/spyglass/api/traces", method: .get, headers: Self.bearer).body)
            let listed = try #require(traces["traces"] as? [[String: Any]])
            #expect(listed.count == 2 && traces["endpoints"] as? [String] == ["GET /v1/jobs", "POST /v1/chat"])
            let errorsOnly = try Self.json(try await client.execute(uri: "/spyglass/api/traces?status=error", method: .get, headers: Self.bearer).body)
            #expect((errorsOnly["traces"] as? [[String: Any]])?.map { $0["name"] as? String } == ["GET /v1/jobs"])
            let byEndpoint = try Self.json(try await client.execute(uri: "/spyglass/api/traces?endpoint=POST%20/v1/chat", method: .get, headers: Self.bearer).body)
            let summary = try #require((byEndpoint["traces"] as? [[String: Any]])?.first)
            #expect(summary["trace_id"] as? String == traceID && summary["span_count"] as? Int == 3 && summary["status_code"] as? Int == 200)

            let trace = try Self.json(try await client.execute(uri: "/spyglass/api/traces/\(traceID)", method: .get, headers: Self.bearer).body)
            let spans = try #require(trace["spans"] as? [[String: Any]])
            #expect(spans.map { $0["name"] as? String } == ["POST /v1/chat", "invoke_agent assistant", "chat gpt-4o-mini"])
            #expect(spans.map { $0["depth"] as? Int } == [0, 1, 2])
            #expect(spans[2]["parent_span_id"] as? String == spans[1]["span_id"] as? String)
            let attributes = try #require(spans[2]["attributes"] as? [String: Any])
            #expect(attributes["gen_ai.usage.input_tokens"] as? Int == 12, "numbers stay numbers")
            #expect(attributes["api_key"] as? String == "[REDACTED]")
            #expect((spans[2]["events"] as? [[String: Any]])?.first?["name"] as? String == "gen_ai.first_token")
            let missing = try await client.execute(uri: "/spyglass/api/traces/\(String(repeating: "0", count: 32))", method: .get, headers: Self.bearer)
            #expect(missing.status == .notFound)

            let logs = try Self.json(try await client.execute(uri: "/spyglass/api/logs?trace_id=\(traceID.uppercased())", method: .get, headers: Self.bearer).body)
            let lines = try #require(logs["lines"] as? [[String: Any]])
            #expect(lines.compactMap { ($0["record"] as? [String: Any])?["message"] as? String } == ["llm_call", "llm_failed"])
            #expect((lines.first?["record"] as? [String: Any])?["password"] as? String == "[REDACTED]")
            // The trace's lines with the other filters: level, newest first within the limit, after a sequence.
            func traceLogs(_ query: String) async throws -> [String] {
                let body = try Self.json(try await client.execute(uri: "/spyglass/api/logs?trace_id=\(traceID)&\(query)", method: .get, headers: Self.bearer).body)
                return (body["lines"] as? [[String: Any]] ?? []).compactMap { ($0["record"] as? [String: Any])?["message"] as? String }
            }
            #expect(try await traceLogs("level=error") == ["llm_failed"])
            #expect(try await traceLogs("limit=1") == ["llm_failed"])
            let firstSequence = try #require(lines.first?["sequence"] as? Int)
            #expect(try await traceLogs("after=\(firstSequence)") == ["llm_failed"])
            #expect(try await traceLogs("after=\(firstSequence - 1)&text=llm_call") == ["llm_call"])
            let next = try #require(logs["next_sequence"] as? Int)
            let after = try Self.json(try await client.execute(uri: "/spyglass/api/logs?after=\(next - 1)", method: .get, headers: Self.bearer).body)
            #expect((after["lines"] as? [[String: Any]])?.isEmpty == true, "nothing after the newest line yet")
            let errorLevel = try Self.json(try await client.execute(uri: "/spyglass/api/logs?level=error&text=LLM", method: .get, headers: Self.bearer).body)
            #expect((errorLevel["lines"] as? [[String: Any]])?.count == 1)

            let health = try Self.json(try await client.execute(uri: "/spyglass/api/health", method: .get, headers: Self.bearer).body)
            let checks = try #require(health["checks"] as? [[String: Any]])
            #expect(checks.map { $0["name"] as? String } == ["postgres", "disk"], "every check, run by the dashboard")
            let check = checks[0]
            #expect(check["name"] as? String == "postgres" && check["status"] as? String == "unhealthy" && check["last_change"] is Double)
            #expect((check["message"] as? String)?.contains("hunter2") == false, "\(check)")
            #expect(checks[1]["status"] as? String == "degraded" && checks[1]["critical"] as? Bool == false)

            let genAI = try Self.json(try await client.execute(uri: "/spyglass/api/genai", method: .get, headers: Self.bearer).body)
            let call = try #require((genAI["calls"] as? [[String: Any]])?.first)
            #expect(call["model"] as? String == "gpt-4o-mini" && call["input_tokens"] as? Int == 12 && call["time_to_first_token_ms"] is Double)

            let errors = try Self.json(try await client.execute(uri: "/spyglass/api/errors", method: .get, headers: Self.bearer).body)
            let group = try #require((errors["groups"] as? [[String: Any]])?.first)
            #expect(group["type"] as? String == "429" && group["count"] as? Int == 1 && group["sample_trace_id"] as? String == traceID)
        }
    }

    @Test(arguments: [
        ("/spyglass/api/traces?min_ms=fast", "min_ms=\"fast\" is not allowed: expected a number of milliseconds, 0 or more"),
        ("/spyglass/api/traces?sort=oldest", "sort=\"oldest\" is not allowed: expected one of recent, slowest"),
        ("/spyglass/api/traces?limit=0", "limit=\"0\" is not allowed: expected a whole number from 1 to 1000"),
        ("/spyglass/api/logs?trace_id=xyz", "trace_id=\"xyz\" is not allowed: expected 32 hexadecimal digits"),
        ("/spyglass/api/logs?level=loud", "level=\"loud\" is not allowed: expected one of trace, debug, info, notice, warning, error, critical"),
        ("/spyglass/api/logs?traceid=1", "traceid=\"1\" is not allowed: expected one of the parameters after, level, limit, request_id, text, trace_id"),
        ("/spyglass/api/overview?minutes=-1", "minutes=\"-1\" is not allowed: expected a whole number from 1 to 1440"),
        ("/spyglass/api/errors?since=1", "since=\"1\" is not allowed: expected no parameters"),
    ])
    func badParametersSayWhatIsAllowed(uri: String, message: String) async throws {
        try await Subject().application().test(.router) { client in
            let response = try await client.execute(uri: uri, method: .get, headers: Self.bearer)
            #expect(response.status == .badRequest)
            #expect(try Self.json(response.body)["error"] as? String == message)
        }
    }

    /// With native histograms (the default) the quantiles are within the schema's 2.2% of the exact ones; with
    /// classic buckets only they are interpolated as `histogram_quantile` does.
    @Test(arguments: [true, false])
    func chartsAreRatesAndQuantilesBetweenSamples(native: Bool) async throws {
        let registry = MetricRegistry(configuration: MetricsConfiguration(nativeHistograms: native ? NativeHistogramConfiguration() : nil))
        let requests = registry.counter(StandardMetrics.httpRequests)
        let durations = registry.histogram(StandardMetrics.httpRequestDuration)
        let tokens = registry.counter(StandardMetrics.llmTokens)
        let before = DashboardCharts.Snapshot(registry)
        for _ in 0..<90 {
            requests.labels("GET", "/v1/jobs", "200").increment()
            durations.labels("GET", "/v1/jobs", "200").observe(0.004)
        }
        for _ in 0..<10 {
            requests.labels("GET", "/v1/jobs", "503").increment()
            durations.labels("GET", "/v1/jobs", "503").observe(2.0)
        }
        requests.labels("POST", "/v1/chat", "200").increment(by: 20)
        tokens.labels("openai", "gpt-4o", "prompt").increment(by: 400)
        tokens.labels("openai", "gpt-4o", "cached").increment(by: 100)
        let values = DashboardCharts.values(from: before, to: DashboardCharts.Snapshot(registry), seconds: 10)
        func value(_ chart: String, _ series: String) -> Double? { values[MetricSeriesKey(chart: chart, series: series)] }
        #expect(value(DashboardCharts.requestRate, "GET /v1/jobs") == 10)
        #expect(value(DashboardCharts.requestRate, "all") == 12)
        #expect(value(DashboardCharts.errorRatio, "GET /v1/jobs") == 0.1)
        #expect(value(DashboardCharts.errorRatio, "POST /v1/chat") == 0)
        let p50 = try #require(value("http_latency_p50_seconds", "GET /v1/jobs"))
        let p95 = try #require(value("http_latency_p95_seconds", "GET /v1/jobs"))
        if native {
            // 90 of 100 at 4 ms, 10 at 2 s: the exact median is 4 ms and p95 2 s.
            let bound = NativeHistogramConfiguration.relativeError(atSchema: 5)
            #expect(abs(p50 - 0.004) / 0.004 <= bound, "\(p50)")
            #expect(abs(p95 - 2) / 2 <= bound, "\(p95)")
        } else {
            // The 0.005 bucket holds 90, the 2.5 bucket 10: as histogram_quantile interpolates.
            #expect(abs(p50 - 0.005 * 50.0 / 90.0) < 1e-9, "\(p50)")
            #expect(abs(p95 - (1.0 + 1.5 * 5.0 / 10.0)) < 1e-9, "\(p95)")
        }
        #expect(value(DashboardCharts.tokenRate, "gpt-4o prompt") == 40)
        #expect(value(DashboardCharts.tokenRate, "gpt-4o cached") == nil, "cached tokens are part of the prompt's")
        let unchanged = DashboardCharts.values(from: DashboardCharts.Snapshot(registry), to: DashboardCharts.Snapshot(registry), seconds: 2)
        #expect(unchanged[MetricSeriesKey(chart: DashboardCharts.requestRate, series: "all")] == 0)
        // An interval without requests has no error ratio and no latency (a gap in the chart), not 0.
        #expect(unchanged[MetricSeriesKey(chart: "http_latency_p50_seconds", series: "all")]?.isNaN == true)
        #expect(unchanged[MetricSeriesKey(chart: "http_latency_p99_seconds", series: "GET /v1/jobs")]?.isNaN == true)
        #expect(unchanged[MetricSeriesKey(chart: DashboardCharts.errorRatio, series: "all")]?.isNaN == true)
        #expect(DashboardCharts.quantile(0.99, of: [(upperBound: 1, count: 0), (upperBound: .infinity, count: 5)]) == 1, "the +Inf bucket answers the highest bound")
    }
}
