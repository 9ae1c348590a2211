import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryTracing
import Logging
import NIOCore
import OTel
import SpyglassCore
import SpyglassMetrics
import SpyglassDashboard
import SpyglassTestSupport
import SpyglassTracing
import Testing
import Tracing

@testable import SpyglassHummingbird

/// swift-otel's real tracer (W3C propagation), handed to the middleware.
let otelTracer: any Tracer = {
    var otel = OTel.Configuration.default
    otel.traces.exporter = .none
    otel.metrics.enabled = false
    otel.logs.enabled = false
    return try! OTel.makeTracingBackend(configuration: otel).factory
}()

struct Failure: Error {}

/// Binds `user_id` for everything after it, as an authentication middleware would.
struct BindUser<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await SpyglassContext.with({ $0.userID = "user-7" }) { try await next(request, context) }
    }
}

/// An app with the Spyglass middleware in front of a few routes, its registry and its captured logs.
struct InstrumentedApp {
    let registry = MetricRegistry()
    let logs: LogCapture
    let app: Application<RouterResponder<BasicRequestContext>>

    init(
        configuration: HTTPInstrumentationConfiguration = HTTPInstrumentationConfiguration(),
        authorization: EndpointCredential? = nil,
        tracer: any Tracer = otelTracer,
        metadataProvider: Logger.MetadataProvider? = OTel.makeLoggingMetadataProvider()
    ) throws {
        let logs = try LogCapture()
        self.logs = logs
        let router = Router()
        router.add(middleware: SpyglassMiddleware(
                metrics: registry,
                configuration: configuration,
                logger: logs.logger("spyglass.http", metadataProvider: metadataProvider),
                tracer: tracer
            ))
        router.addMetricsEndpoint(registry, authorization: authorization)
        let handlerLogger = logs.logger("api")
        router.get("/v1/jobs/{id}") { _, context in
            handlerLogger.info("job_read", metadata: ["id": "\(context.parameters.get("id") ?? "")"])
            return "job"
        }
        router.get("/v1/bad") { _, _ -> String in throw HTTPError(.badRequest, message: "no") }
        router.get("/v1/crash") { _, _ -> String in throw Failure() }
        router.get("/v1/stream") { _, _ in
            Response(status: .ok, body: ResponseBody(asyncSequence: [ByteBuffer(string: "abc"), ByteBuffer(string: "defg")].async))
        }
        router.post("/v1/echo") { request, _ in
            Response(status: .created, body: ResponseBody(asyncSequence: request.body))
        }
        app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func metrics() -> String { String(decoding: registry.render(), as: UTF8.self) }

    func completedLines() throws -> [[String: Any]] {
        try logs.lines().filter { $0["message"] as? String == "request_completed" }
    }
}

extension Array where Element == ByteBuffer {
    var async: AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            for buffer in self { continuation.yield(buffer) }
            continuation.finish()
        }
    }
}

