import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import SpyglassMetrics
import SpyglassVapor
import Vapor

/// The Vapor set-ups of `main.swift`, serving the same route.
enum VaporServer {
    static func run(mode: String, port: Int, registry: MetricRegistry, tracing: some Service) async throws {
        let tracingTask = Task { try await tracing.run() }
        defer { tracingTask.cancel() }
        let app = try await Application.make(Environment(name: "production", arguments: ["http-overhead"]))
        app.logger = Logger(label: "vapor")
        switch mode {
        case "vapor-bare":
            app.middleware = Middlewares()
            app.http.server.configuration.reportMetrics = false
        case "vapor":
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: PrometheusCollectorRegistry()))
            app.middleware.use(TracingMiddleware(), at: .beginning)
        case "vapor-metrics":
            app.spyglass.useMiddleware(SpyglassMiddleware(metrics: registry, configuration: .metricsOnly))
        default:
            app.spyglass.useMiddleware(SpyglassMiddleware(metrics: registry))
        }
        app.get("v1", "jobs", ":id") { request in
            "{\"id\":\"\(request.parameters.get("id") ?? "")\",\"status\":\"completed\"}"
        }
        try await app.asyncBoot()
        try await app.server.start(address: .hostname("127.0.0.1", port: port))
        // http-overhead.sh ends the server with SIGTERM (the default action): nothing to drain.
        try await Task.sleep(for: .seconds(86_400))
    }
}
