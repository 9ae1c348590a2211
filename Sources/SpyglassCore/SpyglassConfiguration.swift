import Foundation
import Logging

/// Everything Spyglass needs to know about the service, as one value.
///
/// Start from code (every property has a documented default), then let the deployment override it:
/// ``applyingEnvironment(_:)`` reads the variables listed on each property, the way OpenTelemetry SDKs let
/// `OTEL_*` variables override code. A value that cannot be used throws a ``ConfigurationError`` naming the
/// variable, the value and what is allowed.
///
/// ```swift
/// var configuration = SpyglassConfiguration(serviceName: "agent-hub", version: "1.4.2")
/// configuration.logging.labelLevels = LabelLogLevels(["AsyncHTTPClient": .warning])
/// let spyglass = try Spyglass.bootstrap(configuration)   // environment applied here
/// ```
public struct SpyglassConfiguration: Sendable, Hashable {
    /// The service's name on every log line, metric and span. Default: the process name.
    /// Environment: `SPYGLASS_SERVICE_NAME`, else `OTEL_SERVICE_NAME`.
    public var serviceName: String
    /// Deployment environment (`production`, `staging`). Default `development`.
    /// Environment: `SPYGLASS_ENVIRONMENT`, else `APP_ENV`.
    public var environment: String
    /// The running build's version. Default `unknown`. Environment: `SPYGLASS_VERSION`, else `APP_VERSION`.
    public var version: String
    /// Log output. See ``LoggingConfiguration``.
    public var logging: LoggingConfiguration
    /// Metric naming and limits. See ``MetricsConfiguration``.
    public var metrics: MetricsConfiguration
    /// Tracing and sampling. See ``TracingConfiguration``.
    public var tracing: TracingConfiguration
    /// Export over OTLP. Default `nil`: nothing leaves the process. See ``OTLPConfiguration``.
    public var otlp: OTLPConfiguration?
    /// LLM prices, content capture and cost budgets. See ``GenAIConfiguration``.
    public var genAI: GenAIConfiguration
    /// The built-in dashboard at `/spyglass`. See ``DashboardConfiguration``.
    public var dashboard: DashboardConfiguration
    /// How long readiness answers 503, once graceful shutdown begins, before the application stops accepting
    /// requests: the time a load balancer needs to stop sending them. Default none.
    /// Environment: `SPYGLASS_SHUTDOWN_DELAY_MS` (milliseconds).
    public var shutdownDelay: Duration

    /// Creates a configuration from code; the environment is applied later by ``applyingEnvironment(_:)``.
    public init(
        serviceName: String = SpyglassConfiguration.processName,
        environment: String = "development",
        version: String = "unknown",
        logging: LoggingConfiguration = LoggingConfiguration(),
        metrics: MetricsConfiguration = MetricsConfiguration(),
        tracing: TracingConfiguration = TracingConfiguration(),
        otlp: OTLPConfiguration? = nil,
        genAI: GenAIConfiguration = GenAIConfiguration(),
        dashboard: DashboardConfiguration = DashboardConfiguration(),
        shutdownDelay: Duration = .zero
    ) {
        self.serviceName = serviceName
        self.environment = environment
        self.version = version
        self.logging = logging
        self.metrics = metrics
        self.tracing = tracing
        self.otlp = otlp
        self.genAI = genAI
        self.dashboard = dashboard
        self.shutdownDelay = shutdownDelay
    }

