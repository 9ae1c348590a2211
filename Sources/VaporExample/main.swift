// The shortest correct set-up of Spyglass on Vapor 4 (README, "Vapor"): logs, metrics, traces, /metrics, the
// health endpoints, /monitoring/info and the dashboard; readiness, drain and flush at `asyncShutdown`.
import Spyglass
import SpyglassVapor
import Vapor

let spyglass = try Spyglass.bootstrap(SpyglassConfiguration(serviceName: "vapor-example"))  // replaces LoggingSystem.bootstrap(from:)
let app = try await Application.make(.detect())
app.spyglass.use(spyglass)
app.get("hello", ":name") { request in "Hello, \(request.parameters.get("name") ?? "you")!" }
try await app.execute()
try await app.asyncShutdown()
