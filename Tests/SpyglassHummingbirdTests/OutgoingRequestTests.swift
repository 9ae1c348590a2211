import AsyncHTTPClient
@_spi(Locking) import SpyglassCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SpyglassMetrics
import SpyglassDashboard
import SpyglassTracing
import Testing

@testable import SpyglassHummingbird

/// Outgoing HTTP through AsyncHTTPClient, from inside a request served with the Spyglass middleware.
@Suite struct OutgoingRequestTests {
    /// The headers a downstream service received.
    final class Received: Sendable {
        let headers = Locked<[(traceparent: String?, requestID: String?)]>([])
    }

    @Test func aCallGetsAClientSpanUnderTheRequestAndCarriesItsTraceAndRequestID() async throws {
        let received = Received()
        let downstream = Router()
        downstream.get("/inventory") { request, _ in
            received.headers.withLock {
                $0.append((request.headers[.init("traceparent")!], request.headers[.init("X-Request-ID")!]))
            }
            return "12"
        }
        let spans = SpanStore(capacity: 100)
        let tracer = SpyglassTracer(store: spans)
        var configuration = HTTPClient.Configuration()
        // AsyncHTTPClient takes the tracer installed when it is configured; Spyglass.bootstrap installs its own.
        configuration.tracing.tracer = tracer
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

        try await Application(router: downstream, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { down in
            let downstreamPort = try #require(down.port)
            let upstream = Router()
            upstream.add(middleware: SpyglassMiddleware(metrics: MetricRegistry(), configuration: .init(logsRequests: false), tracer: tracer))
            upstream.get("/v1/stock") { _, _ in
                let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(downstreamPort)/inventory"), timeout: .seconds(30))
                return String(buffer: try await response.body.collect(upTo: 1024))
            }
            let (requestID, traceID) = try await Application(router: upstream, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { up in
                try await up.execute(uri: "/v1/stock", method: .get) { response in
                    #expect(String(buffer: response.body) == "12")
                    return (response.headers[.init("X-Request-ID")!], response.headers[.init("X-Trace-ID")!])
                }
            }
            let server = try #require(spans.spans().first { $0.operationName == "GET /v1/stock" })
            let call = try #require(spans.spans().first { $0.kind == .client })
            #expect(call.operationName == "GET")
            #expect(call.parentSpanID == server.spanID && call.traceIDHex == server.traceIDHex)
            #expect(call.traceIDHex == traceID)
            #expect(call.attributes["server.address"]?.toSpanAttribute() == "127.0.0.1")
            let headers = try #require(received.headers.withLock { $0 }.first)
            #expect(headers.traceparent == "00-\(call.traceIDHex)-\(call.spanIDHex)-01", "the downstream span continues the client span")
            #expect(headers.requestID != nil && headers.requestID == requestID)
        }
        try await client.shutdown()
    }
}
