import Instrumentation
import SpyglassCore
import SpyglassDashboard
import Testing
import Tracing

@testable import SpyglassTracing

/// A context holds a Spyglass span as its one entry: the span names its identity and carries the request's
/// `SpyglassContext`, which children, inner scopes and log lines read through the context as if it were bound.
@Suite struct ActiveSpanContextTests {
    let tracer = SpyglassTracer(store: SpanStore(capacity: 10))

    @Test func aServerSpansContextIsReadThroughItsChildrenAndInnerScopes() throws {
        let request = SpyglassContext(requestID: "req-1", fields: ["tenant": "acme"])
        let server = tracer.startHTTPServerSpan("GET", context: .topLevel, spyglass: request)
        #expect(server.context.spyglass == request)
        #expect(server.context.spanIdentity == server.identity)
        ServiceContext.withValue(server.context) {
            #expect(SpyglassSpan.current === server)
            let child = tracer.startSpan("SELECT", context: ServiceContext.current!)
            #expect(child.context.spyglass?.requestID == "req-1", "a child carries what its parent's context held")
            #expect(child.context.spanIdentity?.traceIDHigh == server.identity.traceIDHigh)
            #expect(child.context.spanIdentity?.spanID == child.identity.spanID)
            child.end()
            SpyglassContext.with({ $0.userID = "u1" }) {
                let inner = ServiceContext.current?.spyglass
                #expect(inner?.requestID == "req-1" && inner?.userID == "u1" && inner?.fields == ["tenant": "acme"])
                #expect(SpyglassSpan.current === server, "binding a context keeps the active span")
            }
        }
        server.end()
    }

    /// Extracting a caller's trace into a span's context replaces the active span, not the request's context.
    @Test func extractingReplacesTheActiveSpansIdentityAndKeepsItsSpyglassContext() throws {
        let server = tracer.startHTTPServerSpan("GET", context: .topLevel, spyglass: SpyglassContext(requestID: "req-2"))
        var context = server.context
        tracer.extract(
            ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"], into: &context,
            using: DictionaryExtractor())
        #expect(context.spanIdentity?.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.activeSpan == nil)
        #expect(context.spyglass?.requestID == "req-2")
        server.end()
    }

    struct DictionaryExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }

    /// The context holds the span, and the span only the context it was started in: no cycle keeps it alive.
    @Test func aSpanIsReleasedWithTheLastContextHoldingIt() {
        weak var released: SpyglassSpan?
        do {
            let span = tracer.startHTTPServerSpan("GET", context: .topLevel, spyglass: SpyglassContext(requestID: "r"))
            released = span
            let context = span.context
            span.end()
            #expect(context.spyglass?.requestID == "r")
        }
        #expect(released == nil)
    }
}
