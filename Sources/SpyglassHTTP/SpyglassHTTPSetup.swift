/// What an adapter's one-call set-up installs: the middleware first, then `/metrics`, the health endpoints,
/// `/monitoring/info` and the dashboard. Every part can be left out or moved; the defaults are documented on each
/// property.
public struct SpyglassHTTPSetup: Sendable {
    /// What the middleware records; `nil` installs no middleware. Default: the defaults of
    /// ``HTTPInstrumentationConfiguration``, with the paths served here added to its exclusions (see
    /// ``excludesOwnEndpoints``).
    public var instrumentation: HTTPInstrumentationConfiguration?
    /// Whether the paths served here get no metrics, span or log line, so scrapes, probes and the dashboard's polling
    /// are not counted as traffic. Default `true`.
    public var excludesOwnEndpoints: Bool
    /// Where the metrics are served; `nil` serves none. Default `/metrics`.
    public var metricsPath: String?
    /// The credential a scrape must present; `nil` (the default) serves everyone.
    public var metricsAuthorization: EndpointCredential?
    /// Where the health endpoints are served; `nil` serves none. Default ``HealthEndpointPaths/standard``.
    public var healthPaths: HealthEndpointPaths?
    /// Who sees health checks' messages and `/monitoring/info`. Default ``HealthDetailsAccess/hidden``.
    public var healthDetails: HealthDetailsAccess
    /// Whether `/monitoring/info` (``HealthEndpointPaths/info``) is served. Default `true`.
    public var servesSystemInfo: Bool
    /// Whether the dashboard is served at `/spyglass` when it is on. Default `true`.
    public var servesDashboard: Bool

    /// Creates a set-up; every parameter has the documented default.
    public init(
        instrumentation: HTTPInstrumentationConfiguration? = HTTPInstrumentationConfiguration(),
        excludesOwnEndpoints: Bool = true,
        metricsPath: String? = "/metrics",
        metricsAuthorization: EndpointCredential? = nil,
        healthPaths: HealthEndpointPaths? = .standard,
        healthDetails: HealthDetailsAccess = .hidden,
        servesSystemInfo: Bool = true,
        servesDashboard: Bool = true
    ) {
        self.instrumentation = instrumentation
        self.excludesOwnEndpoints = excludesOwnEndpoints
        self.metricsPath = metricsPath
        self.metricsAuthorization = metricsAuthorization
        self.healthPaths = healthPaths
        self.healthDetails = healthDetails
        self.servesSystemInfo = servesSystemInfo
        self.servesDashboard = servesDashboard
    }

    /// The routes this set-up serves for `sources`, in registration order.
    public func routes(for sources: some SpyglassHTTPSources) -> [SpyglassRoute] {
        var routes: [SpyglassRoute] = []
        if let metricsPath {
            routes.append(.metrics(sources.metrics, path: metricsPath, authorization: metricsAuthorization))
        }
        if let healthPaths {
            var paths = healthPaths
            if !servesSystemInfo { paths.info = nil }
            routes += SpyglassRoute.health(sources.health, paths: paths, details: healthDetails, info: sources.systemInfo)
        }
        if servesDashboard, let dashboard = sources.dashboard {
            routes += SpyglassRoute.dashboard(dashboard)
        }
        return routes
    }

    /// The middleware's configuration, with the paths of `routes` excluded when ``excludesOwnEndpoints`` is set;
    /// `nil` when no middleware is installed.
    public func middlewareConfiguration(serving routes: [SpyglassRoute]) -> HTTPInstrumentationConfiguration? {
        guard var instrumentation else { return nil }
        guard excludesOwnEndpoints else { return instrumentation }
        for route in routes where !ExcludedPaths(instrumentation.excludedPaths).contains(route.path) {
            // A template's parameter matches any segment: exclude from its first one on.
            if let brace = route.path.firstIndex(of: "{") {
                instrumentation.excludedPaths.append(route.path[..<brace] + "*")
            } else {
                instrumentation.excludedPaths.append(route.path)
            }
        }
        return instrumentation
    }
}