    /// This configuration with every variable set in `environment` applied over it.
    ///
    /// - Throws: ``ConfigurationError`` for the first variable whose value cannot be used.
    public func applyingEnvironment(
        _ environment: [String: String] = SpyglassConfiguration.processEnvironment
    ) throws(ConfigurationError) -> SpyglassConfiguration {
        let reader = EnvironmentReader(environment)
        var result = self
        if let name = reader.first("SPYGLASS_SERVICE_NAME", "OTEL_SERVICE_NAME") { result.serviceName = name.value }
        if let name = reader.first("SPYGLASS_ENVIRONMENT", "APP_ENV") { result.environment = name.value }
        if let name = reader.first("SPYGLASS_VERSION", "APP_VERSION") { result.version = name.value }

        if let variable = reader.first("SPYGLASS_LOG_LEVEL", "LOG_LEVEL") {
            guard let level = Logger.Level(name: variable.value.trimmingWhitespace()) else {
                throw variable.error(allowed: "one of \(Logger.Level.allowedNames)")
            }
            result.logging.level = level
        }
        if let variable = reader.first("SPYGLASS_LOG_FORMAT") {
            guard let format = LogFormat(rawValue: variable.value.trimmingWhitespace().lowercased()) else {
                throw variable.error(allowed: "one of json, console")
            }
            result.logging.format = format
        }
        if let variable = reader.first("SPYGLASS_LOG_LEVELS") {
            result.logging.labelLevels = try LabelLogLevels(parsing: variable.value, variable: variable.name)
        }
        if let variable = reader.first("SPYGLASS_LOG_SOURCE") {
            result.logging.includeSource = try variable.boolean()
        }
        if let variable = reader.first("SPYGLASS_LOG_SAMPLING") {
            result.logging.sampling = try LogSampling.parse(variable.value, variable: variable.name)
        }
        if let variable = reader.first("SPYGLASS_LOG_MAX_VALUE_BYTES") {
            result.logging.maxValueBytes = try variable.integer("bytes", in: 64...1_048_576)
        }
        if let variable = reader.first("SPYGLASS_STORE_LOG_LINES") {
            result.logging.storeLines = try variable.integer("lines", in: 0...1_000_000, lowest: "0 (keep none)")
        }
        if let variable = reader.first("SPYGLASS_STORE_LOG_BYTES") {
            result.logging.storeBytes = try variable.integer("bytes", in: 4096...1_073_741_824)
        }
        if let variable = reader.first("SPYGLASS_LOG_REDACTION") {
            result.logging.redaction.isEnabled = try variable.boolean()
        }
        if let variable = reader.first("SPYGLASS_LOG_REDACT_KEYS") {
            result.logging.redaction.additionalKeys += variable.list()
        }
        if let variable = reader.first("SPYGLASS_LOG_ALLOW_KEYS") {
            result.logging.redaction.allowedKeys += variable.list()
        }
        if let variable = reader.first("SPYGLASS_METRICS_NAMESPACE") {
            let namespace = variable.value.trimmingWhitespace()
            guard MetricsConfiguration.isValidMetricName(namespace) else {
                throw variable.error(allowed: "a Prometheus name prefix matching [a-zA-Z_:][a-zA-Z0-9_:]*")
            }
            result.metrics.namespace = namespace
        }
        if let variable = reader.first("SPYGLASS_METRICS_SERIES_LIMIT") {
            result.metrics.seriesLimit = try variable.integer("series", in: 1...1_000_000)
        }
        if let variable = reader.first("OTEL_SDK_DISABLED") {
            result.tracing.isEnabled = try !variable.boolean()
        }
        if let variable = reader.first("OTEL_TRACES_SAMPLER") {
            result.tracing.sampler = try TraceSampler.parse(name: variable.value, argument: reader.first("OTEL_TRACES_SAMPLER_ARG")?.value)
        } else if let argument = reader.first("OTEL_TRACES_SAMPLER_ARG") {
            _ = try TraceSampler.parseRatio(argument.value)
        }
        if let variable = reader.first("SPYGLASS_STORE_SPANS") {
            result.tracing.storeSpans = try variable.integer("spans", in: 1...1_000_000)
        }
        if let variable = reader.first("SPYGLASS_STORE_SPAN_BYTES") {
            result.tracing.storeBytes = try variable.integer("bytes", in: 4096...1_073_741_824)
        }
        if let variable = reader.first("SPYGLASS_SHUTDOWN_DELAY_MS") {
            result.shutdownDelay = .milliseconds(try variable.integer("milliseconds", in: 0...600_000))
        }
        if let variable = reader.first("SPYGLASS_LLM_PRICES") {
            result.genAI.pricesFile = variable.value.trimmingWhitespace()
        }
        if let variable = reader.first("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT") {
            result.genAI.capturesContent = try variable.boolean()
        }
        if let variable = reader.first("SPYGLASS_LLM_CONTENT_MAX_CHARS") {
            result.genAI.contentCharacterLimit = try variable.integer("characters", in: 16...1_000_000)
        }
        if let variable = reader.first("SPYGLASS_LLM_BUDGETS") {
            result.genAI.budgets = try LLMCostBudget.parse(variable.value, variable: variable.name)
        }
        if let variable = reader.first("SPYGLASS_DASHBOARD") {
            switch variable.value.trimmingWhitespace().lowercased() {
            case "on": result.dashboard.mode = .on
            case "off": result.dashboard.mode = .off
            default: throw variable.error(allowed: "on or off")
            }
        }
        if let variable = reader.first("SPYGLASS_DASHBOARD_TOKEN") {
            let token = variable.value.trimmingWhitespace()
            guard token.count >= DashboardConfiguration.shortestToken else {
                throw ConfigurationError(
                    variable: variable.name, value: "(\(token.count) characters)",
                    allowed: "a token of at least \(DashboardConfiguration.shortestToken) characters")
            }
            result.dashboard.token = token
        }
        if result.dashboard.mode == .on, result.dashboard.token == nil, result.environment != "development" {
            throw ConfigurationError(
                variable: "SPYGLASS_DASHBOARD", value: "on",
                allowed: "on outside development only with SPYGLASS_DASHBOARD_TOKEN set (the dashboard shows logs and traces)")
        }
        result.otlp = try Self.applyingOTLPEnvironment(reader, over: otlp)
        return result
    }

