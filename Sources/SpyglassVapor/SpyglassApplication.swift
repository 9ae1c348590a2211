// Vapor users name the core's configuration types (`HTTPInstrumentationConfiguration`, `EndpointCredential`,
// `HealthEndpointPaths`, `SpyglassHTTPSetup`) with this module alone.
@_exported public import SpyglassHTTP
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
public import SpyglassDashboard
public import SpyglassHealth
public import SpyglassMetrics
public import Tracing
public import Vapor

extension Application {
    /// Spyglass's set-up and routes for this application.
    public var spyglass: SpyglassApplication { SpyglassApplication(application: self) }
}

/// Installs Spyglass in a Vapor application: `app.spyglass.use(spyglass)` for everything, or the parts alone.
public struct SpyglassApplication: Sendable {
    let application: Application

    /// Installs everything Spyglass serves in one call.
    ///
    /// ```swift
    /// let spyglass = try Spyglass.bootstrap()   // instead of LoggingSystem.bootstrap(from: &env)
    /// let app = try await Application.make(env)
    /// app.spyglass.use(spyglass)
    /// ```
    ///
    /// - ``SpyglassMiddleware`` first (``useMiddleware(_:)``), in place of Vapor's default `RouteLoggingMiddleware`
    ///   (its access line is `request_completed`) and `ErrorMiddleware` (it answers errors as that does, keeping the
    ///   error for the log line and the span); other middleware stays, in its order, after it. Vapor's own request
    ///   metrics off (`reportMetrics`): its `http_requests_total{method,path,status}` would clash with Spyglass's
    ///   `{method,endpoint,status}`.
    /// - `/metrics`, the health endpoints, `/monitoring/info` and the dashboard at `/spyglass`, as `setup` says.
    /// - A lifecycle handler: once the application has booted it runs `spyglass` (the export and the dashboard's
    ///   sampling); at `app.asyncShutdown()` it turns readiness off and waits `SPYGLASS_SHUTDOWN_DELAY_MS` while
    ///   the server still answers, stops the server so in-flight requests drain, waits for the running jobs
    ///   (`SPYGLASS_SHUTDOWN_JOBS_TIMEOUT_MS`), then lets `spyglass` send what is pending and flush the logs.
    public func use(
        _ spyglass: some SpyglassHTTPSources & Service,
        setup: SpyglassHTTPSetup = SpyglassHTTPSetup(),
        logger: Logger = Logger(label: "spyglass.http"),
        tracer: (any Tracer)? = nil
    ) {
        let routes = setup.routes(for: spyglass)
        if let configuration = setup.middlewareConfiguration(serving: routes) {
            useMiddleware(SpyglassMiddleware(metrics: spyglass.metrics, configuration: configuration, logger: logger, tracer: tracer))
        }
        for route in routes { add(route) }
        application.lifecycle.use(SpyglassLifecycle(service: spyglass, health: spyglass.health, jobs: spyglass.jobs))
    }

    /// Installs `middleware` first, in place of Vapor's default `RouteLoggingMiddleware` and `ErrorMiddleware` (other
    /// middleware stays, in its order, after it), and turns Vapor's own request metrics off (`reportMetrics`), whose
    /// `http_requests_total{method,path,status}` would clash with Spyglass's. It turns on
    /// `traceAutoPropagation`: Vapor runs route handlers in tasks of their own, which see the request's context
    /// (its id for every log line, its span for child spans) only through `Request.serviceContext`.
    public func useMiddleware(_ middleware: SpyglassMiddleware) {
        var installed = Middlewares()
        installed.use(middleware)
        for existing in application.middleware.resolve() where !(existing is ErrorMiddleware || existing is RouteLoggingMiddleware) {
            installed.use(existing)
        }
        application.middleware = installed
        application.http.server.configuration.reportMetrics = false
        application.traceAutoPropagation = true
    }

    /// Serves `registry` at `GET path`: Prometheus text 0.0.4, or OpenMetrics with exemplars when the scrape's
    /// `Accept` header asks for it. With `authorization`, other callers get 401 and a challenge.
    public func addMetricsEndpoint(_ registry: MetricRegistry, path: String = "/metrics", authorization: EndpointCredential? = nil) {
        add(.metrics(registry, path: path, authorization: authorization))
    }

    /// Serves `monitor`'s liveness, readiness and detailed reports (200 when up, 503 when down), and `info` at
    /// `paths.info`. List ``SpyglassLifecycle`` (or use ``use(_:setup:logger:tracer:)``) so readiness turns off
    /// when the application shuts down.
    public func addHealthEndpoints(
        _ monitor: HealthMonitor,
        paths: HealthEndpointPaths = .standard,
        details: HealthDetailsAccess = .hidden,
        info: SystemInfo? = nil
    ) {
        for route in SpyglassRoute.health(monitor, paths: paths, details: details, info: info) { add(route) }
    }

    /// Serves `dashboard` at `/spyglass`.
    public func addDashboard(_ dashboard: Dashboard) {
        for route in SpyglassRoute.dashboard(dashboard) { add(route) }
    }

    /// Registers one of the core's routes, its `{name}` segments as Vapor parameters.
    public func add(_ route: SpyglassRoute) {
        let segments = route.segments
        let components: [PathComponent] = segments.map { segment in
            switch segment {
            case .literal(let text): .constant(text)
            case .parameter(let name): .parameter(name)
            }
        }
        application.on(.GET, components) { request async -> Response in
            var parameters: [String: String] = [:]
            for case .parameter(let name) in segments { parameters[name] = request.parameters.get(name) }
            let answer = await route.respond(SpyglassEndpointRequest(
                headers: VaporHeaders(headers: request.headers),
                query: request.url.query,
                parameters: parameters
            ))
            var headers = HTTPHeaders()
            for (name, value) in answer.headers { headers.add(name: name, value: value) }
            return Response(status: HTTPResponseStatus(statusCode: answer.status), headers: headers, body: .init(buffer: ByteBuffer(bytes: answer.body)))
        }
    }
}
