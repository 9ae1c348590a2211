import Instrumentation
public import Logging
import SpyglassCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where metrics find the sampled span that is active when a value is recorded, to attach it as an exemplar.
///
/// Exemplars link a point on a latency chart to the trace that produced it. With Spyglass's tracer the span is
/// read from `ServiceContext` (``activeSpan``); with another tracer, through swift-log's metadata provider, the
/// same way log lines get `trace_id` and `span_id`, so metrics need no tracing library of their own:
///
/// ```swift
/// let registry = MetricRegistry(exemplars: .metadataProvider(OTel.makeLoggingMetadataProvider()))
/// ```
public struct ExemplarSource: Sendable {
    let currentSpan: @Sendable () -> ExemplarSpan?

    /// A source that calls `currentSpan` each time a value is recorded; it returns `nil` when no sampled span
    /// is active.
    public init(currentSpan: @escaping @Sendable () -> ExemplarSpan?) {
        self.currentSpan = currentSpan
    }

    /// The sampled span of Spyglass's tracer active in `ServiceContext.current`.
    public static var activeSpan: ExemplarSource {
        ExemplarSource {
            guard let span = ServiceContext.current?.spanIdentity, span.isSampled else { return nil }
            return ExemplarSpan(traceID: span.traceIDHex, spanID: span.spanIDHex)
        }
    }

    /// Reads `trace_id` and `span_id` from `provider`; a span whose `trace_flags` lack the sampled bit is
    /// skipped, since its trace will not be found in any backend.
    public static func metadataProvider(_ provider: Logger.MetadataProvider) -> ExemplarSource {
        ExemplarSource {
            let metadata = provider.get()
            guard let traceID = metadata["trace_id"]?.description, let spanID = metadata["span_id"]?.description else {
                return nil
            }
            if let flags = metadata["trace_flags"].flatMap({ UInt8("\($0)") }), flags & 1 == 0 { return nil }
            return ExemplarSpan(traceID: traceID, spanID: spanID)
        }
    }
}

/// The span an exemplar points to.
public struct ExemplarSpan: Sendable, Hashable {
    /// Hex trace id, 32 characters for W3C trace context.
    public var traceID: String
    /// Hex span id, 16 characters for W3C trace context.
    public var spanID: String

    public init(traceID: String, spanID: String) {
        self.traceID = traceID
        self.spanID = spanID
    }
}

/// One recorded value with the span that was active when it was recorded.
struct Exemplar: Sendable {
    let span: ExemplarSpan
    let value: Double
    /// Seconds since the Unix epoch.
    let timestamp: Double

    init(span: ExemplarSpan, value: Double) {
        self.span = span
        self.value = value
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        timestamp = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
