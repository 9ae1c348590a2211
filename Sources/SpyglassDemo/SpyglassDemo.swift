import ArgumentParser
import Foundation
import PostgresNIO
import ServiceLifecycle
import Spyglass
import SpyglassGenAI
import SpyglassHealthChecks
import SpyglassHTTP
import SpyglassJobs
import SpyglassOpenAI

/// The Spyglass demo service: a small agent/job API, instrumented end to end.
@main
struct SpyglassDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spyglass-demo",
        abstract: "Runs the Spyglass demo service.",
        discussion: "Configuration comes from SPYGLASS_* environment variables; see README.md."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one). Default: $PORT, else 8080.")
    var port: Int?

    @Option(help: "The framework that serves the demo: hummingbird or vapor.")
    var server: DemoServerKind = .hummingbird

    @Flag(help: "Drive realistic load against this service, so every telemetry view has data.")
    var traffic = false

    @Option(help: "Milliseconds between the traffic generator's rounds of requests.")
    var trafficInterval = 200

    @Option(help: "Milliseconds one step of a background job takes.")
    var jobStepMilliseconds = 300

    func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--port \(port) is out of range: expected 0...65535")
        }
        guard trafficInterval >= 1 else { throw ValidationError("--traffic-interval \(trafficInterval) must be at least 1 ms") }
        guard jobStepMilliseconds >= 0 else { throw ValidationError("--job-step-milliseconds must not be negative") }
    }

    func run() async throws {
        let listenPort = try port ?? Self.portFromEnvironment()
        let spyglass: SpyglassService
        do {
            // A daily budget, so the budget gauges have data; SPYGLASS_LLM_BUDGETS replaces it.
            let genAI = GenAIConfiguration(budgets: [LLMCostBudget(period: .day, limitUSD: 1)])
            // The simulator's made-up prices go in front of the default table; SPYGLASS_LLM_PRICES in front of both.
            spyglass = try Spyglass.bootstrap(
                SpyglassConfiguration(serviceName: "spyglass-demo", version: "0.1.0", genAI: genAI),
                prices: PriceTable.default.overriding(try PriceTable(json: Data(LLMSimulator.prices.utf8), name: "simulator prices"))
            )
        } catch {
            FileHandle.standardError.write(Data("spyglass-demo: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let logger = Logger(label: "spyglass.demo")

        let environment = ProcessInfo.processInfo.environment
        let stepDuration = Duration.milliseconds(jobStepMilliseconds)
        let model = try Self.model(spyglass, environment: environment, chunkDelay: stepDuration / 20, logger: logger)
        let agents = DemoAgents(
            llm: model.resolve, agents: spyglass.agents, externalCalls: spyglass.externalCalls,
            errorReporter: spyglass.errorReporter, stepDuration: stepDuration)
        let jobs = JobStore(telemetry: spyglass.jobs, agents: agents)
        do {
            try Self.registerHealthChecks(spyglass.health, jobs: jobs, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("spyglass-demo: \(error)\n".utf8))
            throw ExitCode(2)
        }

        // Probes and scrapes are not traffic: the one-call set-up leaves the paths it serves out of the metrics.
        let token = environment["SPYGLASS_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        // Check messages name hosts: shown with the metrics token, or to everyone in development.
        let details: HealthDetailsAccess = token.map { .credential(.bearer(token: $0)) }
            ?? (spyglass.configuration.environment == "development" ? .visible : .hidden)
        let demo = DemoSetup(
            host: host,
            port: listenPort,
            spyglass: spyglass,
            http: SpyglassHTTPSetup(metricsAuthorization: token.map { .bearer(token: $0) }, healthDetails: details),
            api: DemoAPI(
                store: jobs,
                agents: agents,
                answers: AnswerCache(metrics: CacheMetrics(registry: spyglass.metrics)),
                database: DatabaseMetrics(registry: spyglass.metrics),
                logger: logger
            ),
            // Jobs still running call the simulator: it stops after the server has drained.
            dependencies: model.simulator.map { [$0] } ?? [],
            traffic: traffic ? TrafficGenerator(interval: .milliseconds(trafficInterval)) : nil,
            logger: logger
        )
        switch server {
        case .hummingbird: try await HummingbirdDemoServer.run(demo)
        case .vapor: try await VaporDemoServer.run(demo)
        }
        logger.info("shutdown_complete")
        spyglass.flush()
    }

    /// The model the agents call: `OPENAI_BASE_URL` (with `OPENAI_API_KEY`, `DEMO_LLM_PROVIDER`, default `openai`,
    /// and `DEMO_LLM_MODEL`, default `gpt-4o-mini`), else the in-process ``LLMSimulator``.
    private static func model(
        _ spyglass: SpyglassService,
        environment: [String: String],
        chunkDelay: Duration,
        logger: Logger
    ) throws -> (resolve: @Sendable () async -> (client: OpenAIChatClient, model: String), simulator: LLMSimulator?) {
        if let baseURL = environment["OPENAI_BASE_URL"], !baseURL.isEmpty {
            guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
                throw ValidationError("OPENAI_BASE_URL=\"\(baseURL)\" is invalid: expected an http:// or https:// URL such as https://api.openai.com/v1")
            }
            let client = OpenAIChatClient(
                configuration: .init(
                    baseURL: baseURL,
                    apiKey: environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 },
                    provider: environment["DEMO_LLM_PROVIDER"].flatMap { $0.isEmpty ? nil : $0 } ?? "openai"
                ),
                telemetry: spyglass.llm
            )
            let model = environment["DEMO_LLM_MODEL"].flatMap { $0.isEmpty ? nil : $0 } ?? "gpt-4o-mini"
            logger.info("llm_configured", metadata: ["base_url": "\(baseURL)", "provider": "\(client.configuration.provider)", "model": "\(model)"])
            return ({ (client, model) }, nil)
        }
        let simulator = LLMSimulator(chunkDelay: chunkDelay, logger: logger)
        return ({
            let client = OpenAIChatClient(configuration: .init(baseURL: await simulator.baseURL, provider: "simulator"), telemetry: spyglass.llm)
            return (client, LLMSimulator.model)
        }, simulator)
    }

    /// The job store, disk and memory always; PostgreSQL and Redis when `DATABASE_URL` and `REDIS_URL` are set.
    private static func registerHealthChecks(_ health: HealthMonitor, jobs: JobStore, environment: [String: String]) throws {
        health.register(CustomHealthCheck("job_store") { .healthy("\(jobs.count) jobs", details: ["jobs": String(jobs.count)]) })
        health.register(DiskSpaceHealthCheck(), critical: false)
        health.register(MemoryHealthCheck(), critical: false)
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            guard let configuration = PostgresURL.configuration(url) else {
                throw ValidationError("DATABASE_URL is invalid: expected postgres://user:password@host:port/database")
            }
            health.register(PostgresHealthCheck(configuration: configuration), cacheTTL: .seconds(5))
        }
        if let url = environment["REDIS_URL"], !url.isEmpty {
            health.register(try RedisHealthCheck(url: url), critical: false)
        }
    }

    private static func portFromEnvironment() throws -> Int {
        guard let text = ProcessInfo.processInfo.environment["PORT"], !text.isEmpty else { return 8080 }
        guard let port = Int(text), (0...65535).contains(port) else {
            FileHandle.standardError.write(Data("spyglass-demo: PORT=\"\(text)\" is invalid: expected a port number 0...65535\n".utf8))
            throw ExitCode(2)
        }
        return port
    }
}

