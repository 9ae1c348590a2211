/// Which service is speaking: the name, version and deployment environment written on every log line, metric
/// (`app_info`) and exported resource.
public struct ServiceIdentity: Sendable, Hashable {
    /// The service's name (`agent-hub`).
    public var name: String
    /// The running build's version.
    public var version: String
    /// The deployment environment (`production`, `staging`, `development`).
    public var environment: String

    /// Creates an identity.
    public init(name: String, version: String, environment: String) {
        self.name = name
        self.version = version
        self.environment = environment
    }
}
