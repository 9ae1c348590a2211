@_spi(Export) import SpyglassExport
import Foundation
public import SpyglassCore

extension OTLPConfiguration {
    /// `configured` with OpenTelemetry's exporter variables from `environment` applied over it:
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` and its per-signal forms, `OTEL_EXPORTER_OTLP_PROTOCOL`,
    /// `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TIMEOUT`, `OTEL_TRACES_EXPORTER`, `OTEL_LOGS_EXPORTER`,
    /// `OTEL_METRICS_EXPORTER`, and the batch processors' `OTEL_BSP_*` (spans) and `OTEL_BLRP_*` (log records)
    /// `SCHEDULE_DELAY`, `EXPORT_TIMEOUT`, `MAX_QUEUE_SIZE`, `MAX_EXPORT_BATCH_SIZE`. An endpoint turns export on.
    /// The certificate and client-key variables (general, traces and logs forms) are refused, and compression
    /// allows `none` only, since span and log export would not follow them. Every variable is checked even when
    /// export stays off, so a mistake is reported rather than ignored.
    ///
    /// - Returns: `nil` when export stays off: nothing configured and no endpoint set.
    /// - Throws: ``ConfigurationError`` for the first variable whose value cannot be used.
    public static func applyingEnvironment(
        _ environment: EnvironmentVariables,
        over configured: OTLPConfiguration?
    ) throws(ConfigurationError) -> OTLPConfiguration? {
        func url(_ name: String) throws(ConfigurationError) -> String? {
            guard let variable = environment.first(name) else { return nil }
            let value = variable.trimmed
            guard value.hasPrefix("http://") || value.hasPrefix("https://"), value.count > "https://".count else {
                throw variable.error(allowed: "an http:// or https:// URL of an OTLP collector")
            }
            return value
        }
        let endpoint = try url("OTEL_EXPORTER_OTLP_ENDPOINT")
        let tracesEndpoint = try url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        let logsEndpoint = try url("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")
        let metricsEndpoint = try url("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
        let transport = try environment.first("OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")?.choice([
            "grpc": TransportProtocol.grpc, "http/protobuf": .httpProtobuf, "http/json": .httpJSON,
        ])
        let headers = try environment.first("OTEL_EXPORTER_OTLP_HEADERS").map { variable throws(ConfigurationError) in
            try headerPairs(variable)
        }
        let timeout = try environment.first("OTEL_EXPORTER_OTLP_TIMEOUT").map { variable throws(ConfigurationError) in
            Duration.milliseconds(try variable.integer("milliseconds", in: 1...600_000))
        }
        // Span and log export trusts the system's root certificates, presents no client certificate and sends
        // bodies uncompressed: a variable asking for anything else would be ignored, so it is refused.
        for name in [
            "OTEL_EXPORTER_OTLP_CERTIFICATE", "OTEL_EXPORTER_OTLP_CLIENT_KEY", "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
            "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY",
            "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE",
            "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY", "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE",
        ] {
            if let variable = environment.first(name) {
                throw variable.error(allowed: "unset: span and log export trusts the system's root certificates and presents no client certificate")
            }
        }
        for name in ["OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION"] {
            _ = try environment.first(name)?.choice(["none": ()])
        }
        func exporter(_ name: String) throws(ConfigurationError) -> Bool? {
            try environment.first(name)?.choice(["otlp": true, "none": false])
        }
        let exportsTraces = try exporter("OTEL_TRACES_EXPORTER")
        let exportsLogs = try exporter("OTEL_LOGS_EXPORTER")
        let exportsMetrics = try exporter("OTEL_METRICS_EXPORTER")
        let spanBatch = try batch(.spans, in: environment, over: configured?.spanBatch ?? .spans)
        let logBatch = try batch(.logs, in: environment, over: configured?.logBatch ?? .logs)

        let someEndpoint = endpoint ?? tracesEndpoint ?? logsEndpoint ?? metricsEndpoint
        guard var otlp = configured ?? someEndpoint.map({ OTLPConfiguration(endpoint: $0) }) else { return nil }
        if configured == nil, endpoint == nil {
            // Only signal endpoints are set: the other signals have nowhere to go.
            otlp.exportsTraces = tracesEndpoint != nil
            otlp.exportsLogs = logsEndpoint != nil
            otlp.exportsMetrics = metricsEndpoint != nil
        }
        if let endpoint { otlp.endpoint = endpoint }
        if let tracesEndpoint { otlp.tracesEndpoint = tracesEndpoint }
        if let logsEndpoint { otlp.logsEndpoint = logsEndpoint }
        if let metricsEndpoint { otlp.metricsEndpoint = metricsEndpoint }
        if let transport { otlp.transport = transport }
        if let headers { otlp.headers = headers }
        if let timeout { otlp.timeout = timeout }
        if let exportsTraces { otlp.exportsTraces = exportsTraces }
        if let exportsLogs { otlp.exportsLogs = exportsLogs }
        if let exportsMetrics { otlp.exportsMetrics = exportsMetrics }
        otlp.spanBatch = spanBatch
        otlp.logBatch = logBatch
        return otlp
    }

    /// The names of one batch processor's variables.
    private struct BatchVariableNames {
        let scheduleDelay: String
        let exportTimeout: String
        let maxQueueSize: String
        let maxExportBatchSize: String

        static let spans = BatchVariableNames(
            scheduleDelay: "OTEL_BSP_SCHEDULE_DELAY", exportTimeout: "OTEL_BSP_EXPORT_TIMEOUT",
            maxQueueSize: "OTEL_BSP_MAX_QUEUE_SIZE", maxExportBatchSize: "OTEL_BSP_MAX_EXPORT_BATCH_SIZE")
        static let logs = BatchVariableNames(
            scheduleDelay: "OTEL_BLRP_SCHEDULE_DELAY", exportTimeout: "OTEL_BLRP_EXPORT_TIMEOUT",
            maxQueueSize: "OTEL_BLRP_MAX_QUEUE_SIZE", maxExportBatchSize: "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE")
    }

    /// One batch processor's variables applied over `configured`; a batch larger than its queue is refused, since it
    /// could never fill.
    private static func batch(
        _ names: BatchVariableNames,
        in environment: EnvironmentVariables,
        over configured: BatchConfiguration
    ) throws(ConfigurationError) -> BatchConfiguration {
        func milliseconds(_ name: String) throws(ConfigurationError) -> Duration? {
            try environment.first(name).map { variable throws(ConfigurationError) in
                Duration.milliseconds(try variable.integer("milliseconds", in: 1...600_000))
            }
        }
        let scheduleDelay = try milliseconds(names.scheduleDelay)
        let exportTimeout = try milliseconds(names.exportTimeout)
        let queueVariable = environment.first(names.maxQueueSize)
        let maxQueueSize = try queueVariable?.integer("items", in: 1...1_000_000)
        let batchVariable = environment.first(names.maxExportBatchSize)
        let maxExportBatchSize = try batchVariable?.integer("items", in: 1...1_000_000)
        var batch = configured
        if let scheduleDelay { batch.scheduleDelay = scheduleDelay }
        if let exportTimeout { batch.exportTimeout = exportTimeout }
        if let maxQueueSize { batch.maxQueueSize = maxQueueSize }
        if let maxExportBatchSize { batch.maxExportBatchSize = maxExportBatchSize }
        if batch.maxExportBatchSize > batch.maxQueueSize, let variable = batchVariable ?? queueVariable {
            throw variable.error(allowed: "a batch size of at most the queue size (\(names.maxQueueSize), now \(batch.maxQueueSize)); the batch size is \(batch.maxExportBatchSize)")
        }
        return batch
    }

    /// `key=value,key2=value2` with percent-encoded values, as in `OTEL_EXPORTER_OTLP_HEADERS`.
    private static func headerPairs(_ variable: EnvironmentVariables.Variable) throws(ConfigurationError) -> [String: String] {
        var pairs: [String: String] = [:]
        for entry in variable.list() {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].trimmingWhitespace().isEmpty,
                let value = parts[1].trimmingWhitespace().removingPercentEncoding
            else {
                throw variable.error(allowed: "comma-separated key=value pairs with percent-encoded values")
            }
            pairs[parts[0].trimmingWhitespace()] = value
        }
        return pairs
    }
}
