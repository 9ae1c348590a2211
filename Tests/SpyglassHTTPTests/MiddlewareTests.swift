import AsyncHTTPClient
import Foundation
import InMemoryTracing
import Logging
import NIOCore
import NIOHTTP1
import OTel
import SpyglassCore
import SpyglassDashboard
import SpyglassHTTP
import SpyglassMetrics
import SpyglassTestSupport
import SpyglassTracing
import Testing
import Tracing

/// A live server of one framework with the Spyglass middleware in front of the shared routes, its registry and
/// its captured logs.
struct InstrumentedServer {
    let options: ServerOptions
    let logs: LogCapture
    let server: RunningServer

    static func start(
        _ framework: Framework,
        configuration: HTTPInstrumentationConfiguration = HTTPInstrumentationConfiguration(),
        authorization: EndpointCredential? = nil,
        tracer: any Tracer = otelTracer,
        metadataProvider: Logger.MetadataProvider? = OTel.makeLoggingMetadataProvider(),
        bindsUser: Bool = false
    ) async throws -> InstrumentedServer {
        let logs = try LogCapture()
        let options = ServerOptions(
            configuration: configuration,
            authorization: authorization,
            tracer: tracer,
            logger: logs.logger("spyglass.http", metadataProvider: metadataProvider),
            handlerLogger: logs.logger("api"),
            bindsUser: bindsUser
        )
        return InstrumentedServer(options: options, logs: logs, server: try await framework.start(options))
    }

    /// Runs `body` against the server, then stops it (also when `body` throws).
    func run<Result>(_ body: (Client) async throws -> Result) async throws -> Result {
        do {
            let result = try await body(Client(port: server.port))
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    func metrics() -> String { String(decoding: options.registry.render(), as: UTF8.self) }

    func completedLines() throws -> [[String: Any]] {
        try logs.lines().filter { $0["message"] as? String == "request_completed" }
    }
}

/// AsyncHTTPClient against the server's port.
struct Client {
    let port: Int

    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: String
    }

    func send(_ path: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 24)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }
}

@Suite struct MiddlewareTests {
    @Test(arguments: Framework.allCases)
    func requestIDIsEchoedBoundInLogsAndTheTraceIDReturned(framework: Framework) async throws {
        let subject = try await InstrumentedServer.start(framework)
        let answer = try await subject.run { (client: Client) async throws in
            try await client.send("/v1/jobs/42?secret=x", headers: [("X-Request-ID", "abc-123.def:9_Z"), ("User-Agent", "tests/1.0")])
        }
        #expect(answer.status == 200)
        #expect(answer.headers.first(name: "X-Request-ID") == "abc-123.def:9_Z")
        let trace = try #require(answer.headers.first(name: "X-Trace-ID"))
        #expect(trace.wholeMatch(of: /[0-9a-f]{32}/) != nil)

        let lines = try subject.logs.lines()
        let handlerLine = try #require(lines.first { $0["message"] as? String == "job_read" })
        #expect(handlerLine["request_id"] as? String == "abc-123.def:9_Z")
        #expect(handlerLine["trace_id"] == nil)  // the capture's logger has no metadata provider
        let completed = try #require(try subject.completedLines().first)
        #expect(completed["request_id"] as? String == "abc-123.def:9_Z")
        #expect(completed["trace_id"] as? String == trace)
        #expect(completed["level"] as? String == "info")
        #expect(completed["method"] as? String == "GET")
        #expect(completed["endpoint"] as? String == "/v1/jobs/{id}")
        #expect(completed["path"] as? String == "/v1/jobs/42")
        #expect(completed["status"] as? Int == 200)
        #expect((completed["duration_ms"] as? Double).map { $0 >= 0 } == true)
        #expect(completed["response_size"] as? Int == 3)
        #expect(completed["request_size"] as? Int == 0)
        #expect(completed["user_agent"] as? String == "tests/1.0")
        #expect(completed["client_address"] as? String == (framework.knowsClientAddress ? "127.0.0.1" : nil))

        let metrics = subject.metrics()
        #expect(metrics.contains(#"http_requests_total{method="GET",endpoint="/v1/jobs/{id}",status="200"} 1"#))
        #expect(metrics.contains(#"http_request_duration_seconds_count{method="GET",endpoint="/v1/jobs/{id}",status="200"} 1"#))
        #expect(metrics.contains(#"http_response_size_bytes_sum{method="GET",endpoint="/v1/jobs/{id}",status="200"} 3"#))
        #expect(metrics.contains(#"http_request_size_bytes_count{method="GET",endpoint="/v1/jobs/{id}"} 1"#))
        #expect(metrics.contains(#"http_requests_in_progress{method="GET"} 0"#))
    }

