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
