import SpyglassCore

/// Sends one encoded request to where a ``BatchExporter`` exports: an OTLP collector over HTTP or gRPC, a Sentry
/// server's envelope endpoint.
@_spi(Export)
public protocol ExportTransport: Sendable {
    /// Sends one encoded request once, within `timeout`.
    ///
    /// - Throws: ``ExportFailure`` saying whether trying again may help.
    func send(_ request: [UInt8], timeout: Duration) async throws(ExportFailure)

    /// Keeps the transport's connections until ``shutdown()``; returns at once for a transport that keeps none.
    func run() async throws

    /// Closes the connections once what is in flight has been sent.
    func shutdown()
}

/// Why an export did not go through, sorted as the OTLP specification sorts failures.
@_spi(Export)
public struct ExportFailure: Error, Sendable {
    /// What went wrong, for the diagnostic line: a status, or the connection's error.
    public var reason: String
    /// Whether the same request may succeed later (a refused connection, 429, 502, 503, 504; gRPC `UNAVAILABLE`
    /// and the other transient codes). Anything else is the request's own fault and is not sent again.
    public var isRetryable: Bool
    /// How long the receiver asked the exporter to wait (HTTP `Retry-After`; gRPC's `RetryInfo` is not read).
    public var retryAfter: Duration?
    /// Why the items are lost when the request is not sent again: ``ExportDropCounter/Reason/exportFailed``, or
    /// ``ExportDropCounter/Reason/rateLimited`` when the receiver refused them for a rate limit.
    public var loss: ExportDropCounter.Reason

    public init(reason: String, isRetryable: Bool, retryAfter: Duration? = nil, loss: ExportDropCounter.Reason = .exportFailed) {
        self.reason = reason
        self.isRetryable = isRetryable
        self.retryAfter = retryAfter
        self.loss = loss
    }
}

extension ExportFailure {
    /// An HTTP `Retry-After` in seconds (0 to 3,600); the HTTP-date form is taken as no advice, since clocks differ.
    public static func retryAfter(_ value: String) -> Duration? {
        guard let seconds = Int(value.trimmingWhitespace()), (0...3600).contains(seconds) else { return nil }
        return .seconds(seconds)
    }
}
