// Hummingbird users name the core's configuration types (`HTTPInstrumentationConfiguration`,
// `EndpointCredential`, `HealthEndpointPaths`) with this module alone.
@_exported public import SpyglassHTTP
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
public import SpyglassDashboard
public import SpyglassHealth
public import SpyglassMetrics
public import Tracing

extension Router {
    /// Installs everything Spyglass serves in one call: ``SpyglassMiddleware`` first, then `/metrics`, the health
    /// endpoints, `/monitoring/info` and the dashboard at `/spyglass`, as `setup` says (by default all of them, with
    /// their own paths left out of the service's metrics).
    ///
    /// ```swift
    /// let spyglass = try Spyglass.bootstrap()
    /// router.addSpyglass(spyglass)
    /// try await ServiceGroup(services: spyglass.services(around: Application(router: router)), …).run()
    /// ```
    ///
    /// Call it before adding the service's own middleware and routes: Hummingbird runs middleware on the routes
    /// added after it, and the middleware must see every request.
    public func addSpyglass(
        _ spyglass: some SpyglassHTTPSources,
        setup: SpyglassHTTPSetup = SpyglassHTTPSetup(),
        logger: Logger = Logger(label: "spyglass.http"),
        tracer: (any Tracer)? = nil
    ) {
        let routes = setup.routes(for: spyglass)
        if let configuration = setup.middlewareConfiguration(serving: routes) {
            add(middleware: SpyglassMiddleware(metrics: spyglass.metrics, configuration: configuration, logger: logger, tracer: tracer))
        }
        for route in routes { add(route) }
    }

    /// Serves `registry` at `GET path`: Prometheus text 0.0.4, or OpenMetrics with exemplars when the scrape's
    /// `Accept` header asks for it. With `authorization`, other callers get 401 and a challenge.
    public func addMetricsEndpoint(_ registry: MetricRegistry, path: String = "/metrics", authorization: EndpointCredential? = nil) {
        add(.metrics(registry, path: path, authorization: authorization))
    }

    /// Serves `monitor`'s liveness, readiness and detailed reports (200 when up, 503 when down), and `info` at
    /// `paths.info` (``SpyglassHTTP/SpyglassRoute/health(_:paths:details:info:)``).
    public func addHealthEndpoints(
        _ monitor: HealthMonitor,
        paths: HealthEndpointPaths = .standard,
        details: HealthDetailsAccess = .hidden,
        info: SystemInfo? = nil
    ) {
        for route in SpyglassRoute.health(monitor, paths: paths, details: details, info: info) { add(route) }
    }

    /// Serves `dashboard` at `/spyglass` (``SpyglassHTTP/SpyglassRoute/dashboard(_:)``).
    public func addDashboard(_ dashboard: Dashboard) {
        for route in SpyglassRoute.dashboard(dashboard) { add(route) }
    }

    /// Registers one of the core's routes: `{name}` segments are Hummingbird's own syntax.
    public func add(_ route: SpyglassRoute) {
        let names = route.segments.compactMap { segment -> String? in
            if case .parameter(let name) = segment { name } else { nil }
        }
        get(RouterPath(route.path)) { request, context -> Response in
            var parameters: [String: String] = [:]
            for name in names { parameters[name] = context.parameters.get(name) }
            let answer = await route.respond(SpyglassEndpointRequest(
                headers: HummingbirdHeaders(fields: request.headers),
                query: request.uri.query,
                parameters: parameters
            ))
            var headers = HTTPFields()
            for (name, value) in answer.headers {
                if let name = HTTPField.Name(name) { headers.append(HTTPField(name: name, value: value)) }
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                headers: headers,
                body: answer.body.isEmpty ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
            )
        }
    }
}
