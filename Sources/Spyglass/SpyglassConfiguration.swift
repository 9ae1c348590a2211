import Foundation
public import SpyglassCore
public import SpyglassLogging
public import SpyglassMetrics
public import SpyglassTracing
public import SpyglassOTLP
public import SpyglassSentry
public import SpyglassGenAI
public import SpyglassDashboard

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
    /// Export over OTLP. Default `nil`: nothing leaves the process; an `OTEL_EXPORTER_OTLP_*ENDPOINT` variable turns
    /// it on and `OTEL_SDK_DISABLED=true` off. See ``OTLPConfiguration``.
    public var otlp: OTLPConfiguration?
    /// Error reports to a Sentry, GlitchTip or Bugsink server. Default: off; `SENTRY_DSN` turns it on. See
    /// ``SentryConfiguration``.
    public var sentry: SentryConfiguration
    /// LLM prices, content capture and cost budgets. See ``GenAIConfiguration``.
    public var genAI: GenAIConfiguration
    /// The built-in dashboard at `/spyglass`. See ``DashboardConfiguration``.
    public var dashboard: DashboardConfiguration
    /// How long readiness answers 503, once graceful shutdown begins, before the application stops accepting
    /// requests: the time a load balancer needs to stop sending them. Default none.
    /// Environment: `SPYGLASS_SHUTDOWN_DELAY_MS` (milliseconds).
    public var shutdownDelay: Duration
    /// How long graceful shutdown waits, once the application has drained its requests, for the jobs still running
    /// (``JobTelemetry``) before cancelling them. Default 10 seconds.
    /// Environment: `SPYGLASS_SHUTDOWN_JOBS_TIMEOUT_MS` (milliseconds).
    public var shutdownJobsTimeout: Duration

    /// Creates a configuration from code; the environment is applied later by ``applyingEnvironment(_:)``.
    public init(
        serviceName: String = SpyglassConfiguration.processName,
        environment: String = "development",
        version: String = "unknown",
        logging: LoggingConfiguration = LoggingConfiguration(),
        metrics: MetricsConfiguration = MetricsConfiguration(),
        tracing: TracingConfiguration = TracingConfiguration(),
        otlp: OTLPConfiguration? = nil,
        sentry: SentryConfiguration = SentryConfiguration(),
        genAI: GenAIConfiguration = GenAIConfiguration(),
        dashboard: DashboardConfiguration = DashboardConfiguration(),
        shutdownDelay: Duration = .zero,
        shutdownJobsTimeout: Duration = .seconds(10)
    ) {
        self.serviceName = serviceName
        self.environment = environment
        self.version = version
        self.logging = logging
        self.metrics = metrics
        self.tracing = tracing
        self.otlp = otlp
        self.sentry = sentry
        self.genAI = genAI
        self.dashboard = dashboard
        self.shutdownDelay = shutdownDelay
        self.shutdownJobsTimeout = shutdownJobsTimeout
    }

    /// The service's name, version and environment, as every module is given them.
    public var service: ServiceIdentity {
        ServiceIdentity(name: serviceName, version: version, environment: environment)
    }

    /// This configuration with every variable set in `environment` applied over it: the service's identity and
    /// `SPYGLASS_SHUTDOWN_DELAY_MS` and `SPYGLASS_SHUTDOWN_JOBS_TIMEOUT_MS` here, each module's variables by that module's configuration
    /// (``LoggingConfiguration/applyingEnvironment(_:)`` and its siblings).
    ///
    /// - Throws: ``ConfigurationError`` for the first variable whose value cannot be used.
    public func applyingEnvironment(
        _ environment: [String: String] = SpyglassConfiguration.processEnvironment
    ) throws(ConfigurationError) -> SpyglassConfiguration {
        let variables = EnvironmentVariables(environment)
        var result = self
        if let name = variables.first("SPYGLASS_SERVICE_NAME", "OTEL_SERVICE_NAME") { result.serviceName = name.value }
        if let name = variables.first("SPYGLASS_ENVIRONMENT", "APP_ENV") { result.environment = name.value }
        if let name = variables.first("SPYGLASS_VERSION", "APP_VERSION") { result.version = name.value }
        result.logging = try logging.applyingEnvironment(variables)
        result.metrics = try metrics.applyingEnvironment(variables)
        result.tracing = try tracing.applyingEnvironment(variables)
        if let variable = variables.first("SPYGLASS_SHUTDOWN_DELAY_MS") {
            result.shutdownDelay = .milliseconds(try variable.integer("milliseconds", in: 0...600_000))
        }
        if let variable = variables.first("SPYGLASS_SHUTDOWN_JOBS_TIMEOUT_MS") {
            result.shutdownJobsTimeout = .milliseconds(try variable.integer("milliseconds", in: 0...600_000))
        }
        result.genAI = try genAI.applyingEnvironment(variables)
        result.dashboard = try dashboard.applyingEnvironment(variables, deploymentEnvironment: result.environment)
        result.otlp = try OTLPConfiguration.applyingEnvironment(variables, over: otlp)
        // As in OpenTelemetry's SDKs, `OTEL_SDK_DISABLED=true` turns off every signal's export, not only tracing.
        if try variables.first("OTEL_SDK_DISABLED")?.boolean() == true { result.otlp = nil }
        result.sentry = try sentry.applyingEnvironment(variables)
        return result
    }
}

extension SpyglassConfiguration {
    /// The running executable's file name, the default ``serviceName``.
    public static var processName: String { ProcessInfo.processInfo.processName }

    /// This process's environment variables, the default source of ``applyingEnvironment(_:)``.
    public static var processEnvironment: [String: String] { ProcessInfo.processInfo.environment }
}
