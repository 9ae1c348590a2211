import Instrumentation
public import Logging
public import SpyglassCore

/// Passes each event to another log handler as Spyglass writes its own lines: with the request's context
/// (`request_id`, `session_id`, `job_id`, `user_id`, `workspace_id` and the free-form fields) as metadata, and with
/// credentials removed (the message and every value scanned for secrets, values under sensitive keys replaced whole).
///
/// `Spyglass.bootstrap` puts it in front of swift-otel's log handler when logs are exported over OTLP, so the
/// records a collector receives carry what standard output carries and hide what it hides. The level is Spyglass's
/// for the label; the wrapped handler should let every level through.
public struct ForwardingLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let upstream: any LogHandler
    private let redactor: Redactor

    /// Wraps `upstream`.
    ///
    /// - Parameters:
    ///   - upstream: where redacted events go; its own metadata and metadata provider are not used.
    ///   - redactor: what is hidden (``LogBackend/redactor`` hides what the JSON lines hide).
    ///   - logLevel: the lowest level passed on.
    ///   - metadataProvider: metadata added to every event before it is redacted.
    public init(upstream: any LogHandler, redactor: Redactor, logLevel: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil) {
        self.upstream = upstream
        self.redactor = redactor
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let context = ServiceContext.current?.spyglass { all.merge(Self.metadata(of: context)) { $1 } }
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let own = event.metadata { all.merge(own) { $1 } }
        var redacted = event
        if let error = event.error {
            // An error's text is as likely as any to hold a credential: it travels as redacted metadata instead.
            all["error.type"] = .string(String(reflecting: type(of: error)))
            all["error.message"] = .string(String(describing: error))
            redacted.error = nil
        }
        redacted.message = "\(redactor.redact(event.message.description))"
        redacted.metadata = all.isEmpty ? nil : redact(all)
        upstream.log(event: redacted)
    }

    private static func metadata(of context: SpyglassContext) -> Logger.Metadata {
        var metadata = Logger.Metadata(minimumCapacity: context.fields.count + 5)
        for (key, value) in context.fields { metadata[key] = .string(value) }
        if let id = context.requestID { metadata["request_id"] = .string(id) }
        if let id = context.sessionID { metadata["session_id"] = .string(id) }
        if let id = context.jobID { metadata["job_id"] = .string(id) }
        if let id = context.userID { metadata["user_id"] = .string(id) }
        if let id = context.workspaceID { metadata["workspace_id"] = .string(id) }
        return metadata
    }

    private func redact(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var result = Logger.Metadata(minimumCapacity: metadata.count)
        for (key, value) in metadata {
            result[key] = redactor.isSensitiveKey(key) ? .string(RedactionConfiguration.replacement) : redact(value)
        }
        return result
    }

    private func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(redactor.redact(text))
        case .stringConvertible(let convertible): .string(redactor.redact(convertible.description))
        case .array(let values): .array(values.map(redact))
        case .dictionary(let metadata): .dictionary(redact(metadata))
        }
    }
}
