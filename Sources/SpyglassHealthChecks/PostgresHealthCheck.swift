public import SpyglassHealth
import Logging
public import PostgresNIO

/// Healthy when PostgreSQL accepts a new connection and answers `SELECT 1` on it.
///
/// A fresh connection each run, so the check sees what a new pool connection would (authentication included)
/// and leaves the application's pool alone; give it a ``HealthMonitor`` cache TTL if checks are frequent.
public struct PostgresHealthCheck: HealthCheck {
    public let name: String
    private let configuration: PostgresConnection.Configuration

    public init(name: String = "postgres", configuration: PostgresConnection.Configuration) {
        self.name = name
        self.configuration = configuration
    }

    public func check() async throws -> HealthCheckResult {
        let target = "\(configuration.host ?? configuration.unixSocketPath ?? "postgres"):\(configuration.port ?? 5432)"
        let details = ["address": target, "user": configuration.username]
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Self.quiet)
            do {
                let rows = try await connection.query("SELECT 1", logger: Self.quiet)
                for try await _ in rows {}
            } catch {
                try? await connection.close()
                throw error
            }
            try? await connection.close()
            return .healthy("SELECT 1 answered", details: details)
        } catch {
            return .unhealthy(Self.describe(error, target: target, user: configuration.username), details: details)
        }
    }

    /// postgres-nio's errors describe themselves generically on purpose; this reads their parts.
    static func describe(_ error: any Error, target: String, user: String) -> String {
        guard let error = error as? PSQLError else { return ConnectionFailure.describe(error, target: target) }
        if let state = error.serverInfo?[.sqlState] {
            let message = error.serverInfo?[.message] ?? "error \(state)"
            switch state {
            case "28P01", "28000": return "authentication failed for user \(user) at \(target): \(message)"
            case "3D000": return "database does not exist at \(target): \(message)"
            case "57P03": return "\(target) is not accepting connections yet: \(message)"
            default: return "\(target) answered \(state): \(message)"
            }
        }
        switch error.code {
        case .connectionError:
            return error.underlying.map { ConnectionFailure.describe($0, target: target) } ?? "could not connect to \(target)"
        case .serverClosedConnection, .uncleanShutdown:
            return "\(target) closed the connection"
        case .authMechanismRequiresPassword:
            return "authentication failed for user \(user) at \(target): the server asks for a password and none is configured"
        case .queryCancelled:
            return "the check was cancelled"
        default:
            return "\(target) failed: \(error.code)"
        }
    }

    private static let quiet = Logger(label: "spyglass.health.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
}
