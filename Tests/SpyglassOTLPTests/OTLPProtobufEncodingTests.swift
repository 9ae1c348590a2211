import Foundation
import Logging
import SpyglassCore
import SpyglassLogging
import SpyglassTracing
import SwiftProtobuf
import Testing
import Tracing

@testable import SpyglassOTLP
@_spi(Export) import SpyglassExport

/// The export requests Spyglass writes itself against swift-protobuf's encoding of the same messages, built from
/// opentelemetry-proto's generated types: the same bytes where the order of fields is fixed, the same message once
/// decoded where it follows a dictionary's.
@Suite struct OTLPProtobufEncodingTests {
    let source = OTLPSource(service: ServiceIdentity(name: "checkout", version: "1.2.3", environment: "test"))

    static func span(
        _ id: UInt64,
        name: String = "GET /v1/jobs/{id}",
        kind: SpanKind = .server,
        status: SpanStatus? = nil,
        attributes: SpanAttributes = [:],
        httpServer: HTTPServerAttributes? = nil,
        events: [SpanEvent] = [],
        links: [SpanRecord.Link] = []
    ) -> SpanRecord {
        SpanRecord(
            traceIDHigh: 0x4bf9_2f35_77b3_4da6, traceIDLow: 0xa3ce_929d_0e0e_4736, spanID: id, parentSpanID: id == 1 ? nil : id - 1,
            operationName: name, kind: kind, startNanosecondsSinceEpoch: 1_764_000_000_000_000_000 + id,
            endNanosecondsSinceEpoch: 1_764_000_000_000_250_000 + id, status: status, attributes: attributes,
            httpServer: httpServer, events: events, links: links)
    }

    /// One attribute of every kind swift-distributed-tracing has, each alone on a span, with the values protobuf
    /// treats specially: zero, false, the empty string, a negative number, empty arrays.
    static let singleAttributes: [SpanAttribute] = [
        .int32(0), .int32(-7), .int64(Int64.min), .int64(42), .double(0), .double(-0.5), .double(.infinity),
        .bool(false), .bool(true), .string(""), .string("héllo ✓"), .stringConvertible(403),
        .int32Array([]), .int32Array([1, -2]), .int64Array([0, .max]), .doubleArray([0.25, 0]), .boolArray([false, true]),
        .stringArray(["", "a"]), .stringConvertibleArray([1, 2.5]),
    ]

    @Test(arguments: singleAttributes)
    func aSpanWithOneAttributeIsWrittenAsSwiftProtobufWritesIt(_ attribute: SpanAttribute) throws {
        var attributes = SpanAttributes()
        attributes["attribute"] = attribute
        let spans = [Self.span(2, attributes: attributes)]
        #expect(source.encodedTraceRequest(spans) == (try source.traceRequest(spans).serializedBytes()))
    }

    @Test func everyKindStatusEventAndLinkIsWrittenAsSwiftProtobufWritesIt() throws {
        let kinds: [SpanKind] = [.server, .client, .producer, .consumer, .internal]
        let statuses: [SpanStatus?] = [nil, SpanStatus(code: .ok), SpanStatus(code: .error), SpanStatus(code: .error, message: "boom")]
        var spans: [SpanRecord] = []
        for (index, kind) in kinds.enumerated() {
            for (offset, status) in statuses.enumerated() {
                spans.append(Self.span(
                    UInt64(index * 10 + offset + 1), kind: kind, status: status,
                    events: [SpanEvent(name: "exception", at: DefaultTracerClock.now, attributes: ["exception.type": "Timeout"])],
                    links: offset == 0 ? [] : [SpanRecord.Link(traceIDHigh: 1, traceIDLow: 2, spanID: 3)]))
            }
        }
        #expect(source.encodedTraceRequest(spans) == (try source.traceRequest(spans).serializedBytes()))
        #expect(source.encodedTraceRequest([]) == (try source.traceRequest([]).serializedBytes()))
    }

    @Test func lengthsOfTwoAndThreeBytesMoveTheMessageUp() throws {
        let spans = [
            Self.span(1, name: String(repeating: "n", count: 200)),
            Self.span(2, attributes: ["body": .string(String(repeating: "é", count: 20_000))]),
        ] + (3...400).map { Self.span(UInt64($0)) }
        let written = source.encodedTraceRequest(spans)
        #expect(written.count > 1 << 14, "the batch's length takes three bytes")
        #expect(written == (try source.traceRequest(spans).serializedBytes()))
    }

