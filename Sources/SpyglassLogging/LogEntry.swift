public import Logging
public import SpyglassCore

/// A line as a ``LogBackend`` wrote it, for an exporter: what the line was made of, redacted only when read.
///
/// The backend hands one to its ``LogEntrySink`` for every line it writes (after the level rule and sampling), on
/// the logging thread; holding the parts costs the line a few retains and, for typed fields, one copy. Reading
/// ``redactedMessage`` or ``forEachAttribute(_:)`` applies the backend's redaction, so an exporter does that work
/// on its own task, off the request path, and sees what standard output shows.
public struct LogEntry: Sendable {
    public var nanosecondsSinceEpoch: UInt64 { timestamp.nanosecondsSinceEpoch }
    public let level: Logger.Level
    /// The logger's label.
    public let label: String
    /// The span active when the line was written.
    public let span: SpanIdentity?
    public let file: String
    public let function: String
    public let line: UInt

    private let timestamp: LogTimestamp
    private let message: String
    private let error: (any Error)?
    private let context: SpyglassContext?
    private let eventMetadata: Logger.Metadata?
    private let fields: [LogField]
    private let handlerMetadata: Logger.Metadata
    private let providerMetadata: Logger.Metadata
    private let redactor: Redactor

    init(_ record: LogRecord, redactor: Redactor) {
        timestamp = record.timestamp
        level = record.level
        label = record.label
        span = record.span
        file = record.file
        function = record.function
        line = record.line
        message = record.message
        error = record.error
        context = record.context
        eventMetadata = record.eventMetadata
        fields = Array(record.fields)
        handlerMetadata = record.handlerMetadata
        providerMetadata = record.providerMetadata
        self.redactor = redactor
    }

    /// An entry of an event logged through swift-log, as the backend would hand it over (for tests of exporters).
    package init(
        nanosecondsSinceEpoch: UInt64,
        level: Logger.Level,
        label: String,
        message: String,
        error: (any Error)? = nil,
        metadata: Logger.Metadata? = nil,
        context: SpyglassContext? = nil,
        span: SpanIdentity? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line,
        redactor: Redactor
    ) {
        timestamp = LogTimestamp(
            secondsSinceEpoch: Int(nanosecondsSinceEpoch / 1_000_000_000), nanoseconds: Int(nanosecondsSinceEpoch % 1_000_000_000))
        self.level = level
        self.label = label
        self.span = span
        self.file = file
        self.function = function
        self.line = line
        self.message = message
        self.error = error
        self.context = context
        eventMetadata = metadata
        fields = []
        handlerMetadata = [:]
        providerMetadata = [:]
        self.redactor = redactor
    }

    /// The id of the request the line was written in.
    public var requestID: String? { context?.requestID }

    /// The message, with credentials removed as on standard output.
    public var redactedMessage: String { redactor.redact(message) }

    /// Every attribute of the line once, redacted as on standard output (values under sensitive keys replaced
    /// whole), in no particular order: the context's ids (`request_id`, `session_id`, `job_id`, `user_id`,
    /// `workspace_id`), the line's metadata (the log call's own over the logger's over the context's fields over
    /// the metadata provider's; the trace keys a provider adds are the entry's ``span``), and an attached error as
    /// `error.type` and `error.message`.
    public func forEachAttribute(_ body: (_ key: String, _ value: Logger.Metadata.Value) -> Void) {
        func emit(_ key: String, _ value: Logger.Metadata.Value) {
            body(key, redactor.isSensitiveKey(key) ? .string(RedactionConfiguration.replacement) : redact(value))
        }
        fields.withUnsafeBufferPointer { fields in
            let record = LogRecord(
                timestamp: timestamp, level: level, label: label, message: message, error: error, context: context,
                span: span, eventMetadata: eventMetadata, fields: fields, handlerMetadata: handlerMetadata,
                providerMetadata: providerMetadata, file: file, function: function, line: line)
            record.forEachMetadata { key, value in
                if error != nil, key == "error.type" || key == "error.message" { return }
                emit(key, value)
            }
            // The context's ids, unless the line's metadata names them itself.
            func id(_ key: String, _ value: String?) {
                if let value, !record.hasMetadata(key) { emit(key, .string(value)) }
            }
            if let context {
                id("request_id", context.requestID)
                id("session_id", context.sessionID)
                id("job_id", context.jobID)
                id("user_id", context.userID)
                id("workspace_id", context.workspaceID)
            }
        }
        if let error {
            emit("error.type", .string(qualifiedTypeName(of: error)))
            emit("error.message", .string(String(describing: error)))
        }
    }

    private func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(redactor.redact(text))
        case .stringConvertible(let convertible): .string(redactor.redact(convertible.description))
        case .array(let values): .array(values.map(redact))
        case .dictionary(let metadata):
            .dictionary(metadata.reduce(into: [:]) { redacted, entry in
                redacted[entry.key] = redactor.isSensitiveKey(entry.key) ? .string(RedactionConfiguration.replacement) : redact(entry.value)
            })
        }
    }
}
