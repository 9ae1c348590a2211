public import SpyglassCore
import W3CTraceContext

extension SpanIdentity {
    /// Parses W3C `traceparent` (and `tracestate`); `nil` when `traceparent` is malformed or all-zero.
    public init?(traceparent: String, tracestate: String?) {
        guard let parsed = try? TraceContext(traceParentHeaderValue: traceparent, traceStateHeaderValue: tracestate) else {
            return nil
        }
        let trace = withUnsafeBytes(of: parsed.traceID.bytes) { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
        let span = withUnsafeBytes(of: parsed.spanID.bytes) { $0.loadUnaligned(as: UInt64.self) }
        guard trace != (0, 0), span != 0 else { return nil }
        self.init(
            traceIDHigh: UInt64(bigEndian: trace.0),
            traceIDLow: UInt64(bigEndian: trace.1),
            spanID: UInt64(bigEndian: span),
            isSampled: parsed.flags.contains(.sampled),
            isRemote: true,
            traceState: parsed.traceStateHeaderValue.flatMap { $0.isEmpty ? nil : $0 }
        )
    }
}
