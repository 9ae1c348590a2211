@_spi(Export) import SpyglassExport
@_spi(Protobuf) import SpyglassCore
import Logging
import SpyglassLogging
import SpyglassTracing
import Tracing

// Spyglass's records as OTLP protobuf, written with ProtobufWriter straight from the records: the bytes
// swift-protobuf writes for the messages of OTLPEncoding.swift (which OTLP/JSON still goes through). The field
// numbers are opentelemetry-proto v1.11.0's (trace.proto, logs.proto, common.proto, the collector services).

extension OTLPSource {
    /// How a batch of spans is encoded for `transport`: protobuf written directly, or OTLP/JSON through the messages.
    func spanEncoder(for transport: OTLPConfiguration.TransportProtocol) -> @Sendable ([SpanRecord]) throws(ExportFailure) -> [UInt8] {
        guard transport == .httpJSON else { return encodedTraceRequest }
        return { spans throws(ExportFailure) in try OTLPJSON.encode(traceRequest(spans)) }
    }

    /// How a batch of log records is encoded for `transport`.
    func logEncoder(for transport: OTLPConfiguration.TransportProtocol) -> @Sendable ([LogEntry]) throws(ExportFailure) -> [UInt8] {
        guard transport == .httpJSON else { return encodedLogsRequest }
        return { records throws(ExportFailure) in try OTLPJSON.encode(logsRequest(records)) }
    }

    /// An `ExportTraceServiceRequest` holding `spans`.
    func encodedTraceRequest(_ spans: [SpanRecord]) -> [UInt8] {
        encodedRequest(spans) { $0.span($1) }
    }

    /// An `ExportLogsServiceRequest` holding `records`.
    func encodedLogsRequest(_ records: [LogEntry]) -> [UInt8] {
        encodedRequest(records) { $0.logRecord($1) }
    }

    /// Both services' requests have the same shape and field numbers: `resource_spans` / `resource_logs` (1) of a
    /// `resource` (1) and `scope_spans` / `scope_logs` (2), each of a `scope` (1) and its items (2).
    private func encodedRequest<Item>(_ items: [Item], _ write: (inout ProtobufWriter, Item) -> Void) -> [UInt8] {
        var writer = ProtobufWriter(capacity: 64 + items.count * 400)
        writer.message(1) { resource in
            resource.encoded(1, encodedResource)
            resource.message(2) { scope in
                scope.encoded(1, encodedScope)
                for item in items { scope.message(2) { write(&$0, item) } }
            }
        }
        return writer.finish()
    }
}

extension ProtobufWriter {
    /// The fields of a `Span`.
    fileprivate mutating func span(_ record: SpanRecord) {
        traceID(1, high: record.traceIDHigh, low: record.traceIDLow)
        spanID(2, record.spanID)
        if let parent = record.parentSpanID { spanID(4, parent) }
        string(5, record.operationName)
        varint(6, record.kind.otlpNumber)
        fixed64(7, record.startNanosecondsSinceEpoch)
        fixed64(8, record.endNanosecondsSinceEpoch)
        record.forEachAttribute { key, value in keyValue(9, key, value) }
        for event in record.events {
            message(11) { writer in
                writer.fixed64(1, event.nanosecondsSinceEpoch)
                writer.string(2, event.name)
                event.attributes.forEach { key, value in writer.keyValue(3, key, value) }
            }
        }
        for link in record.links {
            message(13) { writer in
                writer.traceID(1, high: link.traceIDHigh, low: link.traceIDLow)
                writer.spanID(2, link.spanID)
            }
        }
        if let status = record.status {
            message(15) { writer in
                writer.string(2, status.message ?? "")
                writer.varint(3, status.code == .ok ? 1 : 2)
            }
        }
        // Only sampled spans are exported: W3C flags 01.
        fixed32(16, 1)
    }

    /// The fields of a `LogRecord`.
    fileprivate mutating func logRecord(_ entry: LogEntry) {
        fixed64(1, entry.nanosecondsSinceEpoch)
        let severity = entry.level.otlpSeverity
        varint(2, Int64(severity.number))
        string(3, severity.text)
        message(5) { $0.string(1, entry.redactedMessage, always: true) }
        for (key, value) in entry.otlpAttributes { keyValue(6, key, value) }
        if let span = entry.span, span.spanID != 0 {
            fixed32(8, span.isSampled ? 1 : 0)
            traceID(9, high: span.traceIDHigh, low: span.traceIDLow)
            spanID(10, span.spanID)
        }
        fixed64(11, entry.nanosecondsSinceEpoch)
    }

