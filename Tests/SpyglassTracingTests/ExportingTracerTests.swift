import Instrumentation
@_spi(Locking) import SpyglassCore
import SpyglassDashboard
import Testing
import Tracing

@testable import SpyglassTracing

/// `SpyglassTracer` with an export: sampled spans are handed to it as the store keeps them, under the same ids;
/// unsampled ones are not, even those the store keeps because they failed.
@Suite struct ExportingTracerTests {
    final class RecordingSink: SpanSink {
        let records = Locked<[SpanRecord]>([])
        func append(_ span: SpanRecord) { records.withLock { $0.append(span) } }
        var all: [SpanRecord] { records.withLock { $0 } }
    }

    @Test func theExportIsHandedWhatTheStoreKeeps() throws {
        let (store, export) = (SpanStore(capacity: 10), RecordingSink())
        let tracer = SpyglassTracer(store: store, export: export)
        var outgoing: [String: String] = [:]
        tracer.withSpan("GET /v1/jobs", ofKind: .server) { request in
            tracer.withSpan("load jobs", context: request.context) { child in
                child.attributes["jobs.count"] = 3
                tracer.inject(child.context, into: &outgoing, using: Headers())
            }
        }
        let spans = store.spans()
        #expect(spans.map(\.operationName) == ["load jobs", "GET /v1/jobs"])
        #expect(export.all == spans, "in the order they ended")
        let (child, request) = (spans[0], spans[1])
        #expect(child.parentSpanID == request.spanID)
        #expect(outgoing["traceparent"] == "00-\(child.traceIDHex)-\(child.spanIDHex)-01")
    }

    @Test func aCallersTraceIsContinuedAndExported() throws {
        let (store, export) = (SpanStore(capacity: 10), RecordingSink())
        let tracer = SpyglassTracer(store: store, sampler: .ratio(0), export: export)
        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"], into: &context, using: Headers())
        tracer.withSpan("GET /v1/jobs", context: context, ofKind: .server) { _ in }
        let span = try #require(export.all.first)
        #expect(span.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(span.parentSpanID == 0x00f0_67aa_0ba9_02b7)
    }

    @Test func anUnsampledSpanIsNotExportedEvenWhenTheStoreKeepsItsFailure() throws {
        let (store, export) = (SpanStore(capacity: 10), RecordingSink())
        let tracer = SpyglassTracer(store: store, export: export)
        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"], into: &context, using: Headers())
        var outgoing: [String: String] = [:]
        tracer.withSpan("GET /v1/jobs", context: context, ofKind: .server) { span in
            tracer.inject(span.context, into: &outgoing, using: Headers())
        }
        #expect(throws: Boom.self) {
            try tracer.withSpan("charge card", context: context) { _ in throw Boom() }
        }
        #expect(store.spans().map(\.operationName) == ["charge card"])
        #expect(store.spans().first?.status?.code == .error)
        #expect(export.all.isEmpty)
        #expect(outgoing["traceparent"]?.hasSuffix("-00") == true)
    }

    @Test func aSampledFailureReachesBoth() throws {
        let (store, export) = (SpanStore(capacity: 10), RecordingSink())
        let tracer = SpyglassTracer(store: store, export: export)
        #expect(throws: Boom.self) {
            try tracer.withSpan("charge card") { _ in throw Boom() }
        }
        let span = try #require(export.all.first)
        #expect(span.status?.code == .error)
        #expect(span.events.map(\.name) == ["exception"])
        #expect(store.spans() == [span])
    }
}
