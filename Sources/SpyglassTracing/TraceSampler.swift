package import SpyglassCore
/// Which new traces are recorded: OpenTelemetry's samplers (`OTEL_TRACES_SAMPLER`), as a value.
///
/// A root span (no caller's trace) is sampled by ``root``. A span with a parent follows the parent's decision when
/// ``followsParent`` is set (the `parentbased_*` samplers, the default), so a trace is recorded whole or not at
/// all across services.
public struct TraceSampler: Sendable, Hashable {
    /// The decision for spans that start a trace.
    public enum Root: Sendable, Hashable {
        /// Record every trace.
        case always
        /// Record no trace.
        case never
        /// Record this fraction (0…1) of traces, decided from the trace id so every service agrees.
        case ratio(Double)
    }

    public var root: Root
    /// Whether a span with a parent takes the parent's decision. Default `true`.
    public var followsParent: Bool

    public init(root: Root, followsParent: Bool = true) {
        if case .ratio(let ratio) = root {
            self.root = ratio.isNaN || ratio <= 0 ? .never : ratio >= 1 ? .always : root
        } else {
            self.root = root
        }
        self.followsParent = followsParent
    }

    /// Every trace (`parentbased_always_on`, OpenTelemetry's default).
    public static var alwaysOn: TraceSampler { TraceSampler(root: .always) }
    /// No trace, unless a caller sampled it (`parentbased_always_off`).
    public static var alwaysOff: TraceSampler { TraceSampler(root: .never) }
    /// `ratio` of new traces, callers' decisions kept (`parentbased_traceidratio`).
    public static func ratio(_ ratio: Double) -> TraceSampler { TraceSampler(root: .ratio(ratio)) }

    /// Whether a span in trace `traceIDLow` is recorded, given its parent's decision if it has a parent.
    package func isSampled(traceIDLow: UInt64, parentSampled: Bool?) -> Bool {
        if followsParent, let parentSampled { return parentSampled }
        switch root {
        case .always: return true
        case .never: return false
        case .ratio(let ratio):
            // As OpenTelemetry's TraceIdRatioBased: the trace id's low 63 bits against the ratio's share of them.
            return traceIDLow & (UInt64.max >> 1) < UInt64(ratio * Double(UInt64.max >> 1))
        }
    }
}

extension TraceSampler {
    /// The sampler named by OpenTelemetry's `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` values.
    ///
    /// - Throws: ``ConfigurationError`` for a sampler name or ratio that is not allowed.
    /// `OTEL_TRACES_SAMPLER_ARG` as a ratio, checked even when the sampler takes none: a mistake is reported
    /// rather than ignored.
    package static func parseRatio(_ argument: String) throws(ConfigurationError) -> Double {
        guard let ratio = Double(argument.trimmingWhitespace()), (0...1).contains(ratio) else {
            throw ConfigurationError(variable: "OTEL_TRACES_SAMPLER_ARG", value: argument, allowed: "a ratio from 0 to 1")
        }
        return ratio
    }

    package static func parse(name: String, argument: String?) throws(ConfigurationError) -> TraceSampler {
        func ratio() throws(ConfigurationError) -> Double {
            guard let argument else { return 1 }   // the specification's default
            return try parseRatio(argument)
        }
        switch name.trimmingWhitespace().lowercased() {
        case "always_on": return TraceSampler(root: .always, followsParent: false)
        case "always_off": return TraceSampler(root: .never, followsParent: false)
        case "traceidratio": return TraceSampler(root: .ratio(try ratio()), followsParent: false)
        case "parentbased_always_on": return .alwaysOn
        case "parentbased_always_off": return .alwaysOff
        case "parentbased_traceidratio": return .ratio(try ratio())
        default:
            throw ConfigurationError(
                variable: "OTEL_TRACES_SAMPLER",
                value: name,
                allowed: "one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio"
            )
        }
    }
}
