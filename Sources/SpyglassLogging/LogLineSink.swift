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
/// every occurrence: the built-in dashboard's error groups are one.
public protocol ErrorLineSink: AnyObject, Sendable {
    /// Counts one error line.
    ///
    /// - Parameters:
    ///   - type: the line's `error.type`, else the attached error's type, else `log`.
    ///   - source: the line's `error.source`, else the log call's `file:line`.
    ///   - message: the message (with the error's description), redacted.
    func record(type: String, source: String, message: String, logger: String, traceID: String?, timestampNanoseconds: UInt64)
}

/// Where a ``LogBackend`` hands every line it writes, for export (Spyglass's OTLP log export is one). Called on
/// the logging thread, once per line: keep it to queueing the entry.
public protocol LogEntrySink: AnyObject, Sendable {
    func append(_ entry: LogEntry)
}