/// The framework `--server` names.
enum DemoServerKind: String, ExpressibleByArgument, CaseIterable {
    case hummingbird
    case vapor
}

/// What both servers of the demo serve, and the services around them.
struct DemoSetup: Sendable {
    /// The most a request body may hold (commands and chat messages are at most 4,000 characters).
    static let maximumBodyBytes = 1 << 20

    let host: String
    let port: Int
    let spyglass: SpyglassService
    let http: SpyglassHTTPSetup
    let api: DemoAPI
    /// Services the server's requests call, stopped after it.
    let dependencies: [any Service]
    /// Load against the server, with `--traffic`.
    let traffic: TrafficGenerator?
    let logger: Logger

    /// Services that call the server, stopped before it.
    var clients: [any Service] { traffic.map { [$0] } ?? [] }

    /// Logs where the server listens and the dashboard's link, and starts the traffic.
    func serverStarted(port: Int) {
        logger.info("server_started", metadata: ["host": "\(host)", "port": .stringConvertible(port)])
        if let dashboard = spyglass.dashboard {
            logger.info("dashboard_ready", metadata: ["url": "http://\(host):\(port)\(dashboard.openingPath)"])
        }
        traffic?.serverStarted(port: port)
    }
}

/// `DATABASE_URL` as PostgresNIO's configuration.
enum PostgresURL {
    static func configuration(_ url: String) -> PostgresConnection.Configuration? {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, let user = components.user
        else { return nil }
        let database = components.path.count > 1 ? String(components.path.dropFirst()) : nil
        return PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password, database: database, tls: .disable
        )
    }
}
