public import SpyglassCore
public import Logging

/// Log levels for particular logger labels, on top of the global level.
///
/// Written as `SPYGLASS_LOG_LEVELS=AsyncHTTPClient=warning,hummingbird=error`. A label matches an entry when it
/// equals the entry's name or starts with the name followed by `.`, ignoring case; the longest matching name
/// wins, so `hummingbird=error,hummingbird.router=debug` is honoured as written.
public struct LabelLogLevels: Sendable, Hashable {
    private var levels: [String: Logger.Level]

    /// Creates per-label levels from a dictionary of label (prefix) to level.
    public init(_ levels: [String: Logger.Level] = [:]) {
        self.levels = [:]
        for (label, level) in levels { self.levels[label.lowercased()] = level }
    }

    /// Parses the `label=level,label=level` form.
    ///
    /// - Throws: ``ConfigurationError`` naming `variable` when an entry is not `label=level` or a level is unknown.
    public init(parsing text: String, variable: String = "SPYGLASS_LOG_LEVELS") throws(ConfigurationError) {
        var levels: [String: Logger.Level] = [:]
        for entry in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let label = parts[0].trimmingWhitespace()
            guard parts.count == 2, !label.isEmpty, !label.contains(" "),
                let level = Logger.Level(name: parts[1].trimmingWhitespace())
            else {
                throw ConfigurationError(
                    variable: variable,
                    value: text,
                    allowed: "comma-separated label=level entries with level one of \(Logger.Level.allowedNames)"
                )
            }
            levels[label] = level
        }
        self.init(levels)
    }

    /// Whether no label has its own level.
    public var isEmpty: Bool { levels.isEmpty }

    /// The level configured for `label`, or `nil` when only the global level applies.
    public func level(for label: String) -> Logger.Level? {
        guard !levels.isEmpty else { return nil }
        var candidate = label.lowercased()[...]
        while true {
            if let level = levels[String(candidate)] { return level }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = candidate[..<dot]
        }
    }
}

extension Logger.Level {
    /// Parses a level name case-insensitively; `warn` is accepted for `warning` and `fatal` for `critical`.
    public init?(name: some StringProtocol) {
        switch name.lowercased() {
        case "trace": self = .trace
        case "debug": self = .debug
        case "info": self = .info
        case "notice": self = .notice
        case "warning", "warn": self = .warning
        case "error": self = .error
        case "critical", "fatal": self = .critical
        default: return nil
        }
    }

    /// The level names, for messages saying what is allowed.
    public static let allowedNames = "trace, debug, info, notice, warning, error, critical"
}
