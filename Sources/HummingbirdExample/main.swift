// The shortest correct set-up of Spyglass on Hummingbird 2 (README, "Hummingbird"): logs, metrics, traces,
// /metrics, the health endpoints, /monitoring/info and the dashboard, with readiness and flushing in the right order.
import Hummingbird
import ServiceLifecycle
import Spyglass
import SpyglassHummingbird

let spyglass = try Spyglass.bootstrap(SpyglassConfiguration(serviceName: "hummingbird-example"))
let router = Router()
router.addSpyglass(spyglass)
router.get("/hello/{name}") { _, context in "Hello, \(context.parameters.get("name") ?? "you")!" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
try await ServiceGroup(services: spyglass.services(around: app), gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "example")).run()
