import SpyglassCore

extension ServiceIdentity {
    /// The service the logging tests' lines are written for.
    static let test = ServiceIdentity(name: "agent-hub", version: "1.0.0", environment: "test")
}
