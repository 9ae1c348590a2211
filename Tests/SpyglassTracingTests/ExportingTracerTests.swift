import Instrumentation
import OTel
import SpyglassCore
import SpyglassDashboard
import Testing
import Tracing

@testable import SpyglassTracing

/// `SpyglassTracer` exporting through swift-otel's real tracer (no exporter): the store keeps the spans under the
/// ids swift-otel gave them, and swift-otel decides sampling and propagation.
@Suite struct ExportingTracerTests {
    private func otelTracer(sampler: OTel.Configuration.TracesConfiguration.SamplerConfiguration) throws -> any Tracer {
        var configuration = OTel.Configuration.default
        configuration.traces.exporter = .none
        configuration.traces.sampler = sampler
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.diagnosticLogLevel = .error
        return try OTel.makeTracingBackend(configuration: configuration).factory
    }

    @Test func theStoreKeepsEachSpanUnderTheExportersIDs() throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store, exportingThrough: try otelTracer(sampler: .alwaysOn))
        var outgoing: [String: String] = [:]
        var exporterTraceID: String?
        tracer.withSpan("GET /v1/jobs", ofKind: .server) { request in
            exporterTraceID = request.context.otelTraceID
            tracer.withSpan("load jobs", context: request.context) { child in
                child.attributes["jobs.count"] = 3
                tracer.inject(child.context, into: &outgoing, using: Headers())
            }
        }
        let spans = store.spans()
        #expect(spans.map(\.operationName) == ["load jobs", "GET /v1/jobs"])
        let (child, request) = (spans[0], spans[1])
        #expect(request.traceIDHex == exporterTraceID)
        #expect(child.traceIDHex == request.traceIDHex)
        #expect(child.parentSpanID == request.spanID)
        #expect(request.parentSpanID == nil)
        #expect(child.attributes == ["jobs.count": 3])
        // What swift-otel propagates is the span the store holds.
        #expect(outgoing["traceparent"] == "00-\(child.traceIDHex)-\(child.spanIDHex)-01")
    }

    @Test func aCallersTraceIsContinuedThroughTheExporter() throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store, exportingThrough: try otelTracer(sampler: .parentBasedAlwaysOn))
        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"], into: &context, using: Headers())
        tracer.withSpan("GET /v1/jobs", context: context, ofKind: .server) { _ in }
        let span = try #require(store.spans().first)
        #expect(span.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(span.parentSpanID == 0x00f0_67aa_0ba9_02b7)
    }

    @Test func aSpanTheExporterDoesNotSampleIsNotKeptButPropagatesTheDecision() throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store, exportingThrough: try otelTracer(sampler: .parentBasedAlwaysOn))
        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"], into: &context, using: Headers())
        var identity: SpanIdentity?
        var outgoing: [String: String] = [:]
        tracer.withSpan("GET /v1/jobs", context: context, ofKind: .server) { span in
            identity = span.context.spanIdentity
            tracer.inject(span.context, into: &outgoing, using: Headers())
        }
        #expect(store.spans().isEmpty)
        let unsampled = try #require(identity)
        #expect(!unsampled.isSampled)
        #expect(unsampled.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(outgoing["traceparent"]?.hasSuffix("-00") == true)
    }

    /// swift-otel's `always_off` skips making ids at all (its documented fast path): such spans are neither
    /// exported nor kept, and carry no ids.
    @Test func withTheExporterOffNothingIsKept() throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store, exportingThrough: try otelTracer(sampler: .alwaysOff))
        var identity: SpanIdentity?
        tracer.withSpan("GET /v1/jobs") { span in identity = span.context.spanIdentity }
        #expect(store.spans().isEmpty)
        #expect(identity == nil)
    }

    @Test func errorsReachBothTheStoreAndTheExporter() throws {
        let store = SpanStore(capacity: 10)
        let tracer = SpyglassTracer(store: store, exportingThrough: try otelTracer(sampler: .alwaysOn))
        #expect(throws: Boom.self) {
            try tracer.withSpan("charge card") { _ in throw Boom() }
        }
        let span = try #require(store.spans().first)
        #expect(span.status?.code == .error)
        #expect(span.events.map(\.name) == ["exception"])
    }
}