    static let hostileIDs = [
        "", String(repeating: "a", count: 129), String(repeating: "x", count: 10_000), "ünïcödé", "has space", "<script>alert(1)</script>",
        "tab\tinside", "semi;colon", "quote\"d",
    ]

    /// Sent byte for byte as an attacker would, not through a client that refuses or cleans them.
    @Test(arguments: Framework.allCases, hostileIDs)
    func hostileRequestIDsAreReplacedNeverReflected(framework: Framework, hostile: String) async throws {
        let subject = try await InstrumentedServer.start(framework)
        let answer = try await subject.run { (client: Client) async throws in
            try await RawHTTPClient(port: client.port).fetch(["/v1/jobs/1"], headers: ["X-Request-ID": hostile])[0]
        }
        #expect(answer.status == 200)
        let id = try #require(answer.header("X-Request-ID"))
        #expect(id.wholeMatch(of: /[0-9a-v]{15}|[0-9A-F-]{36}/) != nil)
        #expect(id != hostile)
        #expect(try subject.completedLines().first?["request_id"] as? String == id)
    }

    /// A header value that tries to end the field and start another: the server reads the part before the line break
    /// as the id, and the second line stays a request header; nothing reaches the response.
    @Test(arguments: Framework.allCases)
    func aLineBreakInTheIDCannotInjectAResponseHeader(framework: Framework) async throws {
        let subject = try await InstrumentedServer.start(framework)
        let answer = try await subject.run { (client: Client) async throws in
            try await RawHTTPClient(port: client.port).fetch(["/v1/jobs/1"], headers: ["X-Request-ID": "abc\r\nSet-Cookie: stolen=1"])[0]
        }
        #expect(answer.status == 200)
        #expect(answer.header("X-Request-ID") == "abc")
        #expect(answer.header("Set-Cookie") == nil)
    }

    @Test(arguments: Framework.allCases)
    func traceparentIsContinuedAndMalformedOnesIgnored(framework: Framework) async throws {
        let subject = try await InstrumentedServer.start(framework)
        let incomingTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
        try await subject.run { (client: Client) async throws in
            let continued = try await client.send("/v1/jobs/7", headers: [("traceparent", "00-\(incomingTrace)-00f067aa0ba902b7-01")])
            #expect(continued.headers.first(name: "X-Trace-ID") == incomingTrace)
            for malformed in ["garbage", "00-xyz-00f067aa0ba902b7-01", "00-\(incomingTrace)-short-01", ""] {
                let answer = try await client.send("/v1/jobs/8", headers: [("traceparent", malformed)])
                #expect(answer.status == 200)
                let trace = answer.headers.first(name: "X-Trace-ID")
                #expect(trace != nil && trace != incomingTrace)
            }
        }
        // Same trace, new span: the access line carries the server span, a child of the caller's.
        let continued = try #require(try subject.completedLines().first { $0["trace_id"] as? String == incomingTrace })
        let spanID = try #require(continued["span_id"] as? String)
        #expect(spanID.wholeMatch(of: /[0-9a-f]{16}/) != nil && spanID != "00f067aa0ba902b7")
        #expect(try subject.completedLines().count == 5)
    }

    @Test(arguments: Framework.allCases)
    func requestsWhoseHandlerThrowsAreCountedTimedLoggedAndKeepTheirIDs(framework: Framework) async throws {
        let subject = try await InstrumentedServer.start(framework)
        try await subject.run { (client: Client) async throws in
            let bad = try await client.send("/v1/bad")
            #expect(bad.status == 400)
            #expect(bad.headers.first(name: "X-Request-ID") != nil)
            let crash = try await client.send("/v1/crash")
            #expect(crash.status == 500)
            #expect(crash.headers.first(name: "X-Request-ID") != nil)
            #expect(!crash.body.contains("Failure"))  // an unexpected error's description is not sent
        }
        let metrics = subject.metrics()
        #expect(metrics.contains(#"http_requests_total{method="GET",endpoint="/v1/bad",status="400"} 1"#))
        #expect(metrics.contains(#"http_requests_total{method="GET",endpoint="/v1/crash",status="500"} 1"#))
        #expect(metrics.contains(#"http_request_duration_seconds_count{method="GET",endpoint="/v1/crash",status="500"} 1"#))
        let lines = try subject.completedLines()
        let levels = lines.map { ($0["endpoint"] as? String ?? "", $0["level"] as? String ?? "") }
        #expect(levels.contains { $0 == ("/v1/bad", "warning") })
        #expect(levels.contains { $0 == ("/v1/crash", "error") })
        let crash = try #require(lines.first { $0["endpoint"] as? String == "/v1/crash" })
        #expect(crash["error.type"] as? String == "SpyglassHTTPTests.Failure")
        #expect(crash["error.source"] as? String == "GET /v1/crash")
    }

