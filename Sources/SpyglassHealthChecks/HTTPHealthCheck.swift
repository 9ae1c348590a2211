public import SpyglassHealth
public import AsyncHTTPClient
import NIOCore

/// Healthy when `GET url` answers with a status in `expectedStatus` (default 200–399).
public struct HTTPHealthCheck: HealthCheck {
    public let name: String
    public let url: String
    public let expectedStatus: ClosedRange<Int>
    private let requestTimeout: Duration
    private let client: HTTPClient

    /// - Parameters:
    ///   - requestTimeout: how long the request may take; default 1 s. AsyncHTTPClient retries a refused connection
    ///     until then and reports the refusal, so keep it below the monitor's timeout for the report to say why.
    ///   - client: the client the request is sent with; default `HTTPClient.shared`.
    public init(
        name: String,
        url: String,
        expectedStatus: ClosedRange<Int> = 200...399,
        requestTimeout: Duration = .seconds(1),
        client: HTTPClient = .shared
    ) {
        self.name = name
        self.url = url
        self.expectedStatus = expectedStatus
        self.requestTimeout = requestTimeout
        self.client = client
    }

    public func check() async throws -> HealthCheckResult {
        let target = HTTPClientRequest(url: url)
        do {
            let response = try await client.execute(target, timeout: TimeAmount(requestTimeout))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            let details = ["url": url, "status": String(status)]
            guard expectedStatus.contains(status) else {
                return .unhealthy("GET \(url) answered \(status), expected \(expectedStatus.lowerBound)–\(expectedStatus.upperBound)", details: details)
            }
            return .healthy(details: details)
        } catch {
            return .unhealthy("GET \(url) failed: \(ConnectionFailure.describe(error, target: url))", details: ["url": url])
        }
    }
}
