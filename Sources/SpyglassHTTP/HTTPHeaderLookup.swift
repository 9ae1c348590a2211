public import Instrumentation

/// A framework's request headers, read by name: what the core needs of a request's header block.
///
/// Adapters conform their framework's own header type (Hummingbird's `HTTPFields`, Vapor's NIO `HTTPHeaders`),
/// so no request converts its headers.
public protocol HTTPHeaderLookup {
    /// The value of the first field called `name`; names compare case-insensitively.
    func firstValue(named name: HTTPHeaderName) -> String?

    /// Every field called `name`, in order (a `Cookie` can come as several fields).
    func values(named name: HTTPHeaderName) -> [String]

    /// Calls `body` with each field's name and value, in order. Read only for a failed request's
    /// `request_headers`, never on a request that succeeds.
    func forEachField(_ body: (_ name: String, _ value: String) -> Void)
}

/// A header name as the core asks for it.
///
/// The headers Spyglass reads carry a known case, so an adapter maps them to its framework's parsed name with a
/// `switch` instead of comparing or parsing strings on every request; another propagator's keys come as text.
public struct HTTPHeaderName: Hashable, Sendable, CustomStringConvertible {
    /// The headers Spyglass reads and writes.
    package enum Known: Hashable, Sendable {
        case requestID, traceID, userAgent, contentLength, authorization, accept, cookie, traceparent, tracestate
    }

    /// The name as text, lowercase for the known names (as HTTP/2 sends them).
    public let text: String
    /// The known header this is, if any.
    package let known: Known?

    /// A name by its text; `traceparent` and `tracestate` are recognised, any other name is read by its text.
    public init(_ text: String) {
        self.text = text
        switch text {
        case Self.traceparent.text: known = .traceparent
        case Self.tracestate.text: known = .tracestate
        default: known = nil
        }
    }

    private init(_ known: Known, _ text: String) {
        self.text = text
        self.known = known
    }

    public var description: String { text }

    public static let requestID = HTTPHeaderName(.requestID, "x-request-id")
    public static let traceID = HTTPHeaderName(.traceID, "x-trace-id")
    public static let userAgent = HTTPHeaderName(.userAgent, "user-agent")
    public static let contentLength = HTTPHeaderName(.contentLength, "content-length")
    public static let authorization = HTTPHeaderName(.authorization, "authorization")
    public static let accept = HTTPHeaderName(.accept, "accept")
    public static let cookie = HTTPHeaderName(.cookie, "cookie")
    public static let traceparent = HTTPHeaderName(.traceparent, "traceparent")
    public static let tracestate = HTTPHeaderName(.tracestate, "tracestate")
}

/// Reads propagation headers (`traceparent`, `tracestate`, or another propagator's) for the installed instrument.
struct HeaderLookupExtractor<Headers: HTTPHeaderLookup>: Extractor {
    func extract(key: String, from headers: Headers) -> String? {
        headers.firstValue(named: HTTPHeaderName(key))
    }
}
