import SpyglassCore

/// How Spyglass keeps and names metrics.
public struct MetricsConfiguration: Sendable, Hashable {
    /// Prefix joined with `_` to every metric name except the standard `process_*` ones
    /// (`skillmeat` → `skillmeat_http_requests_total`). Default none. Environment: `SPYGLASS_METRICS_NAMESPACE`.
    public var namespace: String?
    /// Most label sets one metric may hold; further ones are counted into a single overflow series.
    /// Default 2000. Environment: `SPYGLASS_METRICS_SERIES_LIMIT`. A metric can declare its own limit.
    public var seriesLimit: Int
    /// Native (sparse, exponential) buckets kept by every histogram beside its classic ones, or `nil` for classic
    /// buckets only. Default on, at ``NativeHistogramConfiguration``'s defaults. Environment:
    /// `SPYGLASS_METRICS_NATIVE_HISTOGRAMS=on|off`.
    public var nativeHistograms: NativeHistogramConfiguration?

    /// Creates a metrics configuration; every parameter has the documented default.
    public init(namespace: String? = nil, seriesLimit: Int = 2000, nativeHistograms: NativeHistogramConfiguration? = NativeHistogramConfiguration()) {
        self.namespace = namespace
        self.seriesLimit = seriesLimit
        self.nativeHistograms = nativeHistograms
    }

    /// Whether `name` is a valid Prometheus metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public static func isValidMetricName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first.isASCIILetter || first == UInt8(ascii: "_") || first == UInt8(ascii: ":") else {
            return false
        }
        return name.utf8.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") }
    }

    /// Whether `name` is a valid Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`
    /// (reserved for Prometheus itself).
    public static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first.isASCIILetter || first == UInt8(ascii: "_"), !name.hasPrefix("__") else {
            return false
        }
        return name.utf8.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "_") }
    }
}
