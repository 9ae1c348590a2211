import Benchmark
import CoreMetrics
import Prometheus
import SpyglassMetrics
import Synchronization

// Each pair measures the same operation on Spyglass's registry and on swift-prometheus 2.x, the registry a
// Swift server would otherwise use.

let httpLabels = ["method", "endpoint", "status"]
let httpDimensions = [("method", "GET"), ("endpoint", "/v1/jobs/{id}"), ("status", "200")]

// MARK: Held handles

let spyglassRegistry = MetricRegistry()
let spyglassCounter = spyglassRegistry.counter("http_requests_total", help: "Requests.", labels: httpLabels).labels("GET", "/v1/jobs/{id}", "200")
let spyglassHistogram = spyglassRegistry.histogram("http_request_duration_seconds", help: "Latency.", unit: "seconds", labels: httpLabels)
    .labels("GET", "/v1/jobs/{id}", "200")

let prometheusRegistry = PrometheusCollectorRegistry()
let prometheusCounter = prometheusRegistry.makeCounter(descriptor: MetricNameDescriptor(metricName: "http_requests_total", helpText: "Requests."), labels: httpDimensions)
let prometheusDurationHistogram = prometheusRegistry.makeDurationHistogram(
    descriptor: MetricNameDescriptor(metricName: "http_request_duration_seconds", helpText: "Latency."),
    labels: httpDimensions,
    buckets: HistogramBuckets.seconds.map { .nanoseconds(Int64($0 * 1e9)) }
)

/// The same histogram with classic buckets only (native buckets off).
let classicOnlyHistogram = MetricRegistry(configuration: MetricsConfiguration(nativeHistograms: nil))
    .histogram("http_request_duration_seconds", help: "Latency.", unit: "seconds", labels: httpLabels)
    .labels("GET", "/v1/jobs/{id}", "200")

/// Spans of 1 ms to 3 s, cycling, so observations land in different buckets.
let observedSeconds: [Double] = (0..<64).reduce(into: [0.001]) { seconds, _ in seconds.append(seconds[seconds.count - 1] * 1.13) }
let observedDurations: [Duration] = observedSeconds.map { .nanoseconds(Int64($0 * 1e9)) }

/// With exemplars on: a source that finds no sampled span, and one that finds one every time.
let noSpanHistogram = MetricRegistry(exemplars: ExemplarSource { nil })
    .histogram("http_request_duration_seconds", help: "Latency.", unit: "seconds").labels()
let spanHistogram = MetricRegistry(exemplars: ExemplarSource { ExemplarSpan(traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7") })
    .histogram("http_request_duration_seconds", help: "Latency.", unit: "seconds").labels()

// MARK: swift-metrics lookups

let spyglassFactory = SpyglassMetricsFactory(registry: MetricRegistry())
let prometheusFactory = PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())

// MARK: Adding series

/// A registry already holding `count` series of one counter; ``addNext()`` adds one more.
final class GrowingRegistry: @unchecked Sendable {
    private let add: (Int) -> Void
    private var next: Int

    init(count: Int, add: @escaping (Int) -> Void) {
        self.add = add
        for id in 0..<count { add(id) }
        next = count
    }

    func addNext() {
        add(next)
        next += 1
    }
}

func spyglassGrowing(from count: Int) -> GrowingRegistry {
    let family = MetricRegistry().counter("user_requests_total", help: "Per user.", labels: ["user"], seriesLimit: 1_000_000)
    return GrowingRegistry(count: count) { family.labels("user-\($0)").increment() }
}

func prometheusGrowing(from count: Int) -> GrowingRegistry {
    let registry = PrometheusCollectorRegistry()
    let descriptor = MetricNameDescriptor(metricName: "user_requests_total", helpText: "Per user.")
    return GrowingRegistry(count: count) { registry.makeCounter(descriptor: descriptor, labels: [("user", "user-\($0)")]).increment() }
}

// MARK: Rendering

func spyglassRegistry(series: Int) -> MetricRegistry {
    let registry = MetricRegistry()
    let family = registry.counter("http_requests_total", help: "Requests.", labels: httpLabels, seriesLimit: series)
    for id in 0..<series { family.labels("GET", "/v1/route/\(id)", "200").increment(by: id) }
    return registry
}

func prometheusRegistry(series: Int) -> PrometheusCollectorRegistry {
    let registry = PrometheusCollectorRegistry()
    for id in 0..<series {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "http_requests_total", helpText: "Requests."),
            labels: [("method", "GET"), ("endpoint", "/v1/route/\(id)"), ("status", "200")]
        ).increment(by: Int64(id))
    }
    return registry
}

let renderedSpyglass = spyglassRegistry(series: 10_000)
let renderedPrometheus = prometheusRegistry(series: 10_000)

/// 1,000 latency histogram series, each with 64 observations from 1 ms to 2.5 s (64 native buckets populated).
func spyglassHistogramRegistry(series: Int) -> MetricRegistry {
    let registry = MetricRegistry()
    let family = registry.histogram("http_request_duration_seconds", help: "Latency.", unit: "seconds", labels: httpLabels, seriesLimit: series)
    for id in 0..<series {
        let one = family.labels("GET", "/v1/route/\(id)", "200")
        for seconds in observedSeconds { one.observe(seconds) }
    }
    return registry
}

