public import Hummingbird
import HTTPTypes
import NIOCore
public import SpyglassMetrics

extension Router {
    /// Serves `registry` at `GET path`: Prometheus text 0.0.4, or OpenMetrics with exemplars when the scrape's
    /// `Accept` header asks for it. With `authorization`, other callers get 401 and a challenge.
    public func addMetricsEndpoint(_ registry: MetricRegistry, path: RouterPath = "/metrics", authorization: EndpointCredential? = nil) {
        get(path) { request, _ -> Response in
            if let authorization, !authorization.accepts(request.headers[.authorization]) {
                return Response(status: .unauthorized, headers: [.wwwAuthenticate: authorization.challenge(realm: "metrics")])
            }
            let format = ExpositionFormat(accept: request.headers[.accept])
            return Response(
                status: .ok,
                headers: [.contentType: format.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.render(format)))
            )
        }
    }
}
