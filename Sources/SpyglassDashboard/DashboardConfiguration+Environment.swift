public import SpyglassCore

extension DashboardConfiguration {
    /// This configuration with `SPYGLASS_DASHBOARD` and `SPYGLASS_DASHBOARD_TOKEN` from `environment` applied
    /// over it, for a service running in `deploymentEnvironment`.
    ///
    /// - Throws: ``ConfigurationError`` for a value that cannot be used, a token shorter than
    ///   ``shortestToken`` (its length is named, never its text), or the dashboard turned on outside
    ///   `development` without a token.
    public func applyingEnvironment(
        _ environment: EnvironmentVariables,
        deploymentEnvironment: String
    ) throws(ConfigurationError) -> DashboardConfiguration {
        var result = self
        if let variable = environment.first("SPYGLASS_DASHBOARD") {
            result.mode = try variable.choice(["on": Mode.on, "off": .off])
        }
        if let variable = environment.first("SPYGLASS_DASHBOARD_TOKEN") {
            let token = variable.trimmed
            guard token.count >= Self.shortestToken else {
                throw ConfigurationError(
                    variable: variable.name, value: "(\(token.count) characters)",
                    allowed: "a token of at least \(Self.shortestToken) characters")
            }
            result.token = token
        }
        if result.mode == .on, result.token == nil, deploymentEnvironment != "development" {
            throw ConfigurationError(
                variable: "SPYGLASS_DASHBOARD", value: "on",
                allowed: "on outside development only with SPYGLASS_DASHBOARD_TOKEN set (the dashboard shows logs and traces)")
        }
        return result
    }
}