@Suite struct MiddlewareTests {
    @Test func requestIDIsEchoedBoundInLogsAndTheTraceIDReturned() async throws {
        let subject = try InstrumentedApp()
        let (requestID, traceID) = try await subject.app.test(.live) { client in
            try await client.execute(
                uri: "/v1/jobs/42?secret=x",
                method: .get,
                headers: [.init("X-Request-ID")!: "abc-123.def:9_Z", .userAgent: "tests/1.0"]
            ) { response in
                #expect(response.status == .ok)
                return (response.headers[.init("X-Request-ID")!], response.headers[.init("X-Trace-ID")!])
            }
        }
        #expect(requestID == "abc-123.def:9_Z")
        let trace = try #require(traceID)
        #expect(trace.wholeMatch(of: /[0-9a-f]{32}/) != nil)

        let lines = try subject.logs.lines()
        let handlerLine = try #require(lines.first { $0["message"] as? String == "job_read" })
        #expect(handlerLine["request_id"] as? String == "abc-123.def:9_Z")
        #expect(handlerLine["trace_id"] == nil)  // the capture's logger has no metadata provider
        let completed = try #require(try subject.completedLines().first)
        #expect(completed["request_id"] as? String == "abc-123.def:9_Z")
        #expect(completed["level"] as? String == "info")
        #expect(completed["method"] as? String == "GET")
        #expect(completed["endpoint"] as? String == "/v1/jobs/{id}")
        #expect(completed["path"] as? String == "/v1/jobs/42")
        #expect(completed["status"] as? Int == 200)
        #expect((completed["duration_ms"] as? Double).map { $0 >= 0 } == true)
        #expect(completed["response_size"] as? Int == 3)
        #expect(completed["request_size"] as? Int == 0)
        #expect(completed["user_agent"] as? String == "tests/1.0")
        #expect(completed["client_address"] == nil)  // BasicRequestContext does not know the peer

        let metrics = subject.metrics()
        #expect(metrics.contains(#"http_requests_total{method="GET",endpoint="/v1/jobs/{id}",status="200"} 1"#))
        #expect(metrics.contains(#"http_request_duration_seconds_count{method="GET",endpoint="/v1/jobs/{id}",status="200"} 1"#))
        #expect(metrics.contains(#"http_response_size_bytes_sum{method="GET",endpoint="/v1/jobs/{id}",status="200"} 3"#))
        #expect(metrics.contains(#"http_request_size_bytes_count{method="GET",endpoint="/v1/jobs/{id}"} 1"#))
        #expect(metrics.contains(#"http_requests_in_progress{method="GET"} 0"#))
    }

    @Test(arguments: [
        "", String(repeating: "a", count: 129), String(repeating: "x", count: 10_000), "ünïcödé", "has space", "<script>alert(1)</script>",
        "abc\r\nSet-Cookie: stolen=1", "tab\tinside", "semi;colon", "quote\"d",
    ])
    func hostileRequestIDsAreReplacedNeverReflected(hostile: String) async throws {
        let subject = try InstrumentedApp()
        let echoed = try await subject.app.test(.live) { client in
            try await client.execute(uri: "/v1/jobs/1", method: .get, headers: [.init("X-Request-ID")!: hostile]) {
                $0.headers[.init("X-Request-ID")!]
            }
        }
        let id = try #require(echoed)
        #expect(id.wholeMatch(of: /[0-9a-f]{32}/) != nil)
        #expect(id != hostile)
        #expect(try subject.completedLines().first?["request_id"] as? String == id)
    }

    @Test func traceparentIsContinuedAndMalformedOnesIgnored() async throws {
        let subject = try InstrumentedApp()
        let incomingTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
        try await subject.app.test(.live) { client in
            try await client.execute(
                uri: "/v1/jobs/7",
                method: .get,
                headers: [.init("traceparent")!: "00-\(incomingTrace)-00f067aa0ba902b7-01"]
            ) { response in
                #expect(response.headers[.init("X-Trace-ID")!] == incomingTrace)
            }
            for malformed in ["garbage", "00-xyz-00f067aa0ba902b7-01", "00-\(incomingTrace)-short-01", ""] {
                try await client.execute(uri: "/v1/jobs/8", method: .get, headers: [.init("traceparent")!: malformed]) { response in
                    #expect(response.status == .ok)
                    let trace = response.headers[.init("X-Trace-ID")!]
                    #expect(trace != nil && trace != incomingTrace)
                }
            }
        }
        // Same trace, new span: the access line carries the server span, a child of the caller's.
        let continued = try #require(try subject.completedLines().first { $0["trace_id"] as? String == incomingTrace })
        let spanID = try #require(continued["span_id"] as? String)
        #expect(spanID.wholeMatch(of: /[0-9a-f]{16}/) != nil && spanID != "00f067aa0ba902b7")
        #expect(try subject.completedLines().count == 5)
    }

