public import SpyglassMetrics

extension SpyglassRoute {
    /// `registry` at `GET path`: Prometheus text 0.0.4, or OpenMetrics with exemplars or Prometheus's protobuf
    /// format with native histograms when the scrape's `Accept` header asks for it. With `authorization`, other
    /// callers get 401 and a challenge.
    public static func metrics(_ registry: MetricRegistry, path: String = "/metrics", authorization: EndpointCredential? = nil) -> SpyglassRoute {
        SpyglassRoute(path) { request in
            if let authorization, !authorization.accepts(request.headers.firstValue(named: HTTPHeaderName.authorization)) {
                return SpyglassEndpointResponse(status: 401, headers: [("WWW-Authenticate", authorization.challenge(realm: "metrics"))])
            }
            let format = ExpositionFormat(accept: request.headers.firstValue(named: HTTPHeaderName.accept))
            return SpyglassEndpointResponse(status: 200, headers: [("Content-Type", format.contentType)], body: registry.render(format))
        }
    }
}
