/// Sends one signal's export requests to the collector: OTLP/HTTP or OTLP/gRPC.
protocol OTLPTransport: Sendable {
    /// Sends one encoded export request once, within `timeout`.
    ///
    /// - Throws: ``OTLPExportFailure`` saying whether trying again may help.
    func send(_ request: [UInt8], timeout: Duration) async throws(OTLPExportFailure)

    /// Keeps the transport's connections until ``shutdown()``; returns at once for a transport that keeps none.
    func run() async throws

    /// Closes the connections once what is in flight has been sent.
    func shutdown()
}

/// The two signals Spyglass exports itself, with their collector services.
enum OTLPSignal: Sendable {
    case traces
    case logs

    var configurationSignal: OTLPConfiguration.Signal {
        switch self {
        case .traces: .traces
        case .logs: .logs
        }
    }

    /// The gRPC service's fully qualified name; its method is `Export`.
    var grpcService: String {
        switch self {
        case .traces: "opentelemetry.proto.collector.trace.v1.TraceService"
        case .logs: "opentelemetry.proto.collector.logs.v1.LogsService"
        }
    }
}

/// Why an export did not go through, as the OTLP specification sorts failures.
struct OTLPExportFailure: Error, Sendable {
    /// What went wrong, for the diagnostic line: a status, or the connection's error.
    var reason: String
    /// Whether the same request may succeed later (a refused connection, 429, 502, 503, 504; gRPC `UNAVAILABLE`
    /// and the other transient codes). Anything else is the request's own fault and is not sent again.
    var isRetryable: Bool
    /// How long the collector asked the exporter to wait (HTTP `Retry-After`; gRPC's `RetryInfo` is not read).
    var retryAfter: Duration?
}
