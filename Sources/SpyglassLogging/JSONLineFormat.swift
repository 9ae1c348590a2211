import Logging
import SpyglassCore

/// Writes a ``LogRecord`` as one JSON object, with the seeds' keys (README's "Logging" lists them):
///
/// `{"timestamp":"…","level":"info","logger":"api","message":"…","service":"…","environment":"…",
/// "version":"…","trace_id":"…","span_id":"…","request_id":"…",…metadata…}`
final class JSONLineFormat: LineFormat {
    let policy: TextPolicy
    let includeSource: Bool
    /// `,"service":"…","environment":"…","version":"…"`, encoded once.
    let serviceFields: [UInt8]

    init(service: ServiceIdentity, includeSource: Bool, policy: TextPolicy) {
        self.policy = policy
        self.includeSource = includeSource
        serviceFields = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { storage in
            var buffer = LineBuffer(initialStorage: storage)
            for (key, value) in [("service", service.name), ("environment", service.environment), ("version", service.version)] {
                buffer.append(UInt8(ascii: ","))
                buffer.appendJSONString(key, policy: policy)
                buffer.append(UInt8(ascii: ":"))
                buffer.appendJSONString(value, policy: policy)
            }
            return Array(buffer.bytes)
        }
    }

    func write(_ record: LogRecord, into line: inout LineBuffer) {
        line.append(ascii: "{\"timestamp\":\"")
        line.append(timestamp: record.timestamp)
        line.append(ascii: "\",\"level\":\"")
        line.append(ascii: Self.name(of: record.level))
        line.append(ascii: "\",\"logger\":")
        line.appendJSONString(verbatim: record.label)
        line.append(ascii: ",\"message\":")
        line.appendJSONString(record.message, policy: policy)
        serviceFields.withUnsafeBufferPointer { line.append($0) }

        if let traceID = record.traceID {
            line.append(ascii: ",\"trace_id\":")
            line.appendJSON(traceID, policy: policy)
        } else if let span = record.span {
            line.append(ascii: ",\"trace_id\":\"")
            line.append(hex: span.traceIDHigh)
            line.append(hex: span.traceIDLow)
            line.append(UInt8(ascii: "\""))
        }
        if let spanID = record.spanID {
            line.append(ascii: ",\"span_id\":")
            line.appendJSON(spanID, policy: policy)
        } else if let span = record.span {
            line.append(ascii: ",\"span_id\":\"")
            line.append(hex: span.spanID)
            line.append(UInt8(ascii: "\""))
        }
        if let context = record.context {
            appendField("request_id", context.requestID, into: &line)
            appendField("session_id", context.sessionID, into: &line)
            appendField("job_id", context.jobID, into: &line)
            appendField("user_id", context.userID, into: &line)
            appendField("workspace_id", context.workspaceID, into: &line)
        }
        if let error = record.error {
            line.append(ascii: ",\"error.type\":")
            line.appendJSONString(qualifiedTypeName(of: error), policy: policy)
            line.append(ascii: ",\"error.message\":")
            line.appendJSONString(String(describing: error), policy: policy)
        }
        if !record.fields.isEmpty { appendFields(of: record, into: &line) }
        record.forEachMetadata(includingFields: false) { key, value in
            appendMetadata(key: key, value: value, of: record, into: &line)
        }
        if includeSource {
            line.append(ascii: ",\"source\":{\"file\":")
            line.appendJSONString(record.file, policy: policy)
            line.append(ascii: ",\"function\":")
            line.appendJSONString(record.function, policy: policy)
            line.append(ascii: ",\"line\":")
            line.append(decimal: record.line)
            line.append(UInt8(ascii: "}"))
        }
        line.append(UInt8(ascii: "}"))
    }

    /// The typed fields, each key's JSON form written as prepared. Kept out of `write`: inlined there, it made
    /// the compiler stop inlining the metadata loop, which cost every ordinary line 5% (callgrind).
    @inline(never)
    private func appendFields(of record: LogRecord, into line: inout LineBuffer) {
        for field in record.fields {
            if field.key.mayBeReserved, field.key.name.withUTF8Bytes({ record.isReserved(utf8: $0) }) {
                appendMetadata(key: field.key.name, value: field.value.metadataValue, of: record, into: &line)
                continue
            }
            field.key.json.withUnsafeBufferPointer { line.append($0) }
            if field.key.isSensitive {
                line.appendJSONString(verbatim: RedactionConfiguration.replacement)
                continue
            }
            switch field.value {
            case .string(let text): line.appendJSONString(text, policy: policy)
            case .int(let number): line.append(decimal: number)
            case .double(let number): line.appendJSON(number, policy: policy)
            case .object(let fields): line.appendJSON(.dictionary(fields), policy: policy)
            }
        }
    }

