public import Foundation

/// The answer of a health endpoint: the aggregate status, each check's result, and who is answering.
public struct HealthReport: Sendable {
    /// One check's part of the report.
    public struct Check: Sendable {
        public var name: String
        public var status: HealthStatus
        /// Whether the check decides readiness.
        public var isCritical: Bool
        public var message: String?
        public var details: [String: String]
        /// How long the check took (its timeout when it timed out); 0 when the result came from the cache.
        public var durationMilliseconds: Double
        /// When the check's status last changed, if it has been seen to change.
        public var lastChange: Date?
    }

    /// The aggregate: unhealthy when a critical check is (or the service is shutting down, for readiness),
    /// degraded when any check is not healthy, else healthy.
    public var status: HealthStatus
    public var timestamp: Date
    public var service: String
    public var version: String
    public var uptimeSeconds: Double
    /// Graceful shutdown has begun: readiness fails so traffic moves elsewhere while requests drain.
    public var isShuttingDown: Bool
    public var checks: [Check]

    /// 200 unless the aggregate is unhealthy (503): a degraded service still serves.
    public var httpStatus: Int { status == .unhealthy ? 503 : 200 }

    /// The report as JSON, in the shape of the seeds' `/monitoring/health`. Without details, each check shows only
    /// its status, whether it is critical and its duration: error texts and hosts tell an attacker what is inside.
    public func json(includingDetails: Bool) -> Data {
        var checks: [String: CheckBody] = [:]
        for check in self.checks {
            checks[check.name] = CheckBody(
                status: check.status,
                critical: check.isCritical,
                duration_ms: check.durationMilliseconds,
                message: includingDetails ? check.message : nil,
                details: includingDetails && !check.details.isEmpty ? check.details : nil,
                last_change: includingDetails ? check.lastChange.map(Self.timestamp) : nil
            )
        }
        let body = Body(
            status: status,
            timestamp: Self.timestamp(timestamp),
            service: service,
            version: version,
            uptime_seconds: (uptimeSeconds * 1000).rounded() / 1000,
            shutting_down: isShuttingDown ? true : nil,
            checks: checks
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(body)) ?? Data(#"{"status":"unhealthy"}"#.utf8)
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private struct Body: Encodable {
        let status: HealthStatus
        let timestamp: String
        let service: String
        let version: String
        let uptime_seconds: Double
        let shutting_down: Bool?
        let checks: [String: CheckBody]
    }

    private struct CheckBody: Encodable {
        let status: HealthStatus
        let critical: Bool
        let duration_ms: Double
        let message: String?
        let details: [String: String]?
        let last_change: String?
    }
}
