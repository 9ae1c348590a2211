@_spi(Locking) public import SpyglassCore
public import SpyglassHealth
import SpyglassTracing

/// What the built-in dashboard at `/spyglass` shows, and the token that opens it.
///
/// `Spyglass.bootstrap` makes one when the dashboard is on (``DashboardConfiguration``); serve it with
/// ``Hummingbird/Router/addDashboard(_:)``. Every text it shows passed the logs' redaction: log lines are kept
/// redacted, span attributes are redacted by the tracer, and check messages and error texts are redacted here.
public struct Dashboard: Sendable {
    /// The token the login asks for; also accepted as `Authorization: Bearer <token>` by the JSON API.
    public let token: String
    /// Whether ``token`` was made at start rather than configured (then the login link is worth logging).
    public let tokenWasGenerated: Bool
    public let service: String
    public let version: String
    public let environment: String
    public let spans: SpanStore
    /// `nil` when the log store is turned off (`SPYGLASS_STORE_LOG_LINES=0`).
    public let logs: LogStore?
    public let errors: ErrorGroups
    public let jobs: JobHistory
    public let metrics: MetricHistory
    public let health: HealthMonitor
    public let redactor: Redactor
    /// How often ``metrics`` is sampled (by a ``DashboardSampler``); the charts say so.
    public let sampleInterval: Duration
    package let healthRefresh = HealthRefresh()

    public init(
        token: String,
        tokenWasGenerated: Bool = false,
        service: String,
        version: String,
        environment: String,
        spans: SpanStore,
        logs: LogStore?,
        errors: ErrorGroups,
        jobs: JobHistory,
        metrics: MetricHistory,
        health: HealthMonitor,
        redactor: Redactor,
        sampleInterval: Duration = .seconds(2)
    ) {
        self.token = token
        self.tokenWasGenerated = tokenWasGenerated
        self.service = service
        self.version = version
        self.environment = environment
        self.spans = spans
        self.logs = logs
        self.errors = errors
        self.jobs = jobs
        self.metrics = metrics
        self.health = health
        self.redactor = redactor
        self.sampleInterval = sampleInterval
    }

    /// The path that opens the dashboard: the login with the token when it was made at start (log it with your
    /// server's address once it runs, as .NET Aspire prints its login link), else `/spyglass`, which asks for the
    /// configured token (never logged).
    public var openingPath: String { tokenWasGenerated ? "/spyglass/login?t=\(token)" : "/spyglass" }

    /// A token for a dashboard that has none configured: 32 hex digits from the system's random generator.
    public static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.digits(high: generator.next(), low: generator.next())
    }
}

/// When the dashboard last ran every health check.
package final class HealthRefresh: Sendable {
    /// The shortest time between two runs of every check for the dashboard.
    package static let interval = Duration.seconds(10)
    private let lastRun = Locked<ContinuousClock.Instant?>(nil)

    /// Whether a run is due now; if so, it counts as begun.
    package func isDue() -> Bool {
        let now = ContinuousClock.now
        return lastRun.withLock { last in
            guard last.map({ now - $0 >= Self.interval }) ?? true else { return false }
            last = now
            return true
        }
    }
}
