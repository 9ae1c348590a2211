import Instrumentation
import SpyglassCore
import SpyglassDashboard
import Testing
import Tracing

@testable import SpyglassTracing

/// Reads and writes a plain dictionary of headers.
struct Headers: Extractor, Injector {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

struct Boom: Error {}

@Suite struct SpyglassTracerTests {
    @Test func nestedSpansShareTheTraceAndPointToTheirParent() throws {
        let store = SpanStore(capacity: 100)
        let tracer = SpyglassTracer(store: store)
        tracer.withSpan("GET /v1/jobs/{id}", ofKind: .server) { request in
            request.attributes["http.response.status_code"] = 200
            tracer.withSpan("load job") { child in
                child.attributes["job.id"] = "42"
                child.addEvent("cache_miss")
            }
        }
        let spans = store.spans()
        #expect(spans.map(\.operationName) == ["load job", "GET /v1/jobs/{id}"])
        let (child, root) = (spans[0], spans[1])
        #expect(child.traceIDHigh == root.traceIDHigh && child.traceIDLow == root.traceIDLow)
        #expect(child.parentSpanID == root.spanID)
        #expect(root.parentSpanID == nil)
        #expect(root.kind == .server && child.kind == .internal)
        #expect(root.attributes == ["http.response.status_code": 200])
        #expect(child.attributes == ["job.id": "42"])
        #expect(child.events.map(\.name) == ["cache_miss"])
        #expect(root.endNanosecondsSinceEpoch >= child.endNanosecondsSinceEpoch)
        #expect(child.startNanosecondsSinceEpoch >= root.startNanosecondsSinceEpoch)
        #expect(root.traceIDHex.wholeMatch(of: /[0-9a-f]{32}/) != nil)
        #expect(root.spanIDHex.wholeMatch(of: /[0-9a-f]{16}/) != nil)
    }

