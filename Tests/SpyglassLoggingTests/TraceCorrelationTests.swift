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
