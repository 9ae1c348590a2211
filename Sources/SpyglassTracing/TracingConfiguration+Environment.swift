public import SpyglassCore

extension TracingConfiguration {
    /// This configuration with the tracing variables set in `environment` applied over it: `OTEL_SDK_DISABLED`,
    /// `OTEL_TRACES_SAMPLER` with `OTEL_TRACES_SAMPLER_ARG`, `SPYGLASS_STORE_SPANS`, `SPYGLASS_STORE_SPAN_BYTES`.
    ///
    /// `OTEL_PROPAGATORS` is checked too: Spyglass's tracer reads and writes W3C Trace Context (`traceparent`,
    /// `tracestate`) and nothing else, so any other propagator would be silently ignored, or, with export on,
    /// would make swift-otel's spans unreadable to it; `tracecontext` is the one value allowed.
    ///
    /// - Throws: ``ConfigurationError`` for the first variable whose value cannot be used.
    public func applyingEnvironment(_ environment: EnvironmentVariables) throws(ConfigurationError) -> TracingConfiguration {
        var result = self
        if let variable = environment.first("OTEL_SDK_DISABLED") {
            result.isEnabled = try !variable.boolean()
        }
        if let variable = environment.first("OTEL_TRACES_SAMPLER") {
            result.sampler = try TraceSampler.parse(name: variable.value, argument: environment.first("OTEL_TRACES_SAMPLER_ARG")?.value)
        } else if let argument = environment.first("OTEL_TRACES_SAMPLER_ARG") {
            _ = try TraceSampler.parseRatio(argument.value)
        }
        if let variable = environment.first("OTEL_PROPAGATORS") {
            let propagators = variable.list().map { $0.lowercased() }
            guard !propagators.isEmpty, propagators.allSatisfy({ $0 == "tracecontext" }) else {
                throw variable.error(allowed: "tracecontext (Spyglass propagates W3C Trace Context only)")
            }
        }
        if let variable = environment.first("SPYGLASS_STORE_SPANS") {
            result.storeSpans = try variable.integer("spans", in: 1...1_000_000)
        }
        if let variable = environment.first("SPYGLASS_STORE_SPAN_BYTES") {
            result.storeBytes = try variable.integer("bytes", in: 4096...1_073_741_824)
        }
        return result
    }
}
