import Foundation
import Logging
@_spi(Protobuf) import SpyglassCore
import SpyglassLogging
import SpyglassTracing
import Tracing

// Spyglass's finished spans and log records as the OTLP messages of opentelemetry-proto (Generated/): what OTLP/JSON
// is written from, and what the tests decode OTLP protobuf into (OTLPProtobufEncoding.swift writes it directly).

typealias OTLPTraceRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
typealias OTLPTraceResponse = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse
typealias OTLPLogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
typealias OTLPLogsResponse = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse
typealias OTLPKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
typealias OTLPAnyValue = Opentelemetry_Proto_Common_V1_AnyValue

/// The resource and instrumentation scope every exported span and log record is sent under.
struct OTLPSource: Sendable {
    let resource: Opentelemetry_Proto_Resource_V1_Resource
    let scope: Opentelemetry_Proto_Common_V1_InstrumentationScope
    /// The two as protobuf, written once: each request repeats them.
    let encodedResource: [UInt8]
    let encodedScope: [UInt8]

    /// `service.name`, `service.version`, `deployment.environment.name` and `telemetry.sdk.name` / `telemetry.sdk.language`
    /// (Spyglass has no release number to report as `telemetry.sdk.version`).
    init(service: ServiceIdentity) {
        let attributes = [
            ("service.name", service.name),
            ("service.version", service.version),
            ("deployment.environment.name", service.environment),
            ("telemetry.sdk.name", "spyglass"),
            ("telemetry.sdk.language", "swift"),
        ]
        let scopeName = "spyglass"
        var resource = Opentelemetry_Proto_Resource_V1_Resource()
        resource.attributes = attributes.map { OTLPKeyValue($0, .string($1)) }
        self.resource = resource
        var scope = Opentelemetry_Proto_Common_V1_InstrumentationScope()
        scope.name = scopeName
        self.scope = scope
        var resourceWriter = ProtobufWriter()
        for (key, value) in attributes { resourceWriter.keyValue(1, key, SpanAttribute.string(value)) }
        encodedResource = resourceWriter.finish()
        var scopeWriter = ProtobufWriter()
        scopeWriter.string(1, scopeName)
        encodedScope = scopeWriter.finish()
    }

    func traceRequest(_ spans: [SpanRecord]) -> OTLPTraceRequest {
        var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scopeSpans.scope = scope
        scopeSpans.spans = spans.map(Opentelemetry_Proto_Trace_V1_Span.init)
        var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resourceSpans.resource = resource
        resourceSpans.scopeSpans = [scopeSpans]
        var request = OTLPTraceRequest()
        request.resourceSpans = [resourceSpans]
        return request
    }

    func logsRequest(_ records: [LogEntry]) -> OTLPLogsRequest {
        var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scopeLogs.scope = scope
        scopeLogs.logRecords = records.map(Opentelemetry_Proto_Logs_V1_LogRecord.init)
        var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
        resourceLogs.resource = resource
        resourceLogs.scopeLogs = [scopeLogs]
        var request = OTLPLogsRequest()
        request.resourceLogs = [resourceLogs]
        return request
    }
}

extension Data {
    /// A trace id's 16 bytes, big-endian, as W3C and OTLP write it.
    init(traceIDHigh: UInt64, low: UInt64) {
        self.init(capacity: 16)
        append(bigEndian: traceIDHigh)
        append(bigEndian: low)
    }

    /// A span id's 8 bytes, big-endian.
    init(spanID: UInt64) {
        self.init(capacity: 8)
        append(bigEndian: spanID)
    }

