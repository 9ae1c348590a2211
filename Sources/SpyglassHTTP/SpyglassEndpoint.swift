/// A request to one of Spyglass's own endpoints (`/metrics`, health, info, the dashboard), as an adapter hands it
/// over: only what the handlers read.
public struct SpyglassEndpointRequest {
    /// The request's headers (`Authorization`, `Accept`, `Cookie`).
    public var headers: any HTTPHeaderLookup
    /// The query string without its `?`, not decoded; `nil` when the target has none.
    public var query: String?
    /// The values of the route's `{name}` segments, by name.
    public var parameters: [String: String]

    public init(headers: any HTTPHeaderLookup, query: String?, parameters: [String: String] = [:]) {
        self.headers = headers
        self.query = query
        self.parameters = parameters
    }

    /// The query's name–value pairs, percent-decoded, `+` read as a space (HTML form encoding).
    var queryItems: [(String, String)] {
        QueryString.items(query ?? "")
    }
}

/// A complete answer of one of Spyglass's endpoints, for the adapter to convert to its framework's response.
public struct SpyglassEndpointResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The header fields, in order; names as registered (`Content-Type`).
    public var headers: [(name: String, value: String)]
    /// The whole body.
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// One `GET` route of Spyglass's endpoints: a path template and its handler. Adapters register each with their
/// router, converting `{name}` segments to their syntax.
public struct SpyglassRoute: Sendable {
    /// The path, segments of the form `{name}` matching any one segment (`/spyglass/api/traces/{id}`).
    public let path: String
    /// Answers a request; never throws: every failure is an answer.
    public let respond: @Sendable (SpyglassEndpointRequest) async -> SpyglassEndpointResponse

    public init(_ path: String, respond: @escaping @Sendable (SpyglassEndpointRequest) async -> SpyglassEndpointResponse) {
        self.path = path
        self.respond = respond
    }

    /// The segments of ``path``: `/a/{id}` is `[.literal("a"), .parameter("id")]`.
    public var segments: [Segment] {
        path.split(separator: "/").map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? .parameter(String(segment.dropFirst().dropLast())) : .literal(String(segment))
        }
    }

    /// One segment of a route's path.
    public enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
    }
}