    /// An HTTP server span holds its eight attributes typed, beside those set through the API, which it overrides
    /// under the same key: written without building the attribute set, in another order than the set's.
    @Test func anHTTPServerSpansTypedAttributesAreTheSameMessage() throws {
        let typed = HTTPServerAttributes(
            method: "GET", route: "/v1/jobs/{id}", path: "/v1/jobs/42", scheme: "http", statusCode: 200,
            responseBodySize: 17, userAgent: "curl/8", clientAddress: "127.0.0.1")
        let unrouted = HTTPServerAttributes(
            method: "GET", route: nil, path: "/nowhere", scheme: "https", statusCode: 404, responseBodySize: 0,
            userAgent: nil, clientAddress: nil)
        let spans = [
            Self.span(2, attributes: ["user_id": "u1", "http.response.status_code": 500], httpServer: typed),
            Self.span(3, attributes: ["http.route": "/set/by/handler"], httpServer: unrouted),
            Self.span(4, attributes: ["job.kind": "export", "retries": 2, "ratio": 0.5, "tags": .stringArray(["a", "b"])]),
        ]
        let written = try OTLPTraceRequest(serializedBytes: source.encodedTraceRequest(spans))
        #expect(Self.sortingAttributes(written) == Self.sortingAttributes(source.traceRequest(spans)))
        let first = try #require(written.resourceSpans.first?.scopeSpans.first?.spans.first)
        #expect(first.attributes.count == 9)
        #expect(first.attributes.first { $0.key == "http.response.status_code" }?.value.intValue == 200)
        let second = try #require(written.resourceSpans.first?.scopeSpans.first?.spans.dropFirst().first)
        #expect(second.attributes.first { $0.key == "http.route" }?.value.stringValue == "/set/by/handler")
    }

    @Test func logRecordsAreWrittenAsSwiftProtobufWritesThem() throws {
        let levels: [Logger.Level] = [.trace, .debug, .info, .notice, .warning, .error, .critical]
        let spans: [SpanIdentity?] = [
            nil,
            SpanIdentity(traceIDHigh: 0x4bf9, traceIDLow: 0xa3ce, spanID: 0x00f0_67aa_0ba9_02b7, isSampled: true),
            SpanIdentity(traceIDHigh: 0x4bf9, traceIDLow: 0xa3ce, spanID: 7, isSampled: false),
            SpanIdentity(traceIDHigh: 0, traceIDLow: 0, spanID: 0, isSampled: false),
        ]
        let redactor = try Redactor()
        let metadata: Logger.Metadata = [
            "attempt": .stringConvertible(3),
            "tags": ["a", .stringConvertible(2), ["nested"]],
            "user": ["id": "u1", "plan": ["tier": "pro"], "empty": [:]],
            "none": [],
            "password": "hunter2",
        ]
        var records: [LogEntry] = []
        for (index, level) in levels.enumerated() {
            records.append(LogEntry(
                nanosecondsSinceEpoch: 1_764_000_000_000_000_000 + UInt64(index), level: level, label: "jobs",
                message: index == 0 ? "" : "job \(index) finished", error: index == 5 ? CancellationError() : nil,
                metadata: metadata, context: SpyglassContext(requestID: "req-\(index)"), span: spans[index % spans.count],
                file: "Sources/App/Jobs.swift", function: "run()", line: UInt(100 + index), redactor: redactor))
        }
        #expect(source.encodedLogsRequest(records) == (try source.logsRequest(records).serializedBytes()))
        let decoded = try OTLPLogsRequest(serializedBytes: source.encodedLogsRequest(records))
        let record = try #require(decoded.resourceLogs.first?.scopeLogs.first?.logRecords.last)
        #expect(record.attributes.map(\.key) == [
            "code.file.path", "code.function.name", "code.line.number",
            "attempt", "none", "password", "request_id", "tags", "user",
        ])
        #expect(record.attributes.first { $0.key == "password" }?.value.stringValue == "[REDACTED]")
    }

    /// The message with every span's and event's attributes in key order.
    static func sortingAttributes(_ request: OTLPTraceRequest) -> OTLPTraceRequest {
        var request = request
        for resource in request.resourceSpans.indices {
            for scope in request.resourceSpans[resource].scopeSpans.indices {
                for span in request.resourceSpans[resource].scopeSpans[scope].spans.indices {
                    request.resourceSpans[resource].scopeSpans[scope].spans[span].attributes.sort { $0.key < $1.key }
                    for event in request.resourceSpans[resource].scopeSpans[scope].spans[span].events.indices {
                        request.resourceSpans[resource].scopeSpans[scope].spans[span].events[event].attributes.sort { $0.key < $1.key }
                    }
                }
            }
        }
        return request
    }
}
