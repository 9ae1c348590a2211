import HTTPTypes
import SpyglassHTTP

/// A Hummingbird request's header fields as the HTTP core reads them.
struct HummingbirdHeaders: HTTPHeaderLookup {
    let fields: HTTPFields

    func firstValue(named name: String) -> String? {
        guard let name = Self.fieldName(name) else { return nil }
        // Not `fields[name]`: its getter joins every field of the name through a lazy sequence the compiler does
        // not specialise, which costs runtime type lookups on each call.
        for field in fields where field.name == name { return field.value }
        return nil
    }

    func values(named name: String) -> [String] {
        guard let name = Self.fieldName(name) else { return [] }
        return fields[values: name]
    }

    /// The names the core reads are parsed once; another propagator's keys are validated per call.
    private static func fieldName(_ name: String) -> HTTPField.Name? {
        switch name {
        case HTTPHeaderName.requestID: requestID
        case HTTPHeaderName.userAgent: .userAgent
        case HTTPHeaderName.contentLength: .contentLength
        case HTTPHeaderName.traceparent: traceparent
        case HTTPHeaderName.tracestate: tracestate
        case HTTPHeaderName.authorization: .authorization
        case HTTPHeaderName.accept: .accept
        case HTTPHeaderName.cookie: .cookie
        default: HTTPField.Name(name)
        }
    }

    static let requestID = HTTPField.Name(HTTPHeaderName.requestID)!
    static let traceID = HTTPField.Name(HTTPHeaderName.traceID)!
    private static let traceparent = HTTPField.Name(HTTPHeaderName.traceparent)!
    private static let tracestate = HTTPField.Name(HTTPHeaderName.tracestate)!
}
