import Foundation
public import SpyglassCore

extension OTLPConfiguration {
    /// `configured` with OpenTelemetry's exporter variables from `environment` applied over it:
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` and its per-signal forms, `OTEL_EXPORTER_OTLP_PROTOCOL`,
    /// `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TIMEOUT`, `OTEL_TRACES_EXPORTER`, `OTEL_LOGS_EXPORTER`,
    /// `OTEL_METRICS_EXPORTER`, and the batch processors' `OTEL_BSP_*` (spans) and `OTEL_BLRP_*` (log records)
    /// `SCHEDULE_DELAY`, `EXPORT_TIMEOUT`, `MAX_QUEUE_SIZE`, `MAX_EXPORT_BATCH_SIZE`. An endpoint turns export on. Every variable is checked even when export stays
    /// off, so a mistake is reported rather than ignored.
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
        func exporter(_ name: String) throws(ConfigurationError) -> Bool? {
            try environment.first(name)?.choice(["otlp": true, "none": false])
        }
        let exportsTraces = try exporter("OTEL_TRACES_EXPORTER")
        let exportsLogs = try exporter("OTEL_LOGS_EXPORTER")
        let exportsMetrics = try exporter("OTEL_METRICS_EXPORTER")
        let spanBatch = try batch("OTEL_BSP", in: environment)
        let logBatch = try batch("OTEL_BLRP", in: environment)

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
        try spanBatch(&otlp.spanBatch)
        try logBatch(&otlp.logBatch)
        return otlp
    }

    /// The batch processor variables under `prefix`, checked now and applied over a configuration later; a batch
    /// larger than its queue is refused, since it could never fill.
    private static func batch(
        _ prefix: String,
        in environment: EnvironmentVariables
    ) throws(ConfigurationError) -> (inout OTLPBatchConfiguration) throws(ConfigurationError) -> Void {
        func milliseconds(_ name: String) throws(ConfigurationError) -> Duration? {
            try environment.first("\(prefix)_\(name)").map { variable throws(ConfigurationError) in
                Duration.milliseconds(try variable.integer("milliseconds", in: 1...600_000))
            }
        }
        let scheduleDelay = try milliseconds("SCHEDULE_DELAY")
        let exportTimeout = try milliseconds("EXPORT_TIMEOUT")
        let queueVariable = environment.first("\(prefix)_MAX_QUEUE_SIZE")
        let maxQueueSize = try queueVariable?.integer("items", in: 1...1_000_000)
        let batchVariable = environment.first("\(prefix)_MAX_EXPORT_BATCH_SIZE")
        let maxExportBatchSize = try batchVariable?.integer("items", in: 1...1_000_000)
        return { batch throws(ConfigurationError) in
            if let scheduleDelay { batch.scheduleDelay = scheduleDelay }
            if let exportTimeout { batch.exportTimeout = exportTimeout }
            if let maxQueueSize { batch.maxQueueSize = maxQueueSize }
            if let maxExportBatchSize { batch.maxExportBatchSize = maxExportBatchSize }
            guard batch.maxExportBatchSize <= batch.maxQueueSize else {
                guard let variable = batchVariable ?? queueVariable else { return }
                throw variable.error(allowed: "a batch size of at most the queue size (\(prefix)_MAX_QUEUE_SIZE, now \(batch.maxQueueSize)); the batch size is \(batch.maxExportBatchSize)")
            }
        }
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
