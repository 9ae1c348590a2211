public import SpyglassCore
import Logging

extension LoggingConfiguration {
    /// This configuration with the logging variables set in `environment` applied over it: `SPYGLASS_LOG_LEVEL`
    /// (else `LOG_LEVEL`), `SPYGLASS_LOG_FORMAT`, `SPYGLASS_LOG_LEVELS`, `SPYGLASS_LOG_SOURCE`,
    /// `SPYGLASS_LOG_SAMPLING`, `SPYGLASS_LOG_MAX_VALUE_BYTES`, `SPYGLASS_STORE_LOG_LINES`,
    /// `SPYGLASS_STORE_LOG_BYTES`, `SPYGLASS_LOG_REDACTION`, `SPYGLASS_LOG_REDACT_KEYS`, `SPYGLASS_LOG_ALLOW_KEYS`.
    ///
    /// - Throws: ``ConfigurationError`` for the first variable whose value cannot be used.
    public func applyingEnvironment(_ environment: EnvironmentVariables) throws(ConfigurationError) -> LoggingConfiguration {
        var result = self
        if let variable = environment.first("SPYGLASS_LOG_LEVEL", "LOG_LEVEL") {
            guard let level = Logger.Level(name: variable.trimmed) else {
                throw variable.error(allowed: "one of \(Logger.Level.allowedNames)")
            }
            result.level = level
        }
        if let variable = environment.first("SPYGLASS_LOG_FORMAT") {
            guard let format = LogFormat(rawValue: variable.trimmed.lowercased()) else {
                throw variable.error(allowed: "one of json, console")
            }
            result.format = format
        }
        if let variable = environment.first("SPYGLASS_LOG_LEVELS") {
            result.labelLevels = try LabelLogLevels(parsing: variable.value, variable: variable.name)
        }
        if let variable = environment.first("SPYGLASS_LOG_SOURCE") {
            result.includeSource = try variable.boolean()
        }
        if let variable = environment.first("SPYGLASS_LOG_SAMPLING") {
            result.sampling = try LogSampling.parse(variable.value, variable: variable.name)
        }
        if let variable = environment.first("SPYGLASS_LOG_MAX_VALUE_BYTES") {
            result.maxValueBytes = try variable.integer("bytes", in: 64...1_048_576)
        }
        if let variable = environment.first("SPYGLASS_STORE_LOG_LINES") {
            result.storeLines = try variable.integer("lines", in: 0...1_000_000, lowest: "0 (keep none)")
        }
        if let variable = environment.first("SPYGLASS_STORE_LOG_BYTES") {
            result.storeBytes = try variable.integer("bytes", in: 4096...1_073_741_824)
        }
        if let variable = environment.first("SPYGLASS_LOG_REDACTION") {
            result.redaction.isEnabled = try variable.boolean()
        }
        if let variable = environment.first("SPYGLASS_LOG_REDACT_KEYS") {
            result.redaction.additionalKeys += variable.list()
        }
        if let variable = environment.first("SPYGLASS_LOG_ALLOW_KEYS") {
            result.redaction.allowedKeys += variable.list()
        }
        return result
    }
}
