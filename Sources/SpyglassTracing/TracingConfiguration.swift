/// How Spyglass traces requests and background work.
public struct TracingConfiguration: Sendable, Hashable {
    /// Whether `Spyglass.bootstrap` installs Spyglass's tracer as the process's tracer. Default `true`; turn it off
    /// to install another tracer yourself. Environment: `OTEL_SDK_DISABLED=true` turns it off.
    public var isEnabled: Bool
    /// Which traces are recorded. Default ``TraceSampler/alwaysOn`` (every trace, callers' decisions followed).
    /// Environment: `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`, OpenTelemetry's names and values.
    public var sampler: TraceSampler
    /// How many finished spans are kept in process for the dashboard; the oldest make room. Default 10,000, as
    /// .NET Aspire's dashboard keeps. Environment: `SPYGLASS_STORE_SPANS`.
    public var storeSpans: Int
    /// How many bytes the spans kept may take (an estimate per span); the oldest make room. Default 32 MiB.
    /// Environment: `SPYGLASS_STORE_SPAN_BYTES`.
    public var storeBytes: Int

    /// Creates a tracing configuration; every parameter has the documented default.
    public init(isEnabled: Bool = true, sampler: TraceSampler = .alwaysOn, storeSpans: Int = 10_000, storeBytes: Int = 32 * 1024 * 1024) {
        self.isEnabled = isEnabled
        self.sampler = sampler
        self.storeSpans = storeSpans
        self.storeBytes = storeBytes
    }
}
