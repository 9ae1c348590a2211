import Instrumentation
import SpyglassCore
import SpyglassDashboard
import Testing
import Tracing

@testable import SpyglassTracing

@Suite struct TraceOperationTests {
    @Test func anOperationNestsUnderTheActiveSpanWithItsAttributes() throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store)
        let count = withTracer(tracer) {
            tracer.withSpan("POST /v1/bundles", ofKind: .server) { _ in
                traceOperation("bundle.export", attributes: ["bundle.id": "b-1"]) { span in
                    span.attributes["artifact_count"] = 3
                    span.addEvent("validation_complete")
                    return 3
                }
            }
        }
        #expect(count == 3)
        let spans = store.spans()
        let request = try #require(spans.first { $0.operationName == "POST /v1/bundles" })
        let export = try #require(spans.first { $0.operationName == "bundle.export" })
        #expect(export.parentSpanID == request.spanID && export.traceIDHex == request.traceIDHex)
        #expect(export.kind == .internal)
        #expect(export.attributes == ["bundle.id": "b-1", "artifact_count": 3])
        #expect(export.events.map(\.name) == ["validation_complete"])
        #expect(export.status == nil)
    }

    @Test func aThrownErrorIsRecordedWithErrorStatusAndRethrown() async throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store)
        await withTracer(tracer) {
            await #expect(throws: Boom.self) {
                try await traceOperation("marketplace.search", ofKind: .client) { _ in
                    await Task.yield()
                    throw Boom()
                }
            }
        }
        let span = try #require(store.spans().first)
        #expect(span.operationName == "marketplace.search" && span.kind == .client)
        #expect(span.status?.code == .error)
        #expect(span.events.map(\.name) == ["exception"])
        #expect(span.events.first?.attributes["exception.type"]?.toSpanAttribute() == .string(String(reflecting: Boom.self)))
    }

    @Test func attributesAreAddedToTheInnermostActiveSpan() async throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store)
        addSpanAttributes(["ignored": "outside any span"])
        #expect(SpyglassSpan.current == nil)
        await withTracer(tracer) {
            await traceOperation("calculate_analytics") { outer in
                addSpanAttributes(["workspace.id": "w-9"])
                await traceOperation("load rows") { inner in
                    #expect(SpyglassSpan.current === inner as? SpyglassSpan)
                    addSpanAttributes(["rows": 12])
                }
                #expect(SpyglassSpan.current === outer as? SpyglassSpan)
            }
        }
        let spans = store.spans()
        #expect(spans.first { $0.operationName == "calculate_analytics" }?.attributes == ["workspace.id": "w-9"])
        #expect(spans.first { $0.operationName == "load rows" }?.attributes == ["rows": 12])
    }

    @Test func aSpanIsFreedOnceItHasEnded() {
        let tracer = SpyglassTracer(store: SpanStore(capacity: 10))
        weak var finished: SpyglassSpan?
        tracer.withSpan("short") { span in finished = span }
        // Its own context names it weakly: nothing is left holding it.
        #expect(finished == nil)
    }

    @Test func outgoingRequestsCarryTheRequestIDWithTheTrace() {
        let tracer = SpyglassTracer(store: SpanStore(capacity: 10))
        SpyglassContext.with({ $0.requestID = "req-42" }) {
            tracer.withSpan("GET /x", ofKind: .client) { span in
                var headers: [String: String] = [:]
                tracer.inject(span.context, into: &headers, using: Headers())
                #expect(headers["X-Request-ID"] == "req-42")
                #expect(headers["traceparent"] == span.identity.traceparent)
            }
        }
        var headers: [String: String] = [:]
        tracer.inject(.topLevel, into: &headers, using: Headers())
        #expect(headers.isEmpty, "no request, no trace: nothing to send")
    }
}
