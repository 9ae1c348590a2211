import Foundation
import InMemoryLogging
import Logging
import ServiceLifecycle
import SpyglassCore
import SpyglassTracing
import Testing
import Tracing

@testable import SpyglassOTLP
@_spi(Export) import SpyglassExport

/// The span export against an OTLP/HTTP collector on a loopback port: batching, the exporter specification's
/// retries, losses counted and reported once, the flush at graceful shutdown, the protobuf and JSON bodies.
@Suite(.timeLimit(.minutes(2))) struct OTLPBatchExporterTests {
    static func span(_ number: UInt64, name: String = "GET /v1/jobs/{id}") -> SpanRecord {
        SpanRecord(
            traceIDHigh: 0x4bf9_2f35_77b3_4da6, traceIDLow: 0xa3ce_929d_0e0e_4736, spanID: number, parentSpanID: number == 1 ? nil : 1,
            operationName: name, kind: .server, startNanosecondsSinceEpoch: 1_000 * number, endNanosecondsSinceEpoch: 2_000 * number,
            status: number == 3 ? SpanStatus(code: .error, message: "boom") : nil,
            attributes: ["http.response.status_code": 200, "http.route": "/v1/jobs/{id}"])
    }

    private func exporter(
        _ endpoint: String,
        transport: OTLPConfiguration.TransportProtocol = .httpProtobuf,
        batch: BatchConfiguration = BatchConfiguration(scheduleDelay: .milliseconds(20)),
        diagnostics: InMemoryLogHandler = InMemoryLogHandler()
    ) -> BatchExporter<SpanRecord> {
        var otlp = OTLPConfiguration(endpoint: endpoint, transport: transport, headers: ["x-api-key": "k1"])
        otlp.spanBatch = batch
        let source = OTLPSource(service: ServiceIdentity(name: "checkout", version: "1.2.3", environment: "test"))
        return BatchExporter(
            batch: batch, requestTimeout: .seconds(10), transport: OTLPHTTPTransport(otlp, signal: .traces),
            retry: RetryPolicy(), diagnostics: Logger(label: "spyglass.otlp") { _ in diagnostics },
            lossMessage: "spans_dropped", warningInterval: .seconds(3600), encode: source.spanEncoder(for: transport))
    }

    /// Runs `exporter` while `body` runs, then shuts it down gracefully and waits until it has stopped.
    private func running(_ exporter: BatchExporter<SpanRecord>, _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(services: [exporter], logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private func spans(in received: OTLPCollector.Received) throws -> [Opentelemetry_Proto_Trace_V1_Span] {
        let request = try OTLPTraceRequest(serializedBytes: received.body)
        return request.resourceSpans.flatMap(\.scopeSpans).flatMap(\.spans)
    }

    @Test func spansArriveAsOneProtobufRequestWithTheirResource() async throws {
        let collector = OTLPCollector()
        try await collector.run { url in
            let export = exporter(url)
            try await running(export) {
                for number in 1...3 { export.enqueue(Self.span(UInt64(number))) }
                var requests = collector.received.makeAsyncIterator()
                let received = try #require(await requests.next())
                #expect(received.path == "/v1/traces")
                #expect(received.contentType == "application/x-protobuf")
                #expect(received.userAgent == OTLPExport.userAgent)
                #expect(received.apiKey == "k1")
                let request = try OTLPTraceRequest(serializedBytes: received.body)
                let resource = try #require(request.resourceSpans.first?.resource)
                let attributes = Dictionary(uniqueKeysWithValues: resource.attributes.map { ($0.key, $0.value.stringValue) })
                #expect(attributes["service.name"] == "checkout" && attributes["service.version"] == "1.2.3")
                #expect(attributes["deployment.environment.name"] == "test")
                let spans = try spans(in: received)
                #expect(spans.map(\.spanID) == [1, 2, 3].map { Data(spanID: $0) })
                #expect(spans.allSatisfy { $0.traceID == Data(traceIDHigh: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736) })
                #expect(spans[0].parentSpanID.isEmpty && spans[1].parentSpanID == Data(spanID: 1))
                #expect(spans[0].kind == .server && spans[0].name == "GET /v1/jobs/{id}")
                #expect(spans[2].status.code == .error && spans[2].status.message == "boom")
                #expect(spans[0].attributes.first { $0.key == "http.response.status_code" }?.value.intValue == 200)
            }
            #expect(export.drops.count(.exportFailed) == 0 && export.drops.count(.queueFull) == 0)
        }
    }

    @Test func aBatchRefusedWith503IsSentAgainAfterRetryAfter() async throws {
        let collector = OTLPCollector(answers: [.init(status: .serviceUnavailable, retryAfter: "1")])
        try await collector.run { url in
            let export = exporter(url)
            try await running(export) {
                export.enqueue(Self.span(1))
                var requests = collector.received.makeAsyncIterator()
                let refused = try #require(await requests.next())
                let start = ContinuousClock.now
                let retried = try #require(await requests.next())
                #expect(ContinuousClock.now - start >= .milliseconds(800), "the collector asked for 1 s (jitter takes at most 20%)")
                #expect(retried.body == refused.body)
            }
            #expect(export.drops.count(.exportFailed) == 0)
        }
    }

    @Test func aPermanentFailureIsCountedAndReportedOnceNotRetried() async throws {
        let collector = OTLPCollector(answers: [.init(status: .badRequest), .init(status: .badRequest)])
        let diagnostics = InMemoryLogHandler()
        try await collector.run { url in
            let export = exporter(
                url, batch: BatchConfiguration(scheduleDelay: .seconds(3600), maxExportBatchSize: 2),
                diagnostics: diagnostics)
            try await running(export) {
                var requests = collector.received.makeAsyncIterator()
                export.enqueue(Self.span(1))
                export.enqueue(Self.span(2))
                _ = try #require(await requests.next(), "a full batch goes at once")
                export.enqueue(Self.span(3))
            }
            #expect(export.drops.count(.exportFailed) == 3)
            let warnings = diagnostics.entries
            #expect(warnings.map(\.message) == ["spans_dropped"], "one warning per reason and interval")
            #expect(warnings.first?.level == .warning)
            #expect(warnings.first?.metadata["reason"] == "export_failed")
            #expect(warnings.first?.metadata["cause"] == "HTTP 400")
        }
        var rest = 0
        for await _ in collector.received { rest += 1 }
        #expect(rest == 1, "the shutdown flush sent span 3 once; neither 400 was retried")
    }

    @Test func aFullQueueDropsAndCountsWhatDoesNotFit() async throws {
        let diagnostics = InMemoryLogHandler()
        let export = exporter(
            "http://127.0.0.1:9", batch: BatchConfiguration(scheduleDelay: .seconds(3600), maxQueueSize: 4, maxExportBatchSize: 4),
            diagnostics: diagnostics)
        for number in 1...10 { export.enqueue(Self.span(UInt64(number))) }
        #expect(export.queued == 4)
        #expect(export.drops.count(.queueFull) == 6)
        #expect(diagnostics.entries.map(\.message) == ["spans_dropped"])
        #expect(diagnostics.entries.first?.metadata["reason"] == "queue_full")
        #expect(diagnostics.entries.first?.metadata["dropped"]?.description == "1", "the first loss is reported at once")
    }

    @Test func gracefulShutdownSendsWhatIsQueuedBeforeTheDelay() async throws {
        let collector = OTLPCollector()
        try await collector.run { url in
            let export = exporter(url, batch: BatchConfiguration(scheduleDelay: .seconds(3600), maxExportBatchSize: 2))
            try await running(export) {
                for number in 1...5 { export.enqueue(Self.span(UInt64(number))) }
                // Two full batches go at once, without waiting for the hour.
                var requests = collector.received.makeAsyncIterator()
                let first = try #require(await requests.next())
                let second = try #require(await requests.next())
                #expect(try spans(in: first).count == 2)
                #expect(try spans(in: second).count == 2)
            }
            #expect(export.queued == 0)
            var requests = collector.received.makeAsyncIterator()
            let flushed = try #require(await requests.next())
            #expect(try spans(in: flushed).map(\.spanID) == [Data(spanID: 5)])
        }
    }

    @Test func jsonBodiesCarryHexIDsAndNumericEnums() async throws {
        let collector = OTLPCollector()
        try await collector.run { url in
            let export = exporter(url, transport: .httpJSON)
            try await running(export) {
                export.enqueue(Self.span(2))
                var requests = collector.received.makeAsyncIterator()
                let received = try #require(await requests.next())
                #expect(received.contentType == "application/json")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(received.body)) as? [String: Any])
                let resourceSpans = try #require(json["resourceSpans"] as? [[String: Any]])
                let scopeSpans = try #require(resourceSpans.first?["scopeSpans"] as? [[String: Any]])
                let span = try #require((scopeSpans.first?["spans"] as? [[String: Any]])?.first)
                #expect(span["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
                #expect(span["spanId"] as? String == "0000000000000002")
                #expect(span["parentSpanId"] as? String == "0000000000000001")
                #expect(span["kind"] as? Int == 2, "SPAN_KIND_SERVER")
            }
        }
    }
}
