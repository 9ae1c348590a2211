public import HTTPTypes
public import Instrumentation
import SpyglassCore

/// Reads propagation headers (`traceparent`, `tracestate`) from request headers for the installed instrument.
public struct HTTPFieldsExtractor: Extractor {
    public init() {}

    public func extract(key: String, from headers: HTTPFields) -> String? {
        // The W3C names are parsed once; other propagators' keys are validated per call.
        let name: HTTPField.Name? = switch key {
        case "traceparent": Self.traceparent
        case "tracestate": Self.tracestate
        default: HTTPField.Name(key)
        }
        return name.flatMap { headers[$0] }
    }

    private static let traceparent = HTTPField.Name("traceparent")!
    private static let tracestate = HTTPField.Name("tracestate")!
}

extension Instrument {
    /// The W3C trace id of the span in `context`: straight from a span of Spyglass's tracer, otherwise read from
    /// the `traceparent` this instrument would send, so it works with any W3C-propagating tracer; `nil` for one
    /// that propagates otherwise (or not at all).
    func w3cTraceID(of context: ServiceContext) -> String? {
        if let identity = context.spanIdentity { return identity.traceIDHex }
        var capture = TraceparentCapture()
        inject(context, into: &capture, using: TraceparentCapture.Injector())
        // `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`
        guard let traceparent = capture.value, traceparent.utf8.count == 55 else { return nil }
        let start = traceparent.utf8.index(traceparent.utf8.startIndex, offsetBy: 3)
        let end = traceparent.utf8.index(start, offsetBy: 32)
        return String(traceparent[start..<end])
    }
}

/// Holds the `traceparent` an instrument injects, without building a header collection.
private struct TraceparentCapture {
    var value: String?

    struct Injector: Instrumentation.Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout TraceparentCapture) {
            if key == "traceparent" { carrier.value = value }
        }
    }
}
