public import HTTPTypes
public import Instrumentation

/// Reads propagation headers (`traceparent`, `tracestate`) from request headers for the installed instrument.
public struct HTTPFieldsExtractor: Extractor {
    public init() {}

    public func extract(key: String, from headers: HTTPFields) -> String? {
        guard let name = HTTPField.Name(key) else { return nil }
        return headers[name]
    }
}

/// Writes propagation headers into outgoing headers for the installed instrument.
public struct HTTPFieldsInjector: Injector {
    public init() {}

    public func inject(_ value: String, forKey key: String, into headers: inout HTTPFields) {
        guard let name = HTTPField.Name(key) else { return }
        headers[name] = value
    }
}

extension Instrument {
    /// The W3C trace id of the span in `context`, read from the `traceparent` this instrument would send, so it
    /// works with any W3C-propagating tracer; `nil` for one that propagates otherwise (or not at all).
    func w3cTraceID(of context: ServiceContext) -> String? {
        var headers = HTTPFields()
        inject(context, into: &headers, using: HTTPFieldsInjector())
        guard let traceparent = headers[HTTPField.Name("traceparent")!] else { return nil }
        let parts = traceparent.split(separator: "-")
        guard parts.count == 4, parts[1].utf8.count == 32 else { return nil }
        return String(parts[1])
    }
}
