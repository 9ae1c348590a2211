import SpyglassCore

/// Everything declared about a metric, fixed when it is first registered.
struct MetricDescriptor: Sendable, Hashable {
    /// The name as registered, before the namespace: the key swift-metrics and the typed API look it up by.
    let name: String
    /// The name with the namespace, as samples are exposed (counters' with `_total`).
    let exposedName: String
    let type: MetricType
    let help: String
    let unit: String?
    let labelNames: [String]
    /// Finite bucket bounds, ascending; empty except for histograms.
    let buckets: [Double]
    let seriesLimit: Int
    /// Whether values come from closures read at rendering rather than from series handles.
    let isObserved: Bool
    /// The family name as OpenMetrics has it: a counter's without `_total` (its samples add it back).
    let familyName: String

    init(
        name: String,
        namespace: String?,
        type: MetricType,
        help: String,
        unit: String?,
        labelNames: [String],
        buckets: [Double] = [],
        seriesLimit: Int,
        isObserved: Bool = false
    ) {
        self.name = name
        exposedName = Self.exposedName(name, namespace: namespace)
        self.type = type
        self.help = help
        self.unit = unit
        self.labelNames = labelNames
        self.buckets = buckets
        self.seriesLimit = seriesLimit
        self.isObserved = isObserved
        familyName = type == .counter && exposedName.hasSuffix("_total") ? String(exposedName.dropLast(6)) : exposedName
    }

    /// `name` with `namespace` prefixed, except the standard process collector's names, which are the same in every
    /// Prometheus client and which dashboards rely on.
    static func exposedName(_ name: String, namespace: String?) -> String {
        guard let namespace, !name.hasPrefix("process_") else { return name }
        return namespace + "_" + name
    }

    /// Why `other` cannot share this metric's series, or `nil` when it can.
    func conflict(with other: MetricDescriptor) -> String? {
        if isObserved != other.isObserved { return "it is already registered as an \(isObserved ? "observed" : "recorded") metric" }
        if type != other.type { return "type \(other.type.rawValue) differs from the registered \(type.rawValue)" }
        if labelNames != other.labelNames {
            return "labels \(other.labelNames) differ from the registered \(labelNames)"
        }
        if buckets != other.buckets { return "buckets \(other.buckets) differ from the registered \(buckets)" }
        return nil
    }

    /// Why the names cannot be exposed, or `nil` when they can.
    var namingProblem: String? {
        guard MetricsConfiguration.isValidMetricName(exposedName) else {
            return "metric name \(exposedName) must match [a-zA-Z_:][a-zA-Z0-9_:]*"
        }
        for label in labelNames where !MetricsConfiguration.isValidLabelName(label) {
            return "label name \(label) must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __"
        }
        if Set(labelNames).count != labelNames.count { return "label names \(labelNames) repeat a name" }
        if type == .histogram, labelNames.contains("le") { return "a histogram cannot have a label named le" }
        if let unit, !familyName.hasSuffix("_" + unit) {
            return "the name of a metric in \(unit) must end in _\(unit)\(type == .counter ? " (before _total)" : "")"
        }
        return nil
    }
}
