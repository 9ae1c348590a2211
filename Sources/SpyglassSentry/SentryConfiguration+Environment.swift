public import SpyglassCore

extension SentryConfiguration {
    /// This configuration with `SENTRY_DSN`, `SENTRY_ENVIRONMENT`, `SENTRY_RELEASE` and `SENTRY_SAMPLE_RATE` from
    /// `environment` applied over it.
    ///
    /// - Throws: ``ConfigurationError`` for the first variable whose value cannot be used. A DSN that cannot be
    ///   used is named with its key left out: the error is printed at start-up, where logs are collected.
    public func applyingEnvironment(_ environment: EnvironmentVariables) throws(ConfigurationError) -> SentryConfiguration {
        var result = self
        if let variable = environment.first("SENTRY_DSN") {
            guard let dsn = SentryDSN(variable.value) else {
                throw ConfigurationError(
                    variable: variable.name, value: Self.withoutKey(variable.value),
                    allowed: "a DSN such as https://KEY@errors.example.org/42 (\(SentryDSN.problem(with: variable.value) ?? "unreadable"))")
            }
            result.dsn = dsn
        }
        if let variable = environment.first("SENTRY_ENVIRONMENT") { result.environment = variable.trimmed }
        if let variable = environment.first("SENTRY_RELEASE") { result.release = variable.trimmed }
        if let variable = environment.first("SENTRY_SAMPLE_RATE") {
            guard let rate = Double(variable.trimmed), (0...1).contains(rate) else {
                throw variable.error(allowed: "a share of events from 0 to 1, such as 0.25")
            }
            result.sampleRate = rate
        }
        return result
    }

    /// `text` with everything between `://` and the last `@` masked, and nothing at all when it has no `@`
    /// (a key pasted without its URL): a refused DSN is shown without the key it may hold.
    static func withoutKey(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return "(\(text.utf8.count) bytes, not shown: it may be a key)" }
        let start = text.firstRange(of: "://")?.upperBound ?? text.startIndex
        guard start <= at else { return "(\(text.utf8.count) bytes, not shown: it may be a key)" }
        return String(text[..<start]) + "***" + String(text[at...])
    }
}