    @Test(arguments: Framework.allCases)
    func eachRequestGetsAServerSpanNamedAfterItsRoute(framework: Framework) async throws {
        let tracer = InMemoryTracer()
        let subject = try await InstrumentedServer.start(framework, tracer: tracer)
        try await subject.run { (client: Client) async throws in
            _ = try await client.send("/v1/jobs/42", headers: [("User-Agent", "tests/1.0")])
            _ = try await client.send("/v1/crash")
            _ = try await client.send("/missing")
        }
        let spans = tracer.finishedSpans
        #expect(spans.map(\.operationName) == ["GET /v1/jobs/{id}", "GET /v1/crash", "GET unmatched"])
        #expect(spans.allSatisfy { $0.kind == .server })
        let job = try #require(spans.first).attributes
        #expect(job["http.request.method"]?.toSpanAttribute() == "GET")
        #expect(job["http.route"]?.toSpanAttribute() == "/v1/jobs/{id}")
        #expect(job["url.path"]?.toSpanAttribute() == "/v1/jobs/42")
        #expect(job["http.response.status_code"]?.toSpanAttribute() == 200)
        #expect(job["user_agent.original"]?.toSpanAttribute() == "tests/1.0")
        #expect(spans.count == 3 && spans[1].status?.code == .error)
        #expect(spans.count == 3 && spans[1].errors.count == 1)
        #expect(spans.count == 3 && spans[2].attributes["http.route"] == nil)
        // Trace context was looked for in every request's headers.
        #expect(tracer.performedContextExtractions.count == 3)
    }

    @Test(arguments: Framework.allCases)
    func spyglassTracerKeepsEachRequestsSpanAndItsLogLineCarriesTheTrace(framework: Framework) async throws {
        let spans = SpanStore(capacity: 100)
        let subject = try await InstrumentedServer.start(framework, tracer: SpyglassTracer(store: spans), metadataProvider: nil)
        let answer = try await subject.run { (client: Client) async throws in
            try await client.send("/v1/jobs/42", headers: [("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")])
        }
        #expect(answer.headers.first(name: "X-Trace-ID") == "4bf92f3577b34da6a3ce929d0e0e4736")
        let span = try #require(spans.spans().first)
        #expect(span.operationName == "GET /v1/jobs/{id}")
        #expect(span.kind == .server)
        #expect(span.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(span.parentSpanID == 0x00f0_67aa_0ba9_02b7)
        #expect(span.attributes["http.route"]?.toSpanAttribute() == "/v1/jobs/{id}")
        #expect(span.attributes["http.response.status_code"]?.toSpanAttribute() == 200)
        #expect(span.attributes["url.path"]?.toSpanAttribute() == "/v1/jobs/42")
        let completed = try #require(try subject.completedLines().first)
        #expect(completed["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(completed["span_id"] as? String == span.spanIDHex)
    }

    @Test(arguments: Framework.allCases)
    func unmatchedPathsShareOneSeries(framework: Framework) async throws {
        let subject = try await InstrumentedServer.start(framework)
        let answers = try await subject.run { (client: Client) async throws in
            try await RawHTTPClient(port: client.port).fetch((0..<1_000).map { "/nothing/here/\($0)-\(UUID().uuidString)" })
        }
        #expect(answers.count == 1_000 && answers.allSatisfy { $0.status == 404 })
        let series = subject.metrics().split(separator: "\n").filter { $0.hasPrefix("http_requests_total{") }
        #expect(series == [#"http_requests_total{method="GET",endpoint="unmatched",status="404"} 1000"#])
    }

    @Test(arguments: Framework.allCases)
    func sizesOfStreamedBodiesAreCounted(framework: Framework) async throws {
        let subject = try await InstrumentedServer.start(framework)
        try await subject.run { (client: Client) async throws in
            #expect(try await client.send("/v1/stream").body == "abcdefg")
            let echo = try await client.send("/v1/echo", method: .POST, body: "hello world")
            #expect(echo.status == 201 && echo.body == "hello world")
        }
        let metrics = subject.metrics()
        #expect(metrics.contains(#"http_response_size_bytes_sum{method="GET",endpoint="/v1/stream",status="200"} 7"#))
        #expect(metrics.contains(#"http_request_size_bytes_sum{method="POST",endpoint="/v1/echo"} 11"#))
        #expect(metrics.contains(#"http_response_size_bytes_sum{method="POST",endpoint="/v1/echo",status="201"} 11"#))
    }

