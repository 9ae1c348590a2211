/// A metric as Spyglass declares it: name, type, help, unit, labels and buckets.
///
/// Spyglass's instrumentation declares its metrics from these values (``StandardMetrics``), and the generated
/// dashboards, alerts and SLO rules are written from the same values, so a query can never name a series the
/// service does not emit. Declare one with ``CounterDefinition``, ``GaugeDefinition`` or
/// ``HistogramDefinition``, which the registry's typed declarations take.
public struct MetricDefinition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case counter, gauge, histogram
    }

    /// The Prometheus name before the namespace (counters end in `_total`).
    public let name: String
    public let kind: Kind
    public let help: String
    /// The unit the name ends in (`seconds`, `bytes`), when it has one.
    public let unit: String?
    /// Label names, in the order series take their values.
    public let labels: [String]
    /// A histogram's finite bucket bounds; empty for counters and gauges.
    public let buckets: [Double]

    /// The name series are exposed under with `namespace` (`SPYGLASS_METRICS_NAMESPACE`) prefixed; `process_*`
    /// names keep theirs, as every Prometheus client exposes them.
    public func exposedName(namespace: String?) -> String {
        MetricDescriptor.exposedName(name, namespace: namespace)
    }
}

/// Something that defines one metric: the typed definitions, for generators that list them all.
public protocol DefinesMetric: Sendable {
    var definition: MetricDefinition { get }
}

/// A counter's definition; ``MetricRegistry/counter(_:seriesLimit:)`` declares it.
public struct CounterDefinition: DefinesMetric, Hashable {
    public let definition: MetricDefinition

    public init(_ name: String, help: String, unit: String? = nil, labels: [String] = []) {
        definition = MetricDefinition(name: name, kind: .counter, help: help, unit: unit, labels: labels, buckets: [])
    }
}

/// A gauge's definition; ``MetricRegistry/gauge(_:seriesLimit:)`` declares it.
public struct GaugeDefinition: DefinesMetric, Hashable {
    public let definition: MetricDefinition

    public init(_ name: String, help: String, unit: String? = nil, labels: [String] = []) {
        definition = MetricDefinition(name: name, kind: .gauge, help: help, unit: unit, labels: labels, buckets: [])
    }
}

/// A histogram's definition with its buckets; ``MetricRegistry/histogram(_:seriesLimit:)`` declares it.
public struct HistogramDefinition: DefinesMetric, Hashable {
    public let definition: MetricDefinition

    public init(_ name: String, help: String, unit: String? = nil, labels: [String] = [], buckets: [Double] = HistogramBuckets.seconds) {
        definition = MetricDefinition(name: name, kind: .histogram, help: help, unit: unit, labels: labels, buckets: buckets)
    }
}

extension DefinesMetric {
    public var name: String { definition.name }
    public var labels: [String] { definition.labels }
}

extension MetricRegistry {
    /// Declares the counter `counter` defines (see ``counter(_:help:unit:labels:seriesLimit:)``).
    public func counter(_ counter: CounterDefinition, seriesLimit: Int? = nil) -> CounterFamily {
        let definition = counter.definition
        return self.counter(definition.name, help: definition.help, unit: definition.unit, labels: definition.labels, seriesLimit: seriesLimit)
    }

    /// Declares the gauge `gauge` defines.
    public func gauge(_ gauge: GaugeDefinition, seriesLimit: Int? = nil) -> GaugeFamily {
        let definition = gauge.definition
        return self.gauge(definition.name, help: definition.help, unit: definition.unit, labels: definition.labels, seriesLimit: seriesLimit)
    }

    /// Declares the histogram `histogram` defines, with its buckets.
    public func histogram(_ histogram: HistogramDefinition, seriesLimit: Int? = nil) -> HistogramFamily {
        let definition = histogram.definition
        return self.histogram(
            definition.name, help: definition.help, unit: definition.unit, labels: definition.labels, buckets: definition.buckets,
            seriesLimit: seriesLimit
        )
    }

    /// Exposes the counter `counter` defines, its value read from `value` at each rendering, with these label values.
    public func observeCounter(_ counter: CounterDefinition, labels: [String] = [], value: @escaping @Sendable () -> Double) {
        observe(counter.definition) { [(labels: labels, value: value())] }
    }

    /// Exposes the gauge `gauge` defines, its value read from `value` at each rendering, with these label values.
    public func observeGauge(_ gauge: GaugeDefinition, labels: [String] = [], value: @escaping @Sendable () -> Double) {
        observe(gauge.definition) { [(labels: labels, value: value())] }
    }
}
