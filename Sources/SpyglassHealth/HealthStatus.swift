/// How well a dependency, or the whole service, is doing.
public enum HealthStatus: String, Sendable, Hashable, Codable, Comparable {
    /// Working.
    case healthy
    /// Working, but not as it should (a non-critical dependency is down, or a check said so): still serving.
    case degraded
    /// Not working: a critical dependency is down, so readiness fails.
    case unhealthy

    /// The value of `health_check_status`: 1 healthy, 0.5 degraded, 0 unhealthy.
    public var gaugeValue: Double {
        switch self {
        case .healthy: 1
        case .degraded: 0.5
        case .unhealthy: 0
        }
    }

    private var severity: Int {
        switch self {
        case .healthy: 0
        case .degraded: 1
        case .unhealthy: 2
        }
    }

    public static func < (lhs: HealthStatus, rhs: HealthStatus) -> Bool { lhs.severity < rhs.severity }
}

/// What one check found.
public struct HealthCheckResult: Sendable, Hashable {
    public var status: HealthStatus
    /// A sentence for an operator, such as `connection refused by 127.0.0.1:5432`.
    public var message: String?
    /// Facts about the dependency (host, latency, free bytes), shown only to callers allowed to see details.
    public var details: [String: String]

    public init(status: HealthStatus, message: String? = nil, details: [String: String] = [:]) {
        self.status = status
        self.message = message
        self.details = details
    }

    public static func healthy(_ message: String? = nil, details: [String: String] = [:]) -> Self {
        Self(status: .healthy, message: message, details: details)
    }

    public static func degraded(_ message: String, details: [String: String] = [:]) -> Self {
        Self(status: .degraded, message: message, details: details)
    }

    public static func unhealthy(_ message: String, details: [String: String] = [:]) -> Self {
        Self(status: .unhealthy, message: message, details: details)
    }
}
