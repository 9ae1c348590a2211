import HTTPTypes
import SpyglassHTTP

/// A Hummingbird request's header fields as the HTTP core reads them.
struct HummingbirdHeaders: HTTPHeaderLookup {
    let fields: HTTPFields

    func firstValue(named name: HTTPHeaderName) -> String? {
        guard let name = Self.fieldName(name) else { return nil }
        // Not `fields[name]`: its getter joins every field of the name through a lazy sequence the compiler does
        // not specialise, which costs runtime type lookups on each call.
        for field in fields where field.name == name { return field.value }
        return nil
    }

    func values(named name: HTTPHeaderName) -> [String] {
        guard let name = Self.fieldName(name) else { return [] }
        return fields[values: name]
    }

    func forEachField(_ body: (_ name: String, _ value: String) -> Void) {
        for field in fields { body(field.name.canonicalName, field.value) }
    }

    /// The names the core reads are parsed once; another propagator's keys are validated per call.
    private static func fieldName(_ name: HTTPHeaderName) -> HTTPField.Name? {
        switch name.known {
        case .requestID: requestID
        case .traceID: traceID
        case .userAgent: .userAgent
        case .contentLength: .contentLength
        case .authorization: .authorization
        case .accept: .accept
        case .cookie: .cookie
        case .traceparent: traceparent
        case .tracestate: tracestate
        case nil: HTTPField.Name(name.text)
        }
    }

    static let requestID = HTTPField.Name(HTTPHeaderName.requestID.text)!
    static let traceID = HTTPField.Name(HTTPHeaderName.traceID.text)!
    private static let traceparent = HTTPField.Name(HTTPHeaderName.traceparent.text)!
    private static let tracestate = HTTPField.Name(HTTPHeaderName.tracestate.text)!
}
