import Logging
import OTel
import SpyglassCore
import SpyglassLogging
import SpyglassTestSupport
import Testing
import Tracing

@Suite struct TraceCorrelationTests {
    @Test func linesInsideASpanCarryItsTraceAndSpanIDs() async throws {
        let capture = try LogCapture()
        var otel = OTel.Configuration.default
        otel.traces.exporter = .none
        otel.metrics.enabled = false
        otel.logs.enabled = false
        let tracing = try OTel.makeTracingBackend(configuration: otel)
        let logger = capture.logger(metadataProvider: OTel.makeLoggingMetadataProvider())

        logger.info("before")
        var traceID: String?
        tracing.factory.withSpan("outer", context: .topLevel) { _ in
            traceID = ServiceContext.current?.otelTraceID
            logger.info("outer")
            tracing.factory.withSpan("inner") { _ in logger.info("inner") }
        }
        let lines = try capture.lines()
        #expect(lines[0]["trace_id"] == nil && lines[0]["span_id"] == nil)
        let expectedTraceID = try #require(traceID)
        for line in lines.dropFirst() {
            #expect(line["trace_id"] as? String == expectedTraceID)
            #expect((line["span_id"] as? String)?.wholeMatch(of: /[0-9a-f]{16}/) != nil)
            #expect(line["trace_flags"] == nil)
        }
        #expect(lines[1]["span_id"] as? String != lines[2]["span_id"] as? String)
    }
}

@Suite struct SpanIdentityCorrelationTests {
    let span = SpanIdentity(traceIDHigh: 0x4bf9_2f35_77b3_4da6, traceIDLow: 0xa3ce_929d_0e0e_4736, spanID: 0x00f0_67aa_0ba9_02b7, isSampled: true)

    @Test func linesInsideASpyglassSpanCarryItsIDsWithoutAProvider() throws {
        let capture = try LogCapture()
        let logger = capture.logger()
        var context = ServiceContext.topLevel
        context.spanIdentity = span
        ServiceContext.withValue(context) { logger.info("inside") }
        logger.info("outside")
        let lines = try capture.lines()
        #expect(lines[0]["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(lines[0]["span_id"] as? String == "00f067aa0ba902b7")
        #expect(lines[1]["trace_id"] == nil && lines[1]["span_id"] == nil)
    }

    @Test func aProvidersIDsTakePrecedence() throws {
        let capture = try LogCapture { $0.format = .console }
        let logger = capture.logger(metadataProvider: Logger.MetadataProvider { ["trace_id": "from-provider"] })
        var context = ServiceContext.topLevel
        context.spanIdentity = span
        ServiceContext.withValue(context) { logger.info("inside") }
        let text = try capture.rawLines().joined(separator: "\n")
        #expect(text.contains("trace_id=from-provider"))
        #expect(text.contains("span_id=00f067aa0ba902b7"))
    }
}
