public import SpyglassCore
public import Logging

/// How Spyglass writes logs.
public struct LoggingConfiguration: Sendable, Hashable {
    /// Lines below this level are dropped. Default `.info`. Environment: `SPYGLASS_LOG_LEVEL`, else `LOG_LEVEL`.
    public var level: Logger.Level
    /// Line format. Default ``LogFormat/json``. Environment: `SPYGLASS_LOG_FORMAT`.
    public var format: LogFormat
    /// Levels for particular logger labels. Default none. Environment: `SPYGLASS_LOG_LEVELS`.
    public var labelLevels: LabelLogLevels
    /// Whether each line carries `source` (file, function, line). Default `false`.
    /// Environment: `SPYGLASS_LOG_SOURCE`.
    public var includeSource: Bool
    /// What is hidden from log output. Default: redaction on. Environment: `SPYGLASS_LOG_REDACTION=on|off`,
    /// `SPYGLASS_LOG_REDACT_KEYS` and `SPYGLASS_LOG_ALLOW_KEYS` (comma-separated).
    public var redaction: RedactionConfiguration
    /// Repetitive-message sampling, or `nil` for none. Default ``LogSampling/init(first:thereafter:interval:)``
    /// (100 per message and second, then 1 in 100). Environment: `SPYGLASS_LOG_SAMPLING`.
    public var sampling: LogSampling?
    /// Longest UTF-8 size of the message or of any single value; longer ones are cut at a character boundary
    /// and end in `…[truncated N bytes]`. Default 8192. Environment: `SPYGLASS_LOG_MAX_VALUE_BYTES`.
    public var maxValueBytes: Int
    /// How long a written line may wait in the buffer before it reaches the file descriptor. Errors and
    /// critical lines are written at once. Default 100 ms.
    public var flushInterval: Duration
    /// How many of the latest lines are kept in process for the built-in dashboard; 0 keeps none. Default 10,000,
    /// as .NET Aspire's dashboard keeps. Environment: `SPYGLASS_STORE_LOG_LINES`.
    public var storeLines: Int
    /// The most bytes those lines may take; the oldest make room. Default 16 MiB.
    /// Environment: `SPYGLASS_STORE_LOG_BYTES`.
    public var storeBytes: Int

    /// Creates a logging configuration; every parameter has the documented default.
    public init(
        level: Logger.Level = .info,
        format: LogFormat = .json,
        labelLevels: LabelLogLevels = LabelLogLevels(),
        includeSource: Bool = false,
        redaction: RedactionConfiguration = RedactionConfiguration(),
        sampling: LogSampling? = LogSampling(),
        maxValueBytes: Int = 8192,
        flushInterval: Duration = .milliseconds(100),
        storeLines: Int = 10_000,
        storeBytes: Int = 16 * 1024 * 1024
    ) {
        self.level = level
        self.format = format
        self.labelLevels = labelLevels
        self.includeSource = includeSource
        self.redaction = redaction
        self.sampling = sampling
        self.maxValueBytes = maxValueBytes
        self.flushInterval = flushInterval
        self.storeLines = storeLines
        self.storeBytes = storeBytes
    }

    /// The level a logger labelled `label` starts with.
    public func level(for label: String) -> Logger.Level {
        labelLevels.level(for: label) ?? level
    }
}