    /// One metadata entry, in one pass over the key's bytes: reserved-name check, escaped copy, sensitivity.
    @inline(__always)
    private func appendMetadata(key: String, value: Logger.MetadataValue, of record: LogRecord, into line: inout LineBuffer) {
        let isSensitive = key.withUTF8Bytes { bytes in
            line.append(ascii: ",\"")
            if record.isReserved(utf8: bytes) { line.append(ascii: "metadata.") }
            line.append(escaping: bytes[...], as: .json)
            line.append(ascii: "\":")
            return policy.redactor.isSensitiveKey(utf8: bytes)
        }
        if isSensitive {
            line.appendJSONString(verbatim: RedactionConfiguration.replacement)
        } else if case .string(let text) = value {
            // Most values are strings: written directly, without passing (and copying) the value on.
            line.appendJSONString(text, policy: policy)
        } else {
            line.appendJSON(value, policy: policy)
        }
    }

    /// swift-log's level names, lowercase.
    private static func name(of level: Logger.Level) -> StaticString {
        switch level {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        }
    }

    private func appendField(_ key: StaticString, _ value: String?, into line: inout LineBuffer) {
        guard let value else { return }
        line.append(ascii: ",\"")
        line.append(ascii: key)
        line.append(ascii: "\":")
        line.appendJSONString(value, policy: policy)
    }
}

extension LineBuffer {
    /// Appends text as a JSON string, escaped but neither scanned for credentials nor cut: for metadata keys,
    /// logger labels and fixed text. Keys and labels are names chosen in code, and a key that names a
    /// credential hides its whole value instead.
    mutating func appendJSONString(verbatim text: String) {
        append(UInt8(ascii: "\""))
        text.withUTF8Bytes { append(escaping: $0[...], as: .json) }
        append(UInt8(ascii: "\""))
    }

    mutating func appendJSONString(_ text: String, policy: TextPolicy) {
        append(UInt8(ascii: "\""))
        append(text: text, policy: policy, escaping: .json)
        append(UInt8(ascii: "\""))
    }

    /// Appends a metadata value: strings as JSON strings, numbers and booleans given as
    /// `.stringConvertible` as JSON numbers and booleans, arrays and dictionaries as JSON arrays and objects
    /// (their sensitive keys redacted too).
    mutating func appendJSON(_ value: Logger.MetadataValue, policy: TextPolicy) {
        switch value {
        case .string(let text):
            appendJSONString(text, policy: policy)
        case .stringConvertible(let convertible):
            appendJSON(convertible: convertible, policy: policy)
        case .array(let values):
            append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { append(UInt8(ascii: ",")) }
                appendJSON(element, policy: policy)
            }
            append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            append(UInt8(ascii: "{"))
            var first = true
            for (key, element) in dictionary {
                if !first { append(UInt8(ascii: ",")) }
                first = false
                appendJSONString(verbatim: key)
                append(UInt8(ascii: ":"))
                if policy.redactor.isSensitiveKey(key) {
                    appendJSONString(verbatim: RedactionConfiguration.replacement)
                } else {
                    appendJSON(element, policy: policy)
                }
            }
            append(UInt8(ascii: "}"))
        }
    }

    /// A double as a JSON number, or as a string when it has no JSON form (infinity, NaN).
    mutating func appendJSON(_ number: Double, policy: TextPolicy) {
        if number.isFinite { append(describing: number) } else { appendJSONString(number.description, policy: policy) }
    }

    private mutating func appendJSON(convertible: any CustomStringConvertible & Sendable, policy: TextPolicy) {
        switch convertible {
        case let number as Int: append(decimal: number)
        case let number as Double: appendJSON(number, policy: policy)
        case let flag as Bool: append(ascii: flag ? "true" : "false")
        case let number as any BinaryInteger: append(utf8: number.description)
        case let number as Float where number.isFinite: append(utf8: number.description)
        default: appendJSONString(convertible.description, policy: policy)
        }
    }
}
