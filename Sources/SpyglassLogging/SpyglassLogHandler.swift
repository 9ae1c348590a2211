public import Logging

/// A swift-log `LogHandler` that writes through a ``LogBackend``: JSON or console lines with request and trace
/// context, redaction, sampling and buffered output.
///
/// Obtain handlers from ``LogBackend/makeHandler(label:metadataProvider:)``; like every log handler it is a
/// value, so changing one logger's level or metadata leaves the others alone.
public struct SpyglassLogHandler: LogHandler {
    /// The logger's label, written as `logger`.
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let backend: LogBackend

    init(label: String, logLevel: Logger.Level, metadataProvider: Logger.MetadataProvider?, backend: LogBackend) {
        self.label = label
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        self.backend = backend
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        backend.write(event: event, label: label, handlerMetadata: metadata, metadataProvider: metadataProvider)
    }

    /// The backend lines go through, for preparing ``LogFieldKey``s.
    package var lineBackend: LogBackend { backend }

    /// Logs a line with typed fields in place of metadata, as `Logger.log(level:_:error:metadata:)` would with the
    /// same fields as metadata: the same level rule, sampling, redaction, store and bytes (fields in their given
    /// order instead of a dictionary's). For Spyglass's own per-request lines, which build no dictionary this way.
    package func log(
        level: Logger.Level,
        _ message: String,
        fields: UnsafeBufferPointer<LogField>,
        error: (any Error)?,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        guard level >= logLevel else { return }
        backend.write(
            level: level, message: message, error: error, metadata: nil, fields: fields, label: label,
            handlerMetadata: metadata, metadataProvider: metadataProvider, file: file, function: function, line: line
        )
    }
}
