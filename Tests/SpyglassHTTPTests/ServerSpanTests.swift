import Foundation
import Logging
@_spi(Locking) import SpyglassCore
import SpyglassDashboard
import SpyglassMetrics
import Testing
import Tracing

@testable import SpyglassHTTP
@testable import SpyglassTracing

/// The server span started and ended through Spyglass's tracer directly, with typed attributes, against the same
/// requests through swift-distributed-tracing's API (a tracer that is not Spyglass's, forwarding to one): the store
/// and the export must get equal spans.
@Suite struct ServerSpanTests {
    /// One request as a middleware would record it.
    struct Request: Sendable, CustomTestStringConvertible {
        var name: String
        var method = "GET"
        var path = "/v1/jobs/42"
        var endpoint: String? = "/v1/jobs/{id}"
        var status = 200
        var headers: [String: String] = ["user-agent": "curl/8.5"]
        var clientAddress: String? = "127.0.0.1"
        var error: (any Error)?
        /// Attributes the handler sets on its span while the request runs.
        var handlerAttributes: SpanAttributes = [:]

        var testDescription: String { name }
    }

    struct Failed: Error, CustomStringConvertible {
        var description: String { "upstream said no to Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc" }
    }

    static let requests: [Request] = [
        Request(name: "matched route"),
        Request(name: "unmatched", path: "/nowhere", endpoint: nil, status: 404, headers: [:], clientAddress: nil),
        Request(name: "credential in the path and user agent", path: "/v1/callback/sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t",
                endpoint: "/v1/callback/{token}", headers: ["user-agent": "bot token=hunter2hunter2"]),
        Request(name: "5xx with a thrown error", method: "POST", status: 503, error: Failed()),
        Request(name: "handler attributes, one under a key the middleware sets",
                handlerAttributes: ["app.tenant": "t1", "http.route": "/handler/said", "http.response.status_code": 7]),
        Request(name: "a caller's trace", headers: ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]),
    ]

    /// The spans one tracer set-up recorded: what the store kept, what the export was handed.
    private struct Recorded {
        var stored: [SpanRecord]
        var exported: [SpanRecord]
    }

    private func record(_ request: Request, exporting: Bool, typed: Bool) throws -> Recorded {
        let store = SpanStore(capacity: 10)
        let export = RecordingSink()
        let spyglass = SpyglassTracer(store: store, export: exporting ? export : nil, redactor: try Redactor())
        let tracer: any Tracer = typed ? spyglass : ForwardingTracer(inner: spyglass)
        let recorder = HTTPRequestRecorder(
            metrics: MetricRegistry(), configuration: HTTPInstrumentationConfiguration(logsRequests: false),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, tracer: tracer)
        let headers = DictionaryHeaders(fields: request.headers)
        let recording = recorder.begin(
            method: request.method, path: request.path, scheme: "http", headers: headers,
            clientAddress: request.clientAddress, requestID: "req-1")
        if !request.handlerAttributes.isEmpty {
            let span = try #require(recording.serviceContext.flatMap { ServiceContext.withValue($0) { SpyglassSpan.current } })
            span.attributes = request.handlerAttributes
        }
        recording.finish(
            status: request.status, responseBytes: 17, endpoint: request.endpoint, error: request.error, requestHeaders: headers)
        #expect(recording.traceID != nil)
        return Recorded(stored: store.spans(), exported: export.records.withLock { $0 })
    }

    @Test(arguments: requests, [false, true])
    func theTypedSpanEqualsTheGenericOne(request: Request, exporting: Bool) throws {
        let typed = try record(request, exporting: exporting, typed: true)
        let generic = try record(request, exporting: exporting, typed: false)
        #expect(typed.stored.count == 1 && generic.stored.count == 1)
        let (typedSpan, genericSpan) = (try #require(typed.stored.first), try #require(generic.stored.first))
        #expect(typedSpan.httpServer != nil && genericSpan.httpServer == nil)

        #expect(typedSpan.operationName == genericSpan.operationName)
        #expect(typedSpan.kind == .server && genericSpan.kind == .server)
        #expect(typedSpan.status == genericSpan.status)
        #expect(typedSpan.attributes == genericSpan.attributes)
        #expect(typedSpan.estimatedBytes == genericSpan.estimatedBytes)
        genericSpan.attributes.forEach { key, value in #expect(typedSpan.attribute(key) == value, "\(key)") }
        #expect(typedSpan.attribute("no.such.key") == nil)
        #expect(typedSpan.events.map(\.name) == genericSpan.events.map(\.name))
        #expect(typedSpan.events.map(\.attributes) == genericSpan.events.map(\.attributes))
        #expect(typedSpan.parentSpanID == genericSpan.parentSpanID)
        if request.headers["traceparent"] != nil {
            #expect(typedSpan.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(genericSpan.traceIDHex == typedSpan.traceIDHex)
        }

        #expect(typed.exported.count == (exporting ? 1 : 0) && generic.exported.count == typed.exported.count)
        // The store and the export are handed the same record.
        #expect(typed.exported == (exporting ? typed.stored : []))
        #expect(generic.exported == (exporting ? generic.stored : []))
    }

    @Test func theFieldsAreWhatTheRequestSaid() throws {
        let request = Self.requests[2]
        let span = try #require(try record(request, exporting: false, typed: true).stored.first)
        #expect(span.operationName == "GET /v1/callback/{token}")
        #expect(span.attributes == [
            "http.request.method": "GET", "http.route": "/v1/callback/{token}", "url.path": "/v1/callback/[REDACTED]",
            "url.scheme": "http", "http.response.status_code": 200, "http.response.body.size": 17,
            "user_agent.original": "bot token=[REDACTED]", "client.address": "127.0.0.1",
        ])
        let failed = try #require(try record(Self.requests[3], exporting: false, typed: true).stored.first)
        #expect(failed.status == SpanStatus(code: .error))
        #expect(failed.events.map(\.name) == ["exception"])
        let unmatched = try #require(try record(Self.requests[1], exporting: false, typed: true).stored.first)
        #expect(unmatched.attribute("http.route") == nil && unmatched.operationName == "GET unmatched")
    }
}

/// Request headers from a dictionary with lowercase names.
struct DictionaryHeaders: HTTPHeaderLookup {
    var fields: [String: String]
    func firstValue(named name: HTTPHeaderName) -> String? { fields[name.text] }
    func values(named name: HTTPHeaderName) -> [String] { fields[name.text].map { [$0] } ?? [] }
    func forEachField(_ body: (_ name: String, _ value: String) -> Void) {
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { body(name, value) }
    }
}

/// A tracer that is not Spyglass's, in front of one: the middleware takes swift-distributed-tracing's path.
struct ForwardingTracer: Tracer {
    let inner: SpyglassTracer

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> SpyglassSpan {
        inner.startSpan(operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line)
    }

    func activeSpan(identifiedBy context: ServiceContext) -> SpyglassSpan? { inner.activeSpan(identifiedBy: context) }
    func forceFlush() { inner.forceFlush() }
    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier { inner.extract(carrier, into: &context, using: extractor) }
    func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier { inner.inject(context, into: &carrier, using: injector) }
}

/// An export that keeps every record it is handed.
final class RecordingSink: SpanSink {
    let records = Locked<[SpanRecord]>([])
    func append(_ span: SpanRecord) { records.withLock { $0.append(span) } }
}