    /// The OTLP settings with OpenTelemetry's exporter variables applied: an endpoint turns export on. Every
    /// variable is checked even when export stays off, so a mistake is reported rather than ignored.
    private static func applyingOTLPEnvironment(
        _ reader: EnvironmentReader,
        over configured: OTLPConfiguration?
    ) throws(ConfigurationError) -> OTLPConfiguration? {
        func url(_ name: String) throws(ConfigurationError) -> String? {
            guard let variable = reader.first(name) else { return nil }
            let value = variable.value.trimmingWhitespace()
            guard value.hasPrefix("http://") || value.hasPrefix("https://"), value.count > "https://".count else {
                throw variable.error(allowed: "an http:// or https:// URL of an OTLP collector")
            }
            return value
        }
        let endpoint = try url("OTEL_EXPORTER_OTLP_ENDPOINT")
        let tracesEndpoint = try url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        let logsEndpoint = try url("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")
        let metricsEndpoint = try url("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
        var transport: OTLPConfiguration.TransportProtocol?
        if let variable = reader.first("OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") {
            transport = OTLPConfiguration.TransportProtocol(rawValue: variable.value.trimmingWhitespace().lowercased())
            guard transport != nil else { throw variable.error(allowed: "one of grpc, http/protobuf, http/json") }
        }
        let headers = try reader.first("OTEL_EXPORTER_OTLP_HEADERS")?.keyValuePairs()
        var timeout: Duration?
        if let variable = reader.first("OTEL_EXPORTER_OTLP_TIMEOUT") {
            timeout = .milliseconds(try variable.integer("milliseconds", in: 1...600_000))
        }
        func exporter(_ name: String) throws(ConfigurationError) -> Bool? {
            guard let variable = reader.first(name) else { return nil }
            switch variable.value.trimmingWhitespace().lowercased() {
            case "otlp": return true
            case "none": return false
            default: throw variable.error(allowed: "otlp or none")
            }
        }
        let exportsTraces = try exporter("OTEL_TRACES_EXPORTER")
        let exportsLogs = try exporter("OTEL_LOGS_EXPORTER")
        let exportsMetrics = try exporter("OTEL_METRICS_EXPORTER")

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
        return otlp
    }
}

extension SpyglassConfiguration {
    /// The running executable's file name, the default ``serviceName``.
    public static var processName: String { ProcessInfo.processInfo.processName }

    /// This process's environment variables, the default source of ``applyingEnvironment(_:)``.
    public static var processEnvironment: [String: String] { ProcessInfo.processInfo.environment }
}

/// Reads variables, treating empty values as unset (as shells and container runtimes often leave them).
private struct EnvironmentReader {
    struct Variable {
        let name: String
        let value: String

        func error(allowed: String) -> ConfigurationError {
            ConfigurationError(variable: name, value: value, allowed: allowed)
        }

        /// The value as a whole number in `range`. Every number has an upper bound too: a store sized from one is
        /// allocated at start, and a delay or timeout past it would never end.
        func integer(_ unit: String, in range: ClosedRange<Int>, lowest: String? = nil) throws(ConfigurationError) -> Int {
            guard let number = Int(value.trimmingWhitespace()), range.contains(number) else {
                throw error(allowed: "a whole number of \(unit) from \(lowest ?? String(range.lowerBound)) to \(range.upperBound)")
            }
            return number
        }

        func boolean() throws(ConfigurationError) -> Bool {
            switch value.trimmingWhitespace().lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw error(allowed: "one of true, false, 1, 0, yes, no, on, off")
            }
        }

        /// `key=value,key2=value2` with percent-encoded values, as in `OTEL_EXPORTER_OTLP_HEADERS`.
        func keyValuePairs() throws(ConfigurationError) -> [String: String] {
            var pairs: [String: String] = [:]
            for entry in list() {
                let parts = entry.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, !parts[0].trimmingWhitespace().isEmpty,
                    let value = parts[1].trimmingWhitespace().removingPercentEncoding
                else {
                    throw error(allowed: "comma-separated key=value pairs with percent-encoded values")
                }
                pairs[parts[0].trimmingWhitespace()] = value
            }
            return pairs
        }

        func list() -> [String] {
            value.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        }
    }

    let environment: [String: String]

    init(_ environment: [String: String]) { self.environment = environment }

    /// The first of `names` that is set to a non-empty value.
    func first(_ names: String...) -> Variable? {
        for name in names {
            if let value = environment[name], !value.isEmpty { return Variable(name: name, value: value) }
        }
        return nil
    }
}
