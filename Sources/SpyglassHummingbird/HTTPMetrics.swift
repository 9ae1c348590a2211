import SpyglassMetrics

/// The RED metrics of HTTP requests, with DESIGN.md's names and labels.
struct HTTPMetrics: Sendable {
    let requests: CounterFamily
    let duration: HistogramFamily
    let requestSize: HistogramFamily
    let responseSize: HistogramFamily
    let inProgress: GaugeFamily

    init(registry: MetricRegistry) {
        requests = registry.counter(
            "http_requests_total",
            help: "HTTP requests by method, route template and status.",
            labels: ["method", "endpoint", "status"]
        )
        duration = registry.histogram(
            "http_request_duration_seconds",
            help: "Time from receiving a request to writing the last byte of its response, failed requests included.",
            unit: "seconds",
            labels: ["method", "endpoint", "status"]
        )
        requestSize = registry.histogram(
            "http_request_size_bytes",
            help: "Request body sizes (Content-Length).",
            unit: "bytes",
            labels: ["method", "endpoint"],
            buckets: HistogramBuckets.bytes
        )
        responseSize = registry.histogram(
            "http_response_size_bytes",
            help: "Response body sizes as written.",
            unit: "bytes",
            labels: ["method", "endpoint", "status"],
            buckets: HistogramBuckets.bytes
        )
        inProgress = registry.gauge("http_requests_in_progress", help: "HTTP requests being handled now.", labels: ["method"])
    }
}
