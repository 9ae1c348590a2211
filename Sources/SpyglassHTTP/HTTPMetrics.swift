import SpyglassMetrics
@_spi(Locking) import SpyglassCore

/// The RED metrics of HTTP requests, with the seeds' names and labels.
final class HTTPMetrics: Sendable {
    let requests: CounterFamily
    let duration: HistogramFamily
    let requestSize: HistogramFamily
    let responseSize: HistogramFamily
    let inProgress: GaugeFamily

    /// The series of each (method, endpoint, status) seen so far, up to far more combinations than a service has
    /// routes.
    private let routes = SeriesCache<HTTPRouteSeries>(limit: cachedRouteLimit)
    static let cachedRouteLimit = 4096
    /// The in-progress gauge of each method seen so far (a client may send any token as its method).
    private let methods = SeriesCache<HTTPMethodSeries>(limit: 64)
    /// The `endpoint` of requests no route matched.
    static let unmatchedEndpoint = "unmatched"

    init(registry: MetricRegistry) {
        requests = registry.counter(StandardMetrics.httpRequests)
        duration = registry.histogram(StandardMetrics.httpRequestDuration)
        requestSize = registry.histogram(StandardMetrics.httpRequestSize)
        responseSize = registry.histogram(StandardMetrics.httpResponseSize)
        inProgress = registry.gauge(StandardMetrics.httpRequestsInProgress)
    }

    /// The series a completed request with these labels records into.
    func series(method: String, endpoint: String, status: String) -> HTTPRouteSeries {
        var hasher = LabelHasher()
        hasher.combine(method)
        hasher.combine(endpoint)
        hasher.combine(status)
        let hash = hasher.finalize()
        // A local function, not a closure value: its captures stay on the stack.
        func matches(_ series: HTTPRouteSeries) -> Bool {
            series.hash == hash && series.method == method && series.endpoint == endpoint && series.status == status
        }
        return routes.entry(hash: hash, matches: matches) {
            HTTPRouteSeries(metrics: self, method: method, endpoint: endpoint, status: status, hash: hash)
        }
    }

    /// The in-progress gauge of requests with `method`.
    func inProgress(method: String) -> GaugeSeries {
        var hasher = LabelHasher()
        hasher.combine(method)
        let hash = hasher.finalize()
        func matches(_ series: HTTPMethodSeries) -> Bool { series.hash == hash && series.method == method }
        return methods.entry(hash: hash, matches: matches) {
            HTTPMethodSeries(method: method, hash: hash, inProgress: inProgress.labels(method))
        }.inProgress
    }
}

/// The in-progress gauge of one method.
final class HTTPMethodSeries: Sendable {
    let method: String
    let hash: Int
    let inProgress: GaugeSeries

    init(method: String, hash: Int, inProgress: GaugeSeries) {
        self.method = method
        self.hash = hash
        self.inProgress = inProgress
    }
}

/// The four series one completed request records into, and the name of its server span.
final class HTTPRouteSeries: Sendable {
    let method: String
    let endpoint: String
    let status: String
    let hash: Int
    /// `{method} {endpoint}`, made once per route rather than per request (it is longer than a `String` holds
    /// inline, so each would allocate).
    let spanName: String
    let requests: CounterSeries
    let duration: HistogramSeries
    let requestSize: HistogramSeries
    let responseSize: HistogramSeries

    init(metrics: HTTPMetrics, method: String, endpoint: String, status: String, hash: Int) {
        self.method = method
        self.endpoint = endpoint
        self.status = status
        self.hash = hash
        spanName = "\(method) \(endpoint)"
        requests = metrics.requests.labels(method, endpoint, status)
        duration = metrics.duration.labels(method, endpoint, status)
        requestSize = metrics.requestSize.labels(method, endpoint)
        responseSize = metrics.responseSize.labels(method, endpoint, status)
    }
}
