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
