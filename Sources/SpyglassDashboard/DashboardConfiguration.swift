/// The built-in dashboard at `/spyglass`: whether it is served and the token that opens it.
///
/// The dashboard shows the service's logs, traces and errors, so it always asks for a token, like .NET Aspire's
/// browser token. Unless told otherwise it is on in the `development` environment, where a token is made at start
/// when none is configured (the demo logs its login link), and elsewhere only when a token is configured.
public struct DashboardConfiguration: Sendable, Hashable {
    /// Whether the dashboard is served.
    public enum Mode: String, Sendable, Hashable {
        /// On in `development`; elsewhere on only when ``DashboardConfiguration/token`` is set.
        case automatic
        case on
        case off
    }

    /// Default ``Mode/automatic``. Environment: `SPYGLASS_DASHBOARD=on|off`.
    public var mode: Mode
    /// The token that opens the dashboard, at least 16 characters. Default none: made at start in development.
    /// Environment: `SPYGLASS_DASHBOARD_TOKEN`.
    public var token: String?
    /// How often metrics are sampled for the charts. Default 2 seconds; 900 samples (30 minutes) are kept.
    public var sampleInterval: Duration

    /// The fewest characters a configured token may have.
    public static let shortestToken = 16

    public init(mode: Mode = .automatic, token: String? = nil, sampleInterval: Duration = .seconds(2)) {
        self.mode = mode
        self.token = token
        self.sampleInterval = sampleInterval
    }

    /// Whether the dashboard is served in `environment`.
    public func isEnabled(environment: String) -> Bool {
        switch mode {
        case .on: true
        case .off: false
        case .automatic: environment == "development" || token != nil
        }
    }

    /// Whether a token is made at start: the dashboard is on without one, which only development allows.
    public func makesToken(environment: String) -> Bool {
        isEnabled(environment: environment) && token == nil
    }
}
