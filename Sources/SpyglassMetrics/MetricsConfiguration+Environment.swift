public import SpyglassCore

extension MetricsConfiguration {
    /// This configuration with `SPYGLASS_METRICS_NAMESPACE`, `SPYGLASS_METRICS_SERIES_LIMIT`,
    /// `SPYGLASS_METRICS_NATIVE_HISTOGRAMS`, `SPYGLASS_METRICS_NATIVE_HISTOGRAM_SCHEMA` and
    /// `SPYGLASS_METRICS_NATIVE_HISTOGRAM_MAX_BUCKETS` from `environment` applied over it.
    ///
    /// - Throws: ``ConfigurationError`` for the first variable whose value cannot be used.
    public func applyingEnvironment(_ environment: EnvironmentVariables) throws(ConfigurationError) -> MetricsConfiguration {
        var result = self
        if let variable = environment.first("SPYGLASS_METRICS_NAMESPACE") {
            guard Self.isValidMetricName(variable.trimmed) else {
                throw variable.error(allowed: "a Prometheus name prefix matching [a-zA-Z_:][a-zA-Z0-9_:]*")
            }
            result.namespace = variable.trimmed
        }
        if let variable = environment.first("SPYGLASS_METRICS_SERIES_LIMIT") {
            result.seriesLimit = try variable.integer("series", in: 1...1_000_000)
        }
        if let variable = environment.first("SPYGLASS_METRICS_NATIVE_HISTOGRAMS") {
            result.nativeHistograms = try variable.boolean() ? result.nativeHistograms ?? NativeHistogramConfiguration() : nil
        }
        if var native = result.nativeHistograms {
            if let variable = environment.first("SPYGLASS_METRICS_NATIVE_HISTOGRAM_SCHEMA") {
                guard let schema = Int(variable.trimmed), ExponentialBucketSchema.range.contains(schema) else {
                    throw variable.error(allowed: "a schema from -4 (a bucket per 65,536-fold range) to 8 (256 buckets per power of two)")
                }
                native.schema = schema
            }
            if let variable = environment.first("SPYGLASS_METRICS_NATIVE_HISTOGRAM_MAX_BUCKETS") {
                native.maxBucketCount = try variable.integer("buckets", in: 1...65_536)
            }
            result.nativeHistograms = native
        }
        return result
    }
}
