/// Turns a ``LogRecord`` into the bytes of one line (without the trailing newline).
///
/// Formats are classes so the backend hands each line to a shared instance without copying its state.
protocol LineFormat: AnyObject, Sendable {
    func write(_ record: LogRecord, into line: inout LineBuffer)
}
