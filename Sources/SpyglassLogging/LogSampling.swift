public import SpyglassCore
/// Volume control for repetitive log lines.
///
/// Within each ``interval``, the first ``first`` lines with the same level and message are written; after that
/// only every ``thereafter``-th one is, and the rest are dropped and counted. Distinct messages are counted
/// apart, so a flood of one message never hides another.
///
/// Written as `SPYGLASS_LOG_SAMPLING=first=100,thereafter=100,interval=1s`, or `off`.
public struct LogSampling: Sendable, Hashable {
    /// Lines per message and interval that are always written. Default 100.
    public var first: Int
    /// Past ``first``, one line in this many is written. Default 100.
    public var thereafter: Int
    /// The window the counts restart in. Default one second.
    public var interval: Duration

    /// Creates a sampling policy; the defaults match zap's production sampler.
    public init(first: Int = 100, thereafter: Int = 100, interval: Duration = .seconds(1)) {
        self.first = first
        self.thereafter = thereafter
        self.interval = interval
    }

    static let allowed = "off, or first=N,thereafter=M,interval=D with N >= 1, M >= 1 and D a duration such as 500ms or 1s"

    /// Parses `off` (returns `nil`) or `first=N,thereafter=M,interval=D`; omitted parts keep their defaults.
    ///
    /// - Throws: ``ConfigurationError`` naming `variable` for anything else.
    public static func parse(_ text: String, variable: String = "SPYGLASS_LOG_SAMPLING") throws(ConfigurationError) -> LogSampling? {
        let trimmed = text.trimmingWhitespace()
        if ["off", "false", "none", "0"].contains(trimmed.lowercased()) { return nil }
        let error = ConfigurationError(variable: variable, value: text, allowed: allowed)
        var sampling = LogSampling()
        for entry in trimmed.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw error }
            let name = parts[0].trimmingWhitespace().lowercased()
            let value = parts[1].trimmingWhitespace()
            switch name {
            case "first":
                guard let count = Int(value), count >= 1 else { throw error }
                sampling.first = count
            case "thereafter":
                guard let count = Int(value), count >= 1 else { throw error }
                sampling.thereafter = count
            case "interval":
                guard let duration = Duration(parsing: value), duration > .zero else { throw error }
                sampling.interval = duration
            default:
                throw error
            }
        }
        return sampling
    }
}

extension Duration {
    /// Parses `250ms`, `1s`, `2m` or `1h`.
    init?(parsing text: String) {
        let units: [(String, Duration)] = [("ms", .milliseconds(1)), ("s", .seconds(1)), ("m", .seconds(60)), ("h", .seconds(3600))]
        for (suffix, unit) in units where text.hasSuffix(suffix) {
            guard let amount = Int(text.dropLast(suffix.count)), amount >= 0 else { return nil }
            self = unit * amount
            return
        }
        return nil
    }
}

