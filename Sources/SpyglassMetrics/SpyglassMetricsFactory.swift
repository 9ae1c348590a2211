public import CoreMetrics

/// The swift-metrics backend that records into a ``MetricRegistry``, so anything instrumented with
/// swift-metrics (Hummingbird, AsyncHTTPClient, your own `Counter`s and `Timer`s) shows up on `/metrics`.
///
/// | swift-metrics | Prometheus |
/// |---|---|
/// | `Counter`, `FloatingPointCounter` | counter (`_total` added when the label lacks it) |
/// | `Meter`, `Recorder(aggregate: false)` | gauge |
/// | `Recorder` | histogram, buckets ``HistogramBuckets/seconds`` |
/// | `Timer` | histogram in seconds, buckets ``HistogramBuckets/seconds`` |
///
/// Labels and dimension names that Prometheus does not allow (`http.server.request.duration`) have each
/// disallowed character replaced by `_`. Declare a metric with the registry's typed API first to give it help
/// text, a unit, other buckets or a series limit; swift-metrics then records into that declaration.
/// A label used with two types, or with other dimension names than it was first used with, records into a
/// handle that is never exposed, with one warning.
public struct SpyglassMetricsFactory: MetricsFactory {
    /// Where the metrics are kept.
    public let registry: MetricRegistry

    /// Creates a factory recording into `registry`.
    public init(registry: MetricRegistry) { self.registry = registry }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        counterSeries(label, dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        counterSeries(label, dimensions)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        gaugeSeries(label, dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        aggregate ? histogramSeries(label, dimensions) : gaugeSeries(label, dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        histogramSeries(label, dimensions)
    }

    // Series stay registered after a swift-metrics handle is destroyed: Prometheus expects counters to persist
    // until the process restarts.
    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}

    private func counterSeries(_ label: String, _ dimensions: [(String, String)]) -> CounterSeries {
        series(label, dimensions) {
            guard case .counter(let family) = $0 else { return nil }
            return family.core
        } declare: { name, labels in
            registry.counter(name, help: Self.help(label), labels: labels).core
        }
    }

    private func gaugeSeries(_ label: String, _ dimensions: [(String, String)]) -> GaugeSeries {
        series(label, dimensions) {
            guard case .gauge(let family) = $0 else { return nil }
            return family.core
        } declare: { name, labels in
            registry.gauge(name, help: Self.help(label), labels: labels).core
        }
    }

    private func histogramSeries(_ label: String, _ dimensions: [(String, String)]) -> HistogramSeries {
        series(label, dimensions) {
            guard case .histogram(let family) = $0 else { return nil }
            return family.core
        } declare: { name, labels in
            // A histogram declared with the typed API keeps its buckets.
            var buckets = HistogramBuckets.seconds
            if case .histogram(let declared)? = registry.family(named: name) { buckets = declared.core.descriptor.buckets }
            return registry.histogram(name, help: Self.help(label), labels: labels, buckets: buckets).core
        }
    }

    /// The series for a swift-metrics handle: found without locks or allocation when `label` and the dimension
    /// names are already valid Prometheus names; otherwise sanitized and declared (or matched) first.
    private func series<Series>(
        _ label: String,
        _ dimensions: [(String, String)],
        existing: (MetricRegistry.Family) -> FamilyCore<Series>?,
        declare: (_ name: String, _ labels: [String]) -> FamilyCore<Series>
    ) -> Series {
        if let series = registry.withFamily(named: label, { existing($0)?.series(dimensions: dimensions) }) {
            return series
        }
        let (name, sanitizedDimensions) = Self.sanitized(label, dimensions)
        let core = declare(name, sanitizedDimensions.map(\.0))
        // `declare` returned a family with exactly these label names (a conflicting one is detached), so this
        // always finds a series.
        return core.series(dimensions: sanitizedDimensions) ?? core.detachedSeries(values: sanitizedDimensions.map(\.1))
    }

    private static func help(_ label: String) -> String { "\(label), recorded through swift-metrics." }

    /// `label` and the dimension names with every character Prometheus does not allow replaced by `_`.
    static func sanitized(_ label: String, _ dimensions: [(String, String)]) -> (String, [(String, String)]) {
        (sanitize(label, allowsColon: true), dimensions.map { (sanitize($0.0, allowsColon: false), $0.1) })
    }

    static func sanitize(_ name: String, allowsColon: Bool) -> String {
        var result = ""
        for scalar in name.unicodeScalars {
            let allowed = scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || (allowsColon && scalar == ":"))
            result.unicodeScalars.append(allowed ? scalar : "_")
        }
        if result.isEmpty || result.first!.isNumber { result = "_" + result }
        if !allowsColon { while result.hasPrefix("__") { result.removeFirst() } }
        return result
    }
}

extension CounterSeries: CounterHandler, FloatingPointCounterHandler {
    public func increment(by amount: Int64) { increment(by: Int(amount)) }

    public func reset() { resetToZero() }
}

extension GaugeSeries: MeterHandler, RecorderHandler {
    public func set(_ value: Int64) { set(Double(value)) }

    public func record(_ value: Int64) { set(Double(value)) }

    public func record(_ value: Double) { set(value) }
}

extension HistogramSeries: RecorderHandler, TimerHandler {
    public func record(_ value: Int64) { observe(Double(value)) }

    public func record(_ value: Double) { observe(value) }

    public func recordNanoseconds(_ duration: Int64) { observe(Double(duration) / 1e9) }
}
