public import SpyglassHealth
import NIOCore
import NIOPosix

/// Healthy when a TCP connection to `host:port` can be opened; the connection is closed at once.
public struct TCPHealthCheck: HealthCheck {
    public let name: String
    public let host: String
    public let port: Int

    public init(name: String, host: String, port: Int) {
        self.name = name
        self.host = host
        self.port = port
    }

    public func check() async throws -> HealthCheckResult {
        let target = "\(host):\(port)"
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: host, port: port).get()
            try? await channel.close()
            return .healthy("accepted a connection", details: ["address": target])
        } catch {
            return .unhealthy(ConnectionFailure.describe(error, target: target), details: ["address": target])
        }
    }
}
