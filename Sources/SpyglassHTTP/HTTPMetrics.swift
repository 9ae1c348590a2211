import SpyglassMetrics
@_spi(Locking) import SpyglassCore

/// The RED metrics of HTTP requests, with the seeds' names and labels.
final class HTTPMetrics: Sendable {
    let requests: CounterFamily
    let duration: HistogramFamily
    let requestSize: HistogramFamily
    let responseSize: HistogramFamily
    let inProgress: GaugeFamily

    /// The series of each (method, endpoint, status) seen so far: one lock-free lookup per request instead of one
    /// per metric.
    private let routes = AppendOnlyIndex<HTTPRouteSeries>()
    /// Serialises adding to ``routes`` and counts its entries.
    private let routeCount = Locked(0)
    /// Past this many combinations (far more than a service has routes) requests look their series up in the
    /// families directly, whose cardinality guard then applies.
    static let cachedRouteLimit = 4096
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
        let matches = { (series: HTTPRouteSeries) in
            series.hash == hash && series.method == method && series.endpoint == endpoint && series.status == status
        }
        if let series = routes.first(hash: hash, where: matches) { return series }
        return routeCount.withLock { count in
            if let series = routes.first(hash: hash, where: matches) { return series }
            let series = HTTPRouteSeries(metrics: self, method: method, endpoint: endpoint, status: status, hash: hash)
            if count < Self.cachedRouteLimit {
                routes.insert(series, hash: hash)
                count += 1
            }
            return series
        }
    }
}

/// The four series one completed request records into.
final class HTTPRouteSeries: Sendable {
    let method: String
    let endpoint: String
    let status: String
    let hash: Int
    let requests: CounterSeries
    let duration: HistogramSeries
    let requestSize: HistogramSeries
    let responseSize: HistogramSeries

    init(metrics: HTTPMetrics, method: String, endpoint: String, status: String, hash: Int) {
        self.method = method
        self.endpoint = endpoint
        self.status = status
        self.hash = hash
        requests = metrics.requests.labels(method, endpoint, status)
        duration = metrics.duration.labels(method, endpoint, status)
        requestSize = metrics.requestSize.labels(method, endpoint)
        responseSize = metrics.responseSize.labels(method, endpoint, status)
    }
}
