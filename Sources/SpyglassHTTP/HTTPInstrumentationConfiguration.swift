/// What a framework's `SpyglassMiddleware` records and for which requests.
public struct HTTPInstrumentationConfiguration: Sendable, Hashable {
    /// Paths that get no metrics, log line or span (they still get a request id): exact paths, or prefixes
    /// ending in `*` (`/health/*`), compared byte for byte with the path. Default `/metrics` and the built-in
    /// dashboard, `/spyglass*`.
    public var excludedPaths: [String]
    /// Whether each request gets an `X-Request-ID`: the caller's when valid, else a new one, bound in
    /// ``SpyglassContext`` for the request's log lines and echoed on the response. Default `true`.
    public var assignsRequestIDs: Bool
    /// Whether the `status` label is the status class (`2xx`) instead of the code, to keep series few.
    /// Default `false`.
    public var groupsStatusCodes: Bool
    /// Whether each request gets a server span through the installed tracer. Default `true`.
    public var tracesRequests: Bool
    /// Whether each request writes a `request_completed` line. Default `true`.
    public var logsRequests: Bool

    /// Creates a configuration; every parameter has the documented default.
    public init(
        excludedPaths: [String] = ["/metrics", "/spyglass*"],
        assignsRequestIDs: Bool = true,
        groupsStatusCodes: Bool = false,
        tracesRequests: Bool = true,
        logsRequests: Bool = true
    ) {
        self.excludedPaths = excludedPaths
        self.assignsRequestIDs = assignsRequestIDs
        self.groupsStatusCodes = groupsStatusCodes
        self.tracesRequests = tracesRequests
        self.logsRequests = logsRequests
    }

    /// Metrics alone: no request ids, spans or access log lines, for services that get those elsewhere.
    public static var metricsOnly: HTTPInstrumentationConfiguration {
        HTTPInstrumentationConfiguration(assignsRequestIDs: false, tracesRequests: false, logsRequests: false)
    }

    /// The `status` label for `code`.
    package func statusLabel(_ code: Int) -> String {
        // Made once: formatting the code cost a tenth of what the metrics of a request cost.
        guard (100...599).contains(code) else { return groupsStatusCodes ? "\(code / 100)xx" : String(code) }
        return groupsStatusCodes ? Self.classLabels[code / 100 - 1] : Self.codeLabels[code - 100]
    }

    private static let codeLabels = (100...599).map { String($0) }
    private static let classLabels = (1...5).map { "\($0)xx" }
}
