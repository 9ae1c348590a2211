import AsyncHTTPClient
@_spi(Export) import SpyglassExport
import NIOCore
import NIOHTTP1

/// Posts envelopes to a Sentry server's envelope endpoint, authenticated by `X-Sentry-Auth`, and keeps its rate
/// limits.
struct SentryHTTPTransport: ExportTransport {
    private let client: HTTPClient
    private let url: String
    private let headers: HTTPHeaders
    let rateLimits: SentryRateLimits

    init(dsn: SentryDSN, client: String, rateLimits: SentryRateLimits, httpClient: HTTPClient = .shared) {
        self.client = httpClient
        url = dsn.envelopeURL
        headers = [
            "Content-Type": "application/x-sentry-envelope",
            "User-Agent": client,
            "X-Sentry-Auth": dsn.authorization(client: client),
        ]
        self.rateLimits = rateLimits
    }

    func send(_ envelope: [UInt8], timeout: Duration) async throws(ExportFailure) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(ByteBuffer(bytes: envelope))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout / .nanoseconds(1))))
            // Read (and discard) the answer, so the connection can be kept for the next event.
            _ = try await response.body.collect(upTo: 64 * 1024)
        } catch {
            // Refused, reset or timed out: the server may be back for the next attempt.
            throw ExportFailure(reason: "\(error)", isRetryable: true)
        }
        let status = response.status.code
        let limit = rateLimits.update(
            status: status,
            rateLimits: response.headers.first(name: "X-Sentry-Rate-Limits"),
            retryAfter: response.headers.first(name: "Retry-After")
        )
        if (200..<300).contains(status) { return }
        if status == 429 {
            throw ExportFailure(reason: "HTTP 429, rate limited for \(limit ?? SentryRateLimits.defaultWait)", isRetryable: false, loss: .rateLimited)
        }
        throw ExportFailure(reason: "HTTP \(status)", isRetryable: [502, 503, 504].contains(status))
    }

    func run() async throws {}

    func shutdown() {}
}