    private mutating func append(bigEndian value: UInt64) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

extension Opentelemetry_Proto_Trace_V1_Span {
    init(_ record: SpanRecord) {
        self.init()
        traceID = Data(traceIDHigh: record.traceIDHigh, low: record.traceIDLow)
        spanID = Data(spanID: record.spanID)
        if let parent = record.parentSpanID { parentSpanID = Data(spanID: parent) }
        // Only sampled spans are exported: W3C flags 01.
        flags = 1
        name = record.operationName
        kind = Opentelemetry_Proto_Trace_V1_Span.SpanKind(rawValue: Int(record.kind.otlpNumber)) ?? .unspecified
        startTimeUnixNano = record.startNanosecondsSinceEpoch
        endTimeUnixNano = record.endNanosecondsSinceEpoch
        attributes = [OTLPKeyValue](record.attributes)
        events = record.events.map { event in
            var exported = Opentelemetry_Proto_Trace_V1_Span.Event()
            exported.name = event.name
            exported.timeUnixNano = event.nanosecondsSinceEpoch
            exported.attributes = [OTLPKeyValue](event.attributes)
            return exported
        }
        links = record.links.map { link in
            var exported = Opentelemetry_Proto_Trace_V1_Span.Link()
            exported.traceID = Data(traceIDHigh: link.traceIDHigh, low: link.traceIDLow)
            exported.spanID = Data(spanID: link.spanID)
            return exported
        }
        if let status = record.status {
            var exported = Opentelemetry_Proto_Trace_V1_Status()
            exported.code = status.code == .ok ? .ok : .error
            if let message = status.message { exported.message = message }
            self.status = exported
        }
    }
}

extension [OTLPKeyValue] {
    init(_ attributes: SpanAttributes) {
        self.init()
        reserveCapacity(attributes.count)
        attributes.forEach { key, value in
            if let value = OTLPAnyValue(value) { append(OTLPKeyValue(key, value)) }
        }
    }
}

extension OTLPKeyValue {
    init(_ key: String, _ value: OTLPAnyValue) {
        self.init()
        self.key = key
        self.value = value
    }
}

extension OTLPAnyValue {
    static func string(_ text: String) -> OTLPAnyValue {
        var value = OTLPAnyValue()
        value.stringValue = text
        return value
    }

    private static func array(_ values: [OTLPAnyValue]) -> OTLPAnyValue {
        var array = Opentelemetry_Proto_Common_V1_ArrayValue()
        array.values = values
        var value = OTLPAnyValue()
        value.arrayValue = array
        return value
    }

    private init(int: Int64) {
        self.init()
        intValue = int
    }

    private init(double: Double) {
        self.init()
        doubleValue = double
    }

    private init(bool: Bool) {
        self.init()
        boolValue = bool
    }

    /// `nil` for a kind of attribute swift-distributed-tracing may add later.
    init?(_ attribute: SpanAttribute) {
        switch attribute {
        case .int32(let value): self.init(int: Int64(value))
        case .int64(let value): self.init(int: value)
        case .double(let value): self.init(double: value)
        case .bool(let value): self.init(bool: value)
        case .string(let value): self = .string(value)
        case .stringConvertible(let value): self = .string(value.description)
        case .int32Array(let values): self = .array(values.map { OTLPAnyValue(int: Int64($0)) })
        case .int64Array(let values): self = .array(values.map { OTLPAnyValue(int: $0) })
        case .doubleArray(let values): self = .array(values.map { OTLPAnyValue(double: $0) })
        case .boolArray(let values): self = .array(values.map { OTLPAnyValue(bool: $0) })
        case .stringArray(let values): self = .array(values.map { .string($0) })
        case .stringConvertibleArray(let values): self = .array(values.map { .string($0.description) })
        default: return nil
        }
    }

    /// A log record's metadata value: text, a list, or a key–value list.
    init(_ metadata: Logger.Metadata.Value) {
        switch metadata {
        case .string(let text): self = .string(text)
        case .stringConvertible(let value): self = .string(value.description)
        case .array(let values): self = .array(values.map(OTLPAnyValue.init))
        case .dictionary(let dictionary):
            var list = Opentelemetry_Proto_Common_V1_KeyValueList()
            list.values = dictionary.sorted { $0.key < $1.key }.map { OTLPKeyValue($0.key, OTLPAnyValue($0.value)) }
            self.init()
            kvlistValue = list
        }
    }
}

extension Opentelemetry_Proto_Logs_V1_LogRecord {
    init(_ entry: LogEntry) {
        self.init()
        timeUnixNano = entry.nanosecondsSinceEpoch
        observedTimeUnixNano = entry.nanosecondsSinceEpoch
        let severity = entry.level.otlpSeverity
        severityNumber = Opentelemetry_Proto_Logs_V1_SeverityNumber(rawValue: severity.number) ?? .unspecified
        severityText = severity.text
        body = .string(entry.redactedMessage)
        attributes = entry.otlpAttributes.map { OTLPKeyValue($0.key, OTLPAnyValue($0.value)) }
        if let span = entry.span, span.spanID != 0 {
            traceID = Data(traceIDHigh: span.traceIDHigh, low: span.traceIDLow)
            spanID = Data(spanID: span.spanID)
            flags = span.isSampled ? 1 : 0
        }
    }
}
