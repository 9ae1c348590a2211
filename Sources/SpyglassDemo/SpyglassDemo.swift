import ArgumentParser
import Foundation
import Hummingbird
import ServiceLifecycle
import Spyglass

/// The Spyglass demo service: a small HTTP API whose every request logs with its own request context.
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

    func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--port \(port) is out of range: expected 0...65535")
        }
    }

    func run() async throws {
        let listenPort = try port ?? Self.portFromEnvironment()
        let spyglass: SpyglassService
        do {
            spyglass = try Spyglass.bootstrap(SpyglassConfiguration(serviceName: "spyglass-demo", version: "0.1.0"))
        } catch {
            FileHandle.standardError.write(Data("spyglass-demo: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let logger = Logger(label: "spyglass.demo")

        let router = Router()
        router.add(middleware: DemoRequestContextMiddleware(logger: logger))
        // Hummingbird's own swift-metrics instrumentation, recorded by Spyglass's registry.
        router.add(middleware: MetricsMiddleware())
        router.get("/metrics") { request, _ in
            let format = ExpositionFormat(accept: request.headers[.accept])
            return Response(
                status: .ok,
                headers: [.contentType: format.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: spyglass.metrics.render(format)))
            )
        }
        router.get("/health") { _, _ in "ok" }
        router.get("/v1/echo/{word}") { _, context in
            let word = try context.parameters.require("word")
            logger.info("echo_requested", metadata: ["word": "\(word)"])
            return word
        }

        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: listenPort), serverName: "spyglass-demo"),
            onServerRunning: { channel in
                logger.info(
                    "server_started",
                    metadata: ["host": "\(host)", "port": .stringConvertible(channel.localAddress?.port ?? listenPort)]
                )
            },
            logger: Logger(label: "hummingbird")
        )
        // Spyglass first: the group stops services in reverse order, so logs are flushed after the app drained.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [spyglass, app],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        logger.info("shutdown_complete")
        spyglass.flush()
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

/// Binds a request id for each request and logs its completion. (The full Hummingbird integration, with
/// metrics and tracing, replaces this.)
struct DemoRequestContextMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = UUID().uuidString.lowercased()
        let start = ContinuousClock.now
        return try await SpyglassContext.with({ $0.requestID = requestID }) {
            var status = 500
            defer {
                let elapsed = ContinuousClock.now - start
                let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
                logger.info(
                    "request_completed",
                    metadata: [
                        "method": "\(request.method)",
                        "path": "\(request.uri.path)",
                        "status": .stringConvertible(status),
                        "duration_ms": .stringConvertible(milliseconds),
                    ]
                )
            }
            var response = try await next(request, context)
            status = response.status.code
            response.headers[.init("X-Request-ID")!] = requestID
            return response
        }
    }
}
