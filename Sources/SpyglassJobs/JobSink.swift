/// Where ``JobTelemetry`` reports each job's lifecycle: the built-in dashboard's job history is one.
public protocol JobSink: AnyObject, Sendable {
    /// Job `id` of type `type` began, in trace `traceID` (32 hex digits).
    func started(id: String, type: String, traceID: String?, startedNanoseconds: UInt64)
    /// A running job reported progress, 0 to 1.
    func progressed(id: String, fraction: Double)
    /// A running job ended `status` (`completed`, `failed`, `cancelled`); `errorType` says why a failed one did.
    func ended(id: String, status: String, errorType: String?, endedNanoseconds: UInt64)
}