    /// A `KeyValue`; nothing for a kind of attribute swift-distributed-tracing may add later.
    mutating func keyValue(_ field: Int, _ key: String, _ value: SpanAttribute) {
        guard value.isExported else { return }
        message(field) { writer in
            writer.string(1, key)
            writer.message(2) { $0.anyValue(value) }
        }
    }

    private mutating func keyValue(_ field: Int, _ key: String, _ value: Logger.Metadata.Value) {
        message(field) { writer in
            writer.string(1, key)
            writer.message(2) { $0.anyValue(value) }
        }
    }

    /// The member of an `AnyValue` that holds `value`.
    private mutating func anyValue(_ value: SpanAttribute) {
        switch value {
        case .int32(let value): varint(3, Int64(value), always: true)
        case .int64(let value): varint(3, value, always: true)
        case .double(let value): double(4, value, always: true)
        case .bool(let value): bool(2, value, always: true)
        case .string(let value): string(1, value, always: true)
        case .stringConvertible(let value): string(1, value.description, always: true)
        case .int32Array(let values): array { for value in values { $0.message(1) { $0.varint(3, Int64(value), always: true) } } }
        case .int64Array(let values): array { for value in values { $0.message(1) { $0.varint(3, value, always: true) } } }
        case .doubleArray(let values): array { for value in values { $0.message(1) { $0.double(4, value, always: true) } } }
        case .boolArray(let values): array { for value in values { $0.message(1) { $0.bool(2, value, always: true) } } }
        case .stringArray(let values): array { for value in values { $0.message(1) { $0.string(1, value, always: true) } } }
        case .stringConvertibleArray(let values):
            array { for value in values { $0.message(1) { $0.string(1, value.description, always: true) } } }
        default: break
        }
    }

    private mutating func anyValue(_ value: Logger.Metadata.Value) {
        switch value {
        case .string(let text): string(1, text, always: true)
        case .stringConvertible(let value): string(1, value.description, always: true)
        case .array(let values): array { for value in values { $0.message(1) { $0.anyValue(value) } } }
        case .dictionary(let dictionary):
            message(6) { list in
                for (key, value) in dictionary.sorted(by: { $0.key < $1.key }) { list.keyValue(1, key, value) }
            }
        }
    }

    /// An `AnyValue`'s `array_value`, whose `values` `body` writes.
    private mutating func array(_ body: (inout ProtobufWriter) -> Void) {
        message(5, body)
    }
}

extension SpanAttribute {
    /// Whether the attribute is of a kind OTLP is given (every kind swift-distributed-tracing has today).
    fileprivate var isExported: Bool {
        switch self {
        case .int32, .int64, .double, .bool, .string, .stringConvertible, .int32Array, .int64Array, .doubleArray,
            .boolArray, .stringArray, .stringConvertibleArray:
            true
        default: false
        }
    }
}

extension SpanKind {
    /// `Span.SpanKind`'s number.
    var otlpNumber: Int64 {
        switch self {
        case .internal: 1
        case .server: 2
        case .client: 3
        case .producer: 4
        case .consumer: 5
        }
    }
}

extension LogEntry {
    /// A log record's attributes: where it was logged (`code.file.path`, `code.function.name`, `code.line.number`),
    /// then the line's redacted attributes in key order.
    var otlpAttributes: [(key: String, value: Logger.Metadata.Value)] {
        var attributes: [(key: String, value: Logger.Metadata.Value)] = []
        forEachAttribute { key, value in attributes.append((key, value)) }
        attributes.sort { $0.key < $1.key }
        return [
            ("code.file.path", .string(file)),
            ("code.function.name", .string(function)),
            ("code.line.number", .string(String(line))),
        ] + attributes
    }
}

extension Logger.Level {
    /// `SeverityNumber` and the severity text: swift-log's `notice` is OpenTelemetry's `INFO2`, `critical` its `FATAL`.
    var otlpSeverity: (number: Int, text: String) {
        switch self {
        case .trace: (1, "TRACE")
        case .debug: (5, "DEBUG")
        case .info: (9, "INFO")
        case .notice: (10, "NOTICE")
        case .warning: (13, "WARN")
        case .error: (17, "ERROR")
        case .critical: (21, "FATAL")
        }
    }
}
