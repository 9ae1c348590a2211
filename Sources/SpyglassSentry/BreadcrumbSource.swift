/// Where an event's breadcrumbs come from: the lines logged before it in the same request or job.
///
/// `Spyglass.bootstrap` answers from the log lines it keeps in process (the dashboard's log store, or a small one
/// of its own when the dashboard is off), so breadcrumbs cost a request nothing more than its lines already do.
public protocol BreadcrumbSource: Sendable {
    /// At most `limit` lines of the trace `traceID` (32 hex digits), else of the request `requestID`, written at or
    /// before `nanosecondsSinceEpoch`, oldest first, as redacted as they were written.
    func breadcrumbs(traceID: String?, requestID: String?, before nanosecondsSinceEpoch: UInt64, limit: Int) -> [SentryEvent.Breadcrumb]
}
