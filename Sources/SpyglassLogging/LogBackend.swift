public import Logging
public import SpyglassCore
import Instrumentation

/// The configured logging pipeline shared by every Spyglass log handler: level policy, sampling, redaction,
/// line format and output.
///
/// Create one per process and install it with swift-log (``Spyglass`` does this in `bootstrap`):
///
/// ```swift
/// let service = ServiceIdentity(name: "agent-hub", version: "1.4.2", environment: "production")
/// let backend = try LogBackend(configuration: LoggingConfiguration(), service: service, writer: .standardOutput())
/// LoggingSystem.bootstrap(backend.makeHandler)
/// ```
///
/// A line written inside a span of Spyglass's tracer carries the span's `trace_id` and `span_id`, read straight
/// from `ServiceContext.current` and written without building any metadata. With another tracer, pass its
/// metadata provider (swift-otel's `OTel.makeLoggingMetadataProvider()`): the `trace_id` and `span_id` keys it
/// yields become the line's fields, taking precedence.
public final class LogBackend: Sendable {
    /// The configuration the backend was built from.
    public let configuration: LoggingConfiguration
    /// Where lines go.
    public let writer: LogWriter
    /// What the lines hide: credentials in messages and values, values under sensitive keys.
    public let redactor: Redactor

    /// Where every line written is also handed, as JSON (the built-in dashboard's store); `nil`: nowhere.
    public let store: (any LogLineSink)?
    /// Where lines at `error` level and above are counted (the dashboard's error groups); `nil`: nowhere.
    public let errors: (any ErrorLineSink)?
    /// Where every line written is also handed as a ``LogEntry``, for export (``exporting(to:)``); `nil`: nowhere.
    public let exports: (any LogEntrySink)?

    private let sampler: LogSampler?
    private let format: any LineFormat
    /// The store's JSON format when standard output gets the console format.
    private let storeFormat: JSONLineFormat?

    /// Builds the pipeline; `store` also gets every line written (as JSON, redacted as written), and `errors`
    /// the lines at `error` level and above with their `error.type` and source: the line's `error.source`
    /// when it has one, else the log call's `file:line`.
    ///
    /// - Parameters:
    ///   - configuration: levels, format, sampling, redaction and value limits.
    ///   - service: the name, environment and version written on every JSON line.
    ///
    /// - Throws: ``ConfigurationError`` when a redaction pattern is not a valid regular expression or the value
    ///   limit is below 64 bytes.
    public init(
        configuration logging: LoggingConfiguration,
        service: ServiceIdentity,
        writer: LogWriter,
        store: (any LogLineSink)? = nil,
        errors: (any ErrorLineSink)? = nil
    ) throws(ConfigurationError) {
        guard logging.maxValueBytes >= 64 else {
            throw ConfigurationError(
                variable: "logging.maxValueBytes", value: String(logging.maxValueBytes), allowed: "at least 64")
        }
        if let sampling = logging.sampling, sampling.first < 1 || sampling.thereafter < 1 || sampling.interval <= .zero {
            throw ConfigurationError(
                variable: "logging.sampling", value: "\(sampling)", allowed: "first >= 1, thereafter >= 1 and a positive interval")
        }
        self.configuration = logging
        self.writer = writer
        redactor = try Redactor(logging.redaction)
        let policy = TextPolicy(redactor: redactor, maxValueBytes: logging.maxValueBytes)
        sampler = logging.sampling.map(LogSampler.init)
        self.store = store
        self.errors = errors
        exports = nil
        switch logging.format {
        case .json:
            format = JSONLineFormat(service: service, includeSource: logging.includeSource, policy: policy)
            storeFormat = nil
        case .console:
            format = ConsoleLineFormat(policy: policy, colour: writer.isTerminal, includeSource: logging.includeSource)
            storeFormat = store.map { _ in JSONLineFormat(service: service, includeSource: logging.includeSource, policy: policy) }
        }
    }

    private init(sharing backend: LogBackend, exports: any LogEntrySink) {
        configuration = backend.configuration
        writer = backend.writer
        redactor = backend.redactor
        store = backend.store
        errors = backend.errors
        self.exports = exports
        sampler = backend.sampler
        format = backend.format
        storeFormat = backend.storeFormat
    }

    /// The same pipeline (output, redaction, sampling, stores, one writer and one sampler between the two) handing
    /// every line it writes to `exports` as well. `Spyglass.bootstrap` installs it and keeps this one for the
    /// export's own warnings, which are not exported: a collector that is failing is no place for them.
    public func exporting(to exports: any LogEntrySink) -> LogBackend {
        LogBackend(sharing: self, exports: exports)
    }