    @Test func thrownErrorsBecomeExceptionEventsWithErrorStatus() {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store)
        #expect(throws: Boom.self) {
            try tracer.withSpan("fails") { _ in throw Boom() }
        }
        let span = try! #require(store.spans().first)
        #expect(span.status == SpanStatus(code: .error))
        let exception = try! #require(span.events.first)
        #expect(exception.name == "exception")
        guard case .string(let type) = exception.attributes["exception.type"]?.toSpanAttribute() else { Issue.record("no exception.type"); return }
        #expect(type.hasSuffix("Boom"))
    }

    @Test func traceparentIsContinuedAndInjected() {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store)
        var context = ServiceContext.topLevel
        tracer.extract(
            ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate": "vendor=abc"],
            into: &context,
            using: Headers()
        )
        let span = tracer.startSpan("GET /x", context: context, ofKind: .server)
        var outgoing: [String: String] = [:]
        tracer.inject(span.context, into: &outgoing, using: Headers())
        span.end()

        let record = try! #require(store.spans().first)
        #expect(record.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(record.parentSpanID == 0x00f0_67aa_0ba9_02b7)
        #expect(record.spanID != 0x00f0_67aa_0ba9_02b7)
        #expect(outgoing["traceparent"] == "00-4bf92f3577b34da6a3ce929d0e0e4736-\(record.spanIDHex)-01")
        #expect(outgoing["tracestate"] == "vendor=abc")
    }

    @Test(arguments: [
        "garbage", "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
    ])
    func malformedTraceparentStartsANewTrace(traceparent: String) {
        let tracer = SpyglassTracer(store: SpanStore(capacity: 10))
        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": traceparent], into: &context, using: Headers())
        #expect(context.spanIdentity == nil)
        let span = tracer.startSpan("GET /x", context: context, ofKind: .server)
        #expect(span.parentSpanID == nil)
        #expect(span.identity.traceIDHex != "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    @Test func callersSamplingDecisionIsFollowed() {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store, sampler: .alwaysOn)
        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"], into: &context, using: Headers())
        let span = tracer.startSpan("GET /x", context: context, ofKind: .server)
        #expect(!span.identity.isSampled)
        var outgoing: [String: String] = [:]
        tracer.inject(span.context, into: &outgoing, using: Headers())
        span.end()
        #expect(store.count == 0)
        // Not kept, yet the trace goes on, marked unsampled.
        #expect(outgoing["traceparent"]?.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-") == true)
        #expect(outgoing["traceparent"]?.hasSuffix("-00") == true)
    }

    @Test func aFailedSpanIsKeptEvenWhenItsTraceWasNotSampled() {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store, sampler: .alwaysOff)
        tracer.withSpan("GET /v1/jobs", ofKind: .server) { _ in }
        _ = try? tracer.withSpan("POST /v1/commands", ofKind: .server) { span in
            span.attributes["http.response.status_code"] = 500
            throw Boom()
        }
        let spans = store.spans()
        #expect(spans.map(\.operationName) == ["POST /v1/commands"])
        #expect(spans.first?.status?.code == .error)
        #expect(spans.first?.attributes == ["http.response.status_code": 500])
        #expect(spans.first?.events.map(\.name) == ["exception"])
    }

    struct ConnectionFailed: Error, CustomStringConvertible {
        var description: String { "could not reach postgres://app:hunter2@db.internal:5432/jobs" }
    }

    @Test func credentialsInAttributesEventsAndErrorsAreRedacted() throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store, redactor: try Redactor())
        let key = "sk-proj-" + String(repeating: "AbCd3fGh", count: 6)
        _ = try? tracer.withSpan("GET /v1/echo/{word}", ofKind: .server) { span in
            span.attributes["url.path"] = "/v1/echo/\(key)"
            span.attributes["http.response.status_code"] = 500
            span.addEvent(SpanEvent(name: "retry", attributes: ["authorization": "Bearer \(key)"]))
            throw ConnectionFailed()
        }
        let span = try #require(store.spans().first)
        #expect(span.attributes.get("url.path") == .string("/v1/echo/[REDACTED]"))
        #expect(span.attributes.get("http.response.status_code") == .int64(500))
        #expect(span.events.map(\.name) == ["retry", "exception"])
        let text = "\(span.attributes) \(span.events.map(\.attributes))"
        #expect(!text.contains(key) && !text.contains("hunter2"), "\(text)")
    }

    /// A path keeps its escapes; only the percent-encoded password is cut out of it.
    @Test func percentEncodedCredentialsInAttributesAreRedacted() throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store, redactor: try Redactor())
        tracer.withSpan("GET /v1/jobs/{id}", ofKind: .server) { span in
            span.attributes["url.path"] = "/v1/jobs/postgres%3A%2F%2Fadmin%3AS3cretPassw0rdXYZ%40db%3A5432%2Fapp"
            span.attributes["url.query"] = "q=%7B%22api_key%22%3A+%22k-S3cretKey%22%7D"
        }
        let span = try #require(store.spans().first)
        #expect(span.attributes.get("url.path") == .string("/v1/jobs/postgres%3A%2F%2Fadmin%3A[REDACTED]%40db%3A5432%2Fapp"))
        #expect(span.attributes.get("url.query") == .string("q=%7B%22api_key%22%3A+%22[REDACTED]%22%7D"))
    }

    @Test func ratioSamplingKeepsAboutThatShareOfNewTraces() {
        let store = SpanStore(capacity: 20_000)
        let tracer = SpyglassTracer(store: store, sampler: .ratio(0.1))
        for _ in 0..<20_000 {
            tracer.withSpan("job") { _ in }
        }
        // 2,000 expected; the ids are well mixed, so the count is within a few percent.
        #expect((1_800...2_200).contains(store.count))
        #expect(TraceSampler.ratio(0).root == .never)
        #expect(TraceSampler.ratio(.nan).root == .never)
        #expect(TraceSampler.ratio(1.5).root == .always)
    }

    @Test func endingTwiceRecordsOnce() {
        let store = SpanStore(capacity: 10)
        let span = SpyglassTracer(store: store).startSpan("once", context: .topLevel)
        span.end()
        span.end()
        #expect(store.count == 1)
    }

    @Test func linksPointToTheLinkedSpan() {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store)
        let request = tracer.startSpan("POST /v1/commands", context: .topLevel, ofKind: .server)
        let job = tracer.startSpan("job research", context: .topLevel, ofKind: .consumer)
        job.addLink(request)
        job.end()
        request.end()
        let record = try! #require(store.spans().first)
        #expect(record.links == [SpanRecord.Link(traceIDHigh: request.identity.traceIDHigh, traceIDLow: request.identity.traceIDLow, spanID: request.identity.spanID)])
    }
}