    @Test func requestsWhoseHandlerThrowsAreCountedTimedLoggedAndKeepTheirIDs() async throws {
        let subject = try InstrumentedApp()
        try await subject.app.test(.live) { client in
            try await client.execute(uri: "/v1/bad", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.init("X-Request-ID")!] != nil)
            }
            try await client.execute(uri: "/v1/crash", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(response.headers[.init("X-Request-ID")!] != nil)
            }
        }
        let metrics = subject.metrics()
        #expect(metrics.contains(#"http_requests_total{method="GET",endpoint="/v1/bad",status="400"} 1"#))
        #expect(metrics.contains(#"http_requests_total{method="GET",endpoint="/v1/crash",status="500"} 1"#))
        #expect(metrics.contains(#"http_request_duration_seconds_count{method="GET",endpoint="/v1/crash",status="500"} 1"#))
        let levels = try subject.completedLines().map { ($0["endpoint"] as? String ?? "", $0["level"] as? String ?? "") }
        #expect(levels.contains { $0 == ("/v1/bad", "warning") })
        #expect(levels.contains { $0 == ("/v1/crash", "error") })
    }

    @Test func eachRequestGetsAServerSpanNamedAfterItsRoute() async throws {
        let tracer = InMemoryTracer()
        let subject = try InstrumentedApp(tracer: tracer)
        try await subject.app.test(.live) { client in
            try await client.execute(uri: "/v1/jobs/42", method: .get, headers: [.userAgent: "tests/1.0"]) { _ in }
            try await client.execute(uri: "/v1/crash", method: .get) { _ in }
            try await client.execute(uri: "/missing", method: .get) { _ in }
        }
        let spans = tracer.finishedSpans
        #expect(spans.map(\.operationName) == ["GET /v1/jobs/{id}", "GET /v1/crash", "GET unmatched"])
        #expect(spans.allSatisfy { $0.kind == .server })
        let job = spans[0].attributes
        #expect(job["http.request.method"]?.toSpanAttribute() == "GET")
        #expect(job["http.route"]?.toSpanAttribute() == "/v1/jobs/{id}")
        #expect(job["url.path"]?.toSpanAttribute() == "/v1/jobs/42")
        #expect(job["http.response.status_code"]?.toSpanAttribute() == 200)
        #expect(job["user_agent.original"]?.toSpanAttribute() == "tests/1.0")
        #expect(spans[1].status?.code == .error)
        #expect(spans[1].errors.count == 1)
        #expect(spans[2].attributes["http.route"] == nil)
        // Trace context was looked for in every request's headers.
        #expect(tracer.performedContextExtractions.count == 3)
    }

    @Test func spyglassTracerKeepsEachRequestsSpanAndItsLogLineCarriesTheTrace() async throws {
        let spans = SpanStore(capacity: 100)
        let subject = try InstrumentedApp(tracer: SpyglassTracer(store: spans), metadataProvider: nil)
        let traceID = try await subject.app.test(.live) { client in
            try await client.execute(
                uri: "/v1/jobs/42",
                method: .get,
                headers: [.init("traceparent")!: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]
            ) { $0.headers[.init("X-Trace-ID")!] }
        }
        #expect(traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
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

    @Test func unmatchedPathsShareOneSeries() async throws {
        let subject = try InstrumentedApp()
        try await subject.app.test(.live) { client in
            for index in 0..<1_000 {
                try await client.execute(uri: "/nothing/here/\(index)-\(UUID().uuidString)", method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
        let series = subject.metrics().split(separator: "\n").filter { $0.hasPrefix("http_requests_total{") }
        #expect(series == [#"http_requests_total{method="GET",endpoint="unmatched",status="404"} 1000"#])
    }

    @Test func sizesOfStreamedBodiesAreCounted() async throws {
        let subject = try InstrumentedApp()
        try await subject.app.test(.live) { client in
            try await client.execute(uri: "/v1/stream", method: .get) { #expect(String(buffer: $0.body) == "abcdefg") }
            try await client.execute(uri: "/v1/echo", method: .post, body: ByteBuffer(string: "hello world")) {
                #expect($0.status == .created)
            }
        }
        let metrics = subject.metrics()
        #expect(metrics.contains(#"http_response_size_bytes_sum{method="GET",endpoint="/v1/stream",status="200"} 7"#))
        #expect(metrics.contains(#"http_request_size_bytes_sum{method="POST",endpoint="/v1/echo"} 11"#))
        #expect(metrics.contains(#"http_response_size_bytes_sum{method="POST",endpoint="/v1/echo",status="201"} 11"#))
    }

    @Test func excludedPathsAndGroupedStatusCodes() async throws {
        let subject = try InstrumentedApp(configuration: HTTPInstrumentationConfiguration(excludedPaths: ["/metrics", "/v1/jobs/*"], groupsStatusCodes: true))
        try await subject.app.test(.live) { client in
            try await client.execute(uri: "/v1/jobs/1", method: .get) { response in
                #expect(response.headers[.init("X-Request-ID")!] != nil)  // ids even for excluded paths
            }
            try await client.execute(uri: "/v1/stream", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { _ in }
        }
        let series = subject.metrics().split(separator: "\n").filter { $0.hasPrefix("http_requests_total{") }
        #expect(series == [#"http_requests_total{method="GET",endpoint="/v1/stream",status="2xx"} 1"#])
        #expect(try subject.completedLines().count == 1)
    }

    @Test func accessLogCanBeTurnedOff() async throws {
        let subject = try InstrumentedApp(configuration: HTTPInstrumentationConfiguration(logsRequests: false))
        try await subject.app.test(.live) { client in
            try await client.execute(uri: "/v1/jobs/1", method: .get) { _ in }
        }
        #expect(try subject.completedLines().isEmpty)
        #expect(subject.metrics().contains(#"http_requests_total{method="GET",endpoint="/v1/jobs/{id}",status="200"} 1"#))
    }

    @Test func metricsOnlyRecordsMetricsAndLeavesTheCallersContextAlone() async throws {
        let registry = MetricRegistry()
        let logs = try LogCapture()
        let tracer = InMemoryTracer()
        let router = Router()
        // An outer middleware binds a context; metrics-only binds none of its own, so the handler still sees it.
        router.add(middleware: BindUser())
        router.add(middleware: SpyglassMiddleware(metrics: registry, configuration: .metricsOnly, logger: logs.logger("spyglass.http"), tracer: tracer))
        router.get("/v1/user") { _, _ in SpyglassContext.current.userID ?? "none" }
        router.get("/v1/crash") { _, _ -> String in throw Failure() }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await client.execute(uri: "/v1/user", method: .get, headers: [.init("X-Request-ID")!: "caller-id"]) { response in
                #expect(String(buffer: response.body) == "user-7")
                #expect(response.headers[.init("X-Request-ID")!] == nil)
                #expect(response.headers[.init("X-Trace-ID")!] == nil)
            }
            try await client.execute(uri: "/v1/crash", method: .get) { #expect($0.status == .internalServerError) }
        }
        let metrics = String(decoding: registry.render(), as: UTF8.self)
        #expect(metrics.contains(#"http_requests_total{method="GET",endpoint="/v1/user",status="200"} 1"#))
        #expect(metrics.contains(#"http_requests_total{method="GET",endpoint="/v1/crash",status="500"} 1"#))
        #expect(metrics.contains(#"http_request_duration_seconds_count{method="GET",endpoint="/v1/crash",status="500"} 1"#))
        #expect(metrics.contains(#"http_requests_in_progress{method="GET"} 0"#))
        #expect(tracer.finishedSpans.isEmpty)
        #expect(try logs.lines().filter { $0["message"] as? String == "request_completed" }.isEmpty)
    }

    @Test func metricsEndpointNegotiatesTheFormatAndChecksCredentials() async throws {
        let bearer = try InstrumentedApp(authorization: .bearer(token: "s3cret-token"))
        try await bearer.app.test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"metrics\"")
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer wrong"]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer s3cret-token"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            }
            try await client.execute(
                uri: "/metrics",
                method: .get,
                headers: [.authorization: "Bearer s3cret-token", .accept: "application/openmetrics-text;version=1.0.0"]
            ) { response in
                #expect(response.headers[.contentType]?.hasPrefix("application/openmetrics-text") == true)
                #expect(String(buffer: response.body).hasSuffix("# EOF\n"))
            }
        }
        let basic = try InstrumentedApp(authorization: .basic(username: "prometheus", password: "p@ss"))
        try await basic.app.test(.live) { client in
            let credential = Data("prometheus:p@ss".utf8).base64EncodedString()
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Basic \(credential)"]) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Basic \(credential)x"]) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}
