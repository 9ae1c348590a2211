/// Error reporting over the Sentry protocol (Sentry, GlitchTip, Bugsink): off unless a DSN is configured.
public struct SentryConfiguration: Sendable, Hashable {
    /// Where events go; `nil` (the default) sends nothing. Environment: `SENTRY_DSN`.
    public var dsn: SentryDSN?
    /// The `environment` every event carries; `nil` (the default): Spyglass's environment. Environment:
    /// `SENTRY_ENVIRONMENT`.
    public var environment: String?
    /// The `release` every event carries; `nil` (the default): the service's version. Environment:
    /// `SENTRY_RELEASE`.
    public var release: String?
    /// The share of error events sent, 0 through 1. Default 1. Environment: `SENTRY_SAMPLE_RATE`.
    public var sampleRate: Double

    /// Creates a configuration; every parameter has the documented default.
    public init(dsn: SentryDSN? = nil, environment: String? = nil, release: String? = nil, sampleRate: Double = 1) {
        self.dsn = dsn
        self.environment = environment
        self.release = release
        self.sampleRate = sampleRate
    }

    /// Whether events are sent at all.
    public var isEnabled: Bool { dsn != nil && sampleRate > 0 }
}
