public import SpyglassCore

extension MetricsConfiguration {
    /// This configuration with `SPYGLASS_METRICS_NAMESPACE` and `SPYGLASS_METRICS_SERIES_LIMIT` from
    /// `environment` applied over it.
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
        return result
    }
}
