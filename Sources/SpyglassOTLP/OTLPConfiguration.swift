public import SpyglassExport
/// Where Spyglass sends telemetry over OTLP, and how spans and log records wait for export.
///
/// Set ``SpyglassConfiguration/otlp`` to one, or set `OTEL_EXPORTER_OTLP_ENDPOINT`: export is on when an endpoint
/// is known, for traces, logs and metrics alike (OpenTelemetry's default), each of which can be turned off. Without
/// one nothing leaves the process, and spans still reach the in-process store and the logs.
///
/// ```swift
/// configuration.otlp = OTLPConfiguration(endpoint: "http://otel-collector:4318")
/// ```
public struct OTLPConfiguration: Sendable, Hashable {
    /// The wire protocol, named as in `OTEL_EXPORTER_OTLP_PROTOCOL`.
    public enum TransportProtocol: String, Sendable, Hashable, CaseIterable {
        /// OTLP/gRPC; a collector listens on port 4317 by default.
        case grpc = "grpc"
        /// OTLP/HTTP with protobuf bodies; port 4318 by default.
        case httpProtobuf = "http/protobuf"
        /// OTLP/HTTP with JSON bodies.
        case httpJSON = "http/json"
    }

    /// One kind of telemetry, with its own endpoint path and switch.
    public enum Signal: String, Sendable, Hashable, CaseIterable {
        case traces
        case logs
        case metrics
    }

    /// The collector's base URL. Over HTTP each signal goes to `{endpoint}/v1/{signal}`; over gRPC it is used
    /// as is. Environment: `OTEL_EXPORTER_OTLP_ENDPOINT`.
    public var endpoint: String
    /// A URL for traces only, used as is (no path appended). Default `nil`: derived from ``endpoint``.
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.
    public var tracesEndpoint: String?
    /// A URL for logs only, used as is. Default `nil`: derived from ``endpoint``.
    /// Environment: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`.
    public var logsEndpoint: String?
    /// A URL for metrics only, used as is. Default `nil`: derived from ``endpoint``.
    /// Environment: `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`.
    public var metricsEndpoint: String?
    /// Default ``TransportProtocol/httpProtobuf``. Environment: `OTEL_EXPORTER_OTLP_PROTOCOL`, else
    /// `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`.
    public var transport: TransportProtocol
    /// Sent with every export, for example an API key. Default none. Environment: `OTEL_EXPORTER_OTLP_HEADERS`
    /// (`key=value,key2=value2`, values percent-decoded).
    public var headers: [String: String]
    /// How long one export may take before it is abandoned. Default 10 seconds.
    /// Environment: `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds).
    public var timeout: Duration
    /// Whether spans are exported. Default `true`. Environment: `OTEL_TRACES_EXPORTER=none` turns it off, `otlp`
    /// on.
    public var exportsTraces: Bool
    /// Whether log lines are exported as OTLP log records as well as written to standard output. Default `true`.
    /// Environment: `OTEL_LOGS_EXPORTER` (`otlp` or `none`).
    public var exportsLogs: Bool
    /// Whether metrics are exported (every `OTEL_METRIC_EXPORT_INTERVAL`, 60 s by default) as well as served on
    /// `/metrics`. Default `true`. Environment: `OTEL_METRICS_EXPORTER` (`otlp` or `none`).
    public var exportsMetrics: Bool
    /// How finished spans are batched. Default ``BatchConfiguration/spans``. Environment: `OTEL_BSP_*`.
    public var spanBatch: BatchConfiguration
    /// How log records are batched. Default ``BatchConfiguration/logs``. Environment: `OTEL_BLRP_*`.
    public var logBatch: BatchConfiguration

    /// Creates an export configuration; every parameter but the endpoint has the documented default.
    public init(
        endpoint: String,
        tracesEndpoint: String? = nil,
        transport: TransportProtocol = .httpProtobuf,
        headers: [String: String] = [:],
        timeout: Duration = .seconds(10),
        exportsTraces: Bool = true,
        exportsLogs: Bool = true,
        exportsMetrics: Bool = true,
        spanBatch: BatchConfiguration = .spans,
        logBatch: BatchConfiguration = .logs
    ) {
        self.endpoint = endpoint
        self.tracesEndpoint = tracesEndpoint
        self.transport = transport
        self.headers = headers
        self.timeout = timeout
        self.exportsTraces = exportsTraces
        self.exportsLogs = exportsLogs
        self.exportsMetrics = exportsMetrics
        self.spanBatch = spanBatch
        self.logBatch = logBatch
    }

    /// Where `signal` is sent: its own endpoint as is, else ``endpoint`` with `/v1/{signal}` over HTTP and as is
    /// over gRPC.
    public func resolvedEndpoint(_ signal: Signal) -> String {
        let own = switch signal {
        case .traces: tracesEndpoint
        case .logs: logsEndpoint
        case .metrics: metricsEndpoint
        }
        if let own { return own }
        guard transport != .grpc else { return endpoint }
        return endpoint.hasSuffix("/") ? "\(endpoint)v1/\(signal.rawValue)" : "\(endpoint)/v1/\(signal.rawValue)"
    }
}
