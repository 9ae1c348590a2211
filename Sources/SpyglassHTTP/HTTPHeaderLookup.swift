public import Instrumentation

/// A framework's request headers, read by name: what the core needs of a request's header block.
///
/// Adapters conform their framework's own header type (Hummingbird's `HTTPFields`, Vapor's NIO `HTTPHeaders`),
/// so no request converts its headers.
public protocol HTTPHeaderLookup {
    /// The value of the first field called `name`; names compare case-insensitively. `name` is lowercase for the
    /// headers Spyglass reads (``HTTPHeaderName``); another propagator's keys may come in any case.
    func firstValue(named name: String) -> String?

    /// Every field called `name`, in order (a `Cookie` can come as several fields).
    func values(named name: String) -> [String]
}

/// The headers Spyglass reads and writes, lowercase as HTTP/2 sends them.
public enum HTTPHeaderName {
    public static let requestID = "x-request-id"
    public static let traceID = "x-trace-id"
    public static let userAgent = "user-agent"
    public static let contentLength = "content-length"
    public static let authorization = "authorization"
    public static let accept = "accept"
    public static let cookie = "cookie"
    public static let traceparent = "traceparent"
    public static let tracestate = "tracestate"
}

/// Reads propagation headers (`traceparent`, `tracestate`, or another propagator's) for the installed instrument.
struct HeaderLookupExtractor<Headers: HTTPHeaderLookup>: Extractor {
    func extract(key: String, from headers: Headers) -> String? {
        headers.firstValue(named: key)
    }
}