func prometheusHistogramRegistry(series: Int) -> PrometheusCollectorRegistry {
    let registry = PrometheusCollectorRegistry()
    for id in 0..<series {
        let one = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(metricName: "http_request_duration_seconds", helpText: "Latency."),
            labels: [("method", "GET"), ("endpoint", "/v1/route/\(id)"), ("status", "200")],
            buckets: HistogramBuckets.seconds.map { .nanoseconds(Int64($0 * 1e9)) }
        )
        for duration in observedDurations { one.record(duration) }
    }
    return registry
}

let renderedSpyglassHistograms = spyglassHistogramRegistry(series: 1_000)
let renderedPrometheusHistograms = prometheusHistogramRegistry(series: 1_000)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 100_000
    )

    Benchmark("counter increment, held handle: Spyglass") { benchmark in
        for _ in benchmark.scaledIterations { spyglassCounter.increment() }
    }
    Benchmark("counter increment, held handle: swift-prometheus") { benchmark in
        for _ in benchmark.scaledIterations { prometheusCounter.increment() }
    }

    Benchmark("histogram observe: Spyglass") { benchmark in
        for index in benchmark.scaledIterations { spyglassHistogram.observe(observedSeconds[index & 63]) }
    }
    Benchmark("histogram observe, native buckets off: Spyglass") { benchmark in
        for index in benchmark.scaledIterations { classicOnlyHistogram.observe(observedSeconds[index & 63]) }
    }
    Benchmark("histogram observe: Spyglass, Duration") { benchmark in
        for index in benchmark.scaledIterations { spyglassHistogram.observe(observedDurations[index & 63]) }
    }
    Benchmark("histogram observe: swift-prometheus duration histogram") { benchmark in
        for index in benchmark.scaledIterations { prometheusDurationHistogram.record(observedDurations[index & 63]) }
    }

    Benchmark("histogram observe, exemplar source finds no span: Spyglass") { benchmark in
        for index in benchmark.scaledIterations { noSpanHistogram.observe(observedSeconds[index & 63]) }
    }
    Benchmark("histogram observe, exemplar kept: Spyglass") { benchmark in
        for index in benchmark.scaledIterations { spanHistogram.observe(observedSeconds[index & 63]) }
    }

    Benchmark("swift-metrics lookup of an existing series: Spyglass") { benchmark in
        _ = spyglassFactory.makeCounter(label: "http_requests_total", dimensions: httpDimensions)
        for _ in benchmark.scaledIterations {
            blackHole(spyglassFactory.makeCounter(label: "http_requests_total", dimensions: httpDimensions))
        }
    }
    Benchmark("swift-metrics lookup of an existing series: swift-prometheus") { benchmark in
        _ = prometheusFactory.makeCounter(label: "http_requests_total", dimensions: httpDimensions)
        for _ in benchmark.scaledIterations {
            blackHole(prometheusFactory.makeCounter(label: "http_requests_total", dimensions: httpDimensions))
        }
    }

    // Each iteration adds one new series to a registry that already holds 19,999 (then 20,000, …); the 2,000th
    // shows the cost does not grow with the registry. Registries are filled in `setup`, outside the measurement.
    let growing: Benchmark.Configuration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 2_000)
    let growingRegistries: [(name: String, make: () -> GrowingRegistry)] = [
        ("add the 20,000th series: Spyglass", { spyglassGrowing(from: 19_999) }),
        ("add the 2,000th series: Spyglass", { spyglassGrowing(from: 1_999) }),
        ("add the 20,000th series: swift-prometheus", { prometheusGrowing(from: 19_999) }),
    ]
    for (name, make) in growingRegistries {
        let registry = Mutex<GrowingRegistry?>(nil)
        Benchmark(name, configuration: growing) { benchmark in
            let growingRegistry = registry.withLock { $0! }
            for _ in benchmark.scaledIterations { growingRegistry.addNext() }
        } setup: {
            registry.withLock { $0 = make() }
        }
    }

    let rendering: Benchmark.Configuration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 1_000)
    let formats: [(name: String, format: ExpositionFormat)] = [("text", .prometheusText), ("OpenMetrics", .openMetrics), ("protobuf", .prometheusProtobuf)]
    for (name, format) in formats {
        Benchmark("render 10,000 series, \(name): Spyglass", configuration: rendering) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(renderedSpyglass.render(format)) }
        } setup: {
            _ = renderedSpyglass.render(format)  // the first rendering sorts the series once
        }
        Benchmark("render 1,000 histogram series, \(name): Spyglass", configuration: rendering) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(renderedSpyglassHistograms.render(format)) }
        } setup: {
            _ = renderedSpyglassHistograms.render(format)
        }
    }
    Benchmark("render 1,000 histogram series, text: swift-prometheus", configuration: rendering) { benchmark in
        for _ in benchmark.scaledIterations {
            var buffer: [UInt8] = []
            renderedPrometheusHistograms.emit(into: &buffer)
            blackHole(buffer)
        }
    } setup: {
        _ = renderedPrometheusHistograms
    }
    Benchmark("render 10,000 series, text: swift-prometheus", configuration: rendering) { benchmark in
        for _ in benchmark.scaledIterations {
            var buffer: [UInt8] = []
            renderedPrometheus.emit(into: &buffer)
            blackHole(buffer)
        }
    } setup: {
        _ = renderedPrometheus
    }
}