    /// A handler for loggers labelled `label`, starting at the level configured for that label.
    /// Matches the factory shape `LoggingSystem.bootstrap` takes.
    public func makeHandler(label: String, metadataProvider: Logger.MetadataProvider?) -> SpyglassLogHandler {
        SpyglassLogHandler(label: label, logLevel: configuration.level(for: label), metadataProvider: metadataProvider, backend: self)
    }

    /// Lines dropped by sampling so far.
    public var droppedBySampling: Int { sampler?.droppedCount ?? 0 }

    /// Writes every buffered line to the output.
    public func flush() { writer.flush() }

    func write(event: LogEvent, label: String, handlerMetadata: Logger.Metadata, metadataProvider: Logger.MetadataProvider?) {
        write(
            level: event.level, message: event.message.description, error: event.error, metadata: event.metadata,
            fields: UnsafeBufferPointer(start: nil, count: 0), label: label, handlerMetadata: handlerMetadata,
            metadataProvider: metadataProvider, file: event.file, function: event.function, line: event.line
        )
    }

    /// Writes one line: an event's metadata or a component's typed fields, with the logger's metadata and the
    /// task's context, through sampling, error grouping, the format, the store and the output.
    func write(
        level: Logger.Level,
        message: String,
        error: (any Error)?,
        metadata: Logger.Metadata?,
        fields: UnsafeBufferPointer<LogField>,
        label: String,
        handlerMetadata: Logger.Metadata,
        metadataProvider: Logger.MetadataProvider?,
        file: String,
        function: String,
        line: UInt
    ) {
        let timestamp = LogTimestamp.now()
        let isSampledOut = sampler.map { !$0.shouldWrite(level: level, message: message, nowNanoseconds: timestamp.nanosecondsSinceEpoch) } ?? false
        // An error line sampling drops is still counted in its group: the dashboard's counts are every occurrence.
        let isGrouped = errors != nil && level >= .error
        if isSampledOut && !isGrouped { return }
        let serviceContext = ServiceContext.current
        let record = LogRecord(
            timestamp: timestamp,
            level: level,
            label: label,
            message: message,
            error: error,
            context: serviceContext?.spyglass,
            span: serviceContext?.spanIdentity,
            eventMetadata: metadata,
            fields: fields,
            handlerMetadata: handlerMetadata,
            providerMetadata: metadataProvider?.get() ?? [:],
            file: file,
            function: function,
            line: line
        )
        if isGrouped, let errors { group(record, in: errors) }
        if isSampledOut { return }
        exports?.append(LogEntry(record, redactor: redactor))
        // 1 KiB is the most Swift always places on the stack; a larger request may fall back to the heap
        // (measured: one malloc per line at 2 KiB). Longer lines grow into the heap themselves.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { storage in
            var buffer = LineBuffer(initialStorage: storage)
            format.write(record, into: &buffer)
            if let store, storeFormat == nil { keep(buffer.bytes, of: record, in: store) }
            buffer.append(UInt8(ascii: "\n"))
            writer.write(line: buffer.bytes, urgent: level >= .error)
        }
        if let store, let storeFormat {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { storage in
                var buffer = LineBuffer(initialStorage: storage)
                storeFormat.write(record, into: &buffer)
                keep(buffer.bytes, of: record, in: store)
            }
        }
    }

    /// Hands an error line to the error sink, with its message redacted as the line's was.
    private func group(_ record: LogRecord, in errors: any ErrorLineSink) {
        var type = record.error.map(qualifiedTypeName) ?? "log"
        var source = "\(record.file):\(record.line)"
        record.forEachMetadata { key, value in
            if key == "error.type" { type = "\(value)" }
            if key == "error.source" { source = "\(value)" }
        }
        let message = record.error.map { "\(record.message): \($0)" } ?? record.message
        let traceID: String? =
            if let traceID = record.traceID { "\(traceID)" } else { record.span.map { $0.traceIDHex } }
        let spanID: String? =
            if let spanID = record.spanID { "\(spanID)" } else { record.span.map { $0.spanIDHex } }
        errors.record(ErrorLine(
            type: type, source: source, message: redactor.redact(message), traceID: traceID, spanID: spanID,
            entry: LogEntry(record, redactor: redactor)
        ))
    }

    private func keep(_ line: UnsafeRawBufferPointer, of record: LogRecord, in store: any LogLineSink) {
        store.append(
            line: line,
            timestampNanoseconds: record.timestamp.nanosecondsSinceEpoch,
            level: record.level,
            traceIDHigh: record.span?.traceIDHigh ?? 0,
            traceIDLow: record.span?.traceIDLow ?? 0,
            requestID: record.context?.requestID
        )
    }
}
