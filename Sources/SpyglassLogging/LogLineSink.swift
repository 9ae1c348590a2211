public import Logging

/// Where a ``LogBackend`` also hands every line it writes, as JSON and redacted as written: the built-in
/// dashboard's log store is one. Called on the logging thread, once per line: keep it short.
public protocol LogLineSink: AnyObject, Sendable {
    /// Takes one line, without its newline; `line` is valid only during the call.
    func append(
        line: UnsafeRawBufferPointer,
        timestampNanoseconds: UInt64,
        level: Logger.Level,
        traceIDHigh: UInt64,
        traceIDLow: UInt64,
        requestID: String?
    )
}

/// Where a ``LogBackend`` reports each line at `error` level and above, sampled out or not, so error counts are
/// every occurrence: the built-in dashboard's error groups and the Sentry reporter are such sinks.
public protocol ErrorLineSink: AnyObject, Sendable {
    /// Takes one error line. Called on the logging thread: keep it to counting or queueing.
    func record(_ line: ErrorLine)
}

/// One line at `error` level or above, as an ``ErrorLineSink`` gets it: how the dashboard groups it, and the whole
/// line for a sink that reports it elsewhere.
public struct ErrorLine: Sendable {
    /// The line's `error.type`, else the attached error's type, else `log`.
    public let type: String
    /// The line's `error.source`, else the log call's `file:line`.
    public let source: String
    /// The message with the error's description, redacted.
    public let message: String
    /// The trace the line was written in, as 32 hex digits.
    public let traceID: String?
    /// The span the line was written in, as 16 hex digits.
    public let spanID: String?
    /// The line itself: level, logger, timestamp, context ids and metadata, redacted when read.
    public let entry: LogEntry

    /// Whether the line names an error (one attached, or an `error.type`), not just its level.
    public var hasError: Bool { type != "log" }

    package init(type: String, source: String, message: String, traceID: String?, spanID: String?, entry: LogEntry) {
        self.type = type
        self.source = source
        self.message = message
        self.traceID = traceID
        self.spanID = spanID
        self.entry = entry
    }
}

/// Where a ``LogBackend`` hands every line it writes, for export (Spyglass's OTLP log export is one). Called on
/// the logging thread, once per line: keep it to queueing the entry.
public protocol LogEntrySink: AnyObject, Sendable {
    func append(_ entry: LogEntry)
}
