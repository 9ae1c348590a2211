import Logging
import SpyglassCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything one log line is made of, gathered once and handed to a line format.
struct LogRecord {
    let timestamp: LogTimestamp
    let level: Logger.Level
    let label: String
    let message: String
    let error: (any Error)?
    let context: SpyglassContext?
    /// The active span started by Spyglass's tracer; its ids are written unless the provider supplied others.
    let span: SpanIdentity?
    let eventMetadata: Logger.Metadata?
    /// The typed fields of a line written through ``SpyglassLogHandler/log(level:_:fields:error:file:function:line:)``;
    /// they stand where the log call's own metadata stands. Valid only while the line is written.
    let fields: UnsafeBufferPointer<LogField>
    let handlerMetadata: Logger.Metadata
    /// What the logger's metadata provider returned (for example swift-otel's trace and span ids).
    let providerMetadata: Logger.Metadata
    let file: String
    let function: String
    let line: UInt

    /// Provider keys that carry the active span; they are written as dedicated fields, not as metadata.
    static let traceIDKey = "trace_id"
    static let spanIDKey = "span_id"
    static let traceFlagsKey = "trace_flags"

    var traceID: Logger.MetadataValue? { providerMetadata.isEmpty ? nil : providerMetadata[Self.traceIDKey] }
    var spanID: Logger.MetadataValue? { providerMetadata.isEmpty ? nil : providerMetadata[Self.spanIDKey] }

    /// Calls `body` for each metadata entry once, the most specific source winning a key: the typed fields or the
    /// log call's own metadata, then the logger's, then the context's free-form fields, then the metadata provider's.
    /// A format that writes the typed fields itself passes `includingFields: false`.
    @inline(__always)
    func forEachMetadata(includingFields: Bool = true, _ body: (String, Logger.MetadataValue) -> Void) {
        if includingFields {
            for field in fields { body(field.key.name, field.value.metadataValue) }
        }
        if let eventMetadata {
            for (key, value) in eventMetadata { body(key, value) }
        }
        for (key, value) in handlerMetadata where !isOwn(key) {
            body(key, value)
        }
        if let fields = context?.fields, !fields.isEmpty {
            for (key, value) in fields where !isOwn(key) && handlerMetadata[key] == nil {
                body(key, .string(value))
            }
        }
        for (key, value) in providerMetadata where !Self.isTraceKey(key) {
            guard !isOwn(key), handlerMetadata[key] == nil, context?.fields[key] == nil else { continue }
            body(key, value)
        }
    }

    /// Whether any of the line's metadata sources (``forEachMetadata(includingFields:_:)``'s) has `key`.
    func hasMetadata(_ key: String) -> Bool {
        isOwn(key) || handlerMetadata[key] != nil || context?.fields[key] != nil
            || (!Self.isTraceKey(key) && providerMetadata[key] != nil)
    }

    /// Whether the log call itself set `key`, as metadata or as a typed field.
    @inline(__always)
    private func isOwn(_ key: String) -> Bool {
        if eventMetadata?[key] != nil { return true }
        for field in fields where field.key.name == key { return true }
        return false
    }

    private static func isTraceKey(_ key: String) -> Bool {
        key == traceIDKey || key == spanIDKey || key == traceFlagsKey
    }

    /// Whether `key` names a field the line format writes itself, so metadata must not take it over.
    func isReserved(_ key: String) -> Bool {
        key.withUTF8Bytes { isReserved(utf8: $0) }
    }

    /// ``isReserved(_:)`` for a key's UTF-8 bytes.
    func isReserved(utf8 key: UnsafeBufferPointer<UInt8>) -> Bool {
        Self.isReserved(utf8: key, context: context)
    }

    /// Whether a line written in `context` reserves `key`: the fixed fields always, a context id when it is set.
    static func isReserved(utf8 key: UnsafeBufferPointer<UInt8>, context: SpyglassContext?) -> Bool {
        func equals(_ name: StaticString) -> Bool {
            memcmp(key.baseAddress!, name.utf8Start, key.count) == 0
        }
        // Dispatch on length first: an ordinary key is rejected after at most a few comparisons.
        switch key.count {
        case 5: return equals("level")
        case 6: return equals("logger") || equals("source") || (equals("job_id") && context?.jobID != nil)
        case 7:
            return equals("message") || equals("service") || equals("version") || equals("span_id")
                || (equals("user_id") && context?.userID != nil)
        case 8: return equals("trace_id")
        case 9: return equals("timestamp")
        case 10:
            return equals("error.type") || (equals("request_id") && context?.requestID != nil)
                || (equals("session_id") && context?.sessionID != nil)
        case 11: return equals("environment")
        case 12: return equals("workspace_id") && context?.workspaceID != nil
        case 13: return equals("error.message")
        default: return false
        }
    }
}