    @Test(arguments: Framework.allCases)
    func excludedPathsAndGroupedStatusCodes(framework: Framework) async throws {
        let configuration = HTTPInstrumentationConfiguration(excludedPaths: ["/metrics", "/v1/jobs/*"], groupsStatusCodes: true)
        let subject = try await InstrumentedServer.start(framework, configuration: configuration)
        try await subject.run { (client: Client) async throws in
            #expect(try await client.send("/v1/jobs/1").headers.first(name: "X-Request-ID") != nil)  // ids even for excluded paths
            _ = try await client.send("/v1/stream")
            _ = try await client.send("/metrics")
        }
        let series = subject.metrics().split(separator: "\n").filter { $0.hasPrefix("http_requests_total{") }
        #expect(series == [#"http_requests_total{method="GET",endpoint="/v1/stream",status="2xx"} 1"#])
        #expect(try subject.completedLines().count == 1)
    }

    @Test(arguments: Framework.allCases)
    func accessLogCanBeTurnedOff(framework: Framework) async throws {
        let subject = try await InstrumentedServer.start(framework, configuration: HTTPInstrumentationConfiguration(logsRequests: false))
        try await subject.run { (client: Client) async throws in _ = try await client.send("/v1/jobs/1") }
        #expect(try subject.completedLines().isEmpty)
        #expect(subject.metrics().contains(#"http_requests_total{method="GET",endpoint="/v1/jobs/{id}",status="200"} 1"#))
    }

    @Test(arguments: Framework.allCases)
    func metricsOnlyRecordsMetricsAndLeavesTheCallersContextAlone(framework: Framework) async throws {
        let tracer = InMemoryTracer()
        // An outer middleware binds a context; metrics-only binds none of its own, so the handler still sees it.
        let subject = try await InstrumentedServer.start(framework, configuration: .metricsOnly, tracer: tracer, bindsUser: true)
        try await subject.run { (client: Client) async throws in
            let user = try await client.send("/v1/user", headers: [("X-Request-ID", "caller-id")])
            #expect(user.body == "user-7")
            #expect(user.headers.first(name: "X-Request-ID") == nil)
            #expect(user.headers.first(name: "X-Trace-ID") == nil)
            #expect(try await client.send("/v1/crash").status == 500)
        }
        let metrics = subject.metrics()
        #expect(metrics.contains(#"http_requests_total{method="GET",endpoint="/v1/user",status="200"} 1"#))
        #expect(metrics.contains(#"http_requests_total{method="GET",endpoint="/v1/crash",status="500"} 1"#))
        #expect(metrics.contains(#"http_request_duration_seconds_count{method="GET",endpoint="/v1/crash",status="500"} 1"#))
        #expect(metrics.contains(#"http_requests_in_progress{method="GET"} 0"#))
        #expect(tracer.finishedSpans.isEmpty)
        #expect(try subject.completedLines().isEmpty)
    }

    @Test(arguments: Framework.allCases)
    func metricsEndpointNegotiatesTheFormatAndChecksCredentials(framework: Framework) async throws {
        let bearer = try await InstrumentedServer.start(framework, authorization: .bearer(token: "s3cret-token"))
        try await bearer.run { (client: Client) async throws in
            let anonymous = try await client.send("/metrics")
            #expect(anonymous.status == 401)
            #expect(anonymous.headers.first(name: "WWW-Authenticate") == "Bearer realm=\"metrics\"")
            #expect(try await client.send("/metrics", headers: [("Authorization", "Bearer wrong")]).status == 401)
            let text = try await client.send("/metrics", headers: [("Authorization", "Bearer s3cret-token")])
            #expect(text.status == 200)
            #expect(text.headers.first(name: "Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            let openMetrics = try await client.send(
                "/metrics", headers: [("Authorization", "Bearer s3cret-token"), ("Accept", "application/openmetrics-text;version=1.0.0")]
            )
            #expect(openMetrics.headers.first(name: "Content-Type")?.hasPrefix("application/openmetrics-text") == true)
            #expect(openMetrics.body.hasSuffix("# EOF\n"))
        }
        let basic = try await InstrumentedServer.start(framework, authorization: .basic(username: "prometheus", password: "p@ss"))
        try await basic.run { (client: Client) async throws in
            let credential = Data("prometheus:p@ss".utf8).base64EncodedString()
            #expect(try await client.send("/metrics", headers: [("Authorization", "Basic \(credential)")]).status == 200)
            #expect(try await client.send("/metrics", headers: [("Authorization", "Basic \(credential)x")]).status == 401)
        }
    }
}
