import Logging
import SpyglassCore

/// Everything one log line is made of, gathered once and handed to a line format.
struct LogRecord {
    let timestamp: LogTimestamp
    let level: Logger.Level
    let label: String
    let message: String
    let error: (any Error)?
    let context: SpyglassContext?
    let eventMetadata: Logger.Metadata?
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

    /// Calls `body` for each metadata entry once, the most specific source winning a key: the log call's own
    /// metadata, then the logger's, then the context's free-form fields, then the metadata provider's.
    @inline(__always)
    func forEachMetadata(_ body: (String, Logger.MetadataValue) -> Void) {
        if let eventMetadata {
            for (key, value) in eventMetadata { body(key, value) }
        }
        for (key, value) in handlerMetadata where eventMetadata?[key] == nil {
            body(key, value)
        }
        if let fields = context?.fields, !fields.isEmpty {
            for (key, value) in fields where eventMetadata?[key] == nil && handlerMetadata[key] == nil {
                body(key, .string(value))
            }
        }
        for (key, value) in providerMetadata where !Self.isTraceKey(key) {
            guard eventMetadata?[key] == nil, handlerMetadata[key] == nil, context?.fields[key] == nil else { continue }
            body(key, value)
        }
    }

    private static func isTraceKey(_ key: String) -> Bool {
        key == traceIDKey || key == spanIDKey || key == traceFlagsKey
    }

    /// Whether `key` names a field the line format writes itself, so metadata must not take it over.
    func isReserved(_ key: String) -> Bool {
        // Dispatch on length first: an ordinary key is rejected after at most a few comparisons.
        switch key.utf8.count {
        case 5: return key == "level"
        case 6: return key == "logger" || key == "source" || (key == "job_id" && context?.jobID != nil)
        case 7:
            return key == "message" || key == "service" || key == "version" || key == "span_id"
                || (key == "user_id" && context?.userID != nil)
        case 8: return key == "trace_id"
        case 9: return key == "timestamp"
        case 10:
            return key == "error.type" || (key == "request_id" && context?.requestID != nil)
                || (key == "session_id" && context?.sessionID != nil)
        case 11: return key == "environment"
        case 12: return key == "workspace_id" && context?.workspaceID != nil
        case 13: return key == "error.message"
        default: return false
        }
    }
}
