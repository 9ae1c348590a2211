import Foundation
import Hummingbird
import Logging
import NIOCore
import OTel
import ServiceLifecycle
import SpyglassCore
import SpyglassHTTP
import SpyglassMetrics
import SpyglassTestSupport
import Tracing
import Vapor

import SpyglassHummingbird
import SpyglassVapor

/// The frameworks the shared middleware description runs against, each serving the same routes:
/// `GET /v1/jobs/{id}` (logs `job_read`), `GET /v1/bad` (throws the framework's 400), `GET /v1/crash` (throws a plain
/// error), `GET /v1/stream` (streams `abc` then `defg`), `POST /v1/echo` (201, streams the request body back),
/// `GET /v1/user` (the bound `user_id`), and `/metrics`.
enum Framework: String, CaseIterable, Sendable, CustomStringConvertible {
    case hummingbird
    case vapor

    var description: String { rawValue }

    /// Whether the access line can name the peer: Hummingbird's `BasicRequestContext` does not know it.
    var knowsClientAddress: Bool { self == .vapor }

    func start(_ options: ServerOptions) async throws -> RunningServer {
        switch self {
        case .hummingbird: try await HummingbirdTestServer.start(options)
        case .vapor: try await VaporTestServer.start(options)
        }
    }
}

struct Failure: Error {}

/// swift-otel's real tracer (W3C propagation), handed to the middleware.
let otelTracer: any Tracer = {
    var otel = OTel.Configuration.default
    otel.traces.exporter = .none
    otel.metrics.enabled = false
    otel.logs.enabled = false
    return try! OTel.makeTracingBackend(configuration: otel).factory
}()

/// What a test server is started with.
struct ServerOptions: Sendable {
    var registry = MetricRegistry()
    var configuration = HTTPInstrumentationConfiguration()
    var authorization: EndpointCredential?
    var tracer: any Tracer = otelTracer
    var logger: Logger
    var handlerLogger: Logger
    /// Whether a middleware before Spyglass's binds `user_id`, as an authentication middleware would.
    var bindsUser = false
}

/// A server listening on a loopback port until ``stop()``.
struct RunningServer: Sendable {
    let port: Int
    let stop: @Sendable () async throws -> Void
}

enum HummingbirdTestServer {
    struct BindUser<Context: RequestContext>: RouterMiddleware {
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            try await SpyglassContext.with({ $0.userID = "user-7" }) { try await next(request, context) }
        }
    }

    static func start(_ options: ServerOptions) async throws -> RunningServer {
        let router = Router()
        if options.bindsUser { router.add(middleware: BindUser()) }
        router.add(middleware: SpyglassHummingbird.SpyglassMiddleware(
            metrics: options.registry, configuration: options.configuration, logger: options.logger, tracer: options.tracer
        ))
        router.addMetricsEndpoint(options.registry, authorization: options.authorization)
        let handlerLogger = options.handlerLogger
        router.get("/v1/jobs/{id}") { _, context in
            handlerLogger.info("job_read", metadata: ["id": "\(context.parameters.get("id") ?? "")"])
            return "job"
        }
        router.get("/v1/bad") { _, _ -> String in throw HTTPError(.badRequest, message: "no") }
        router.get("/v1/crash") { _, _ -> String in throw Failure() }
        router.get("/v1/user") { _, _ in SpyglassContext.current.userID ?? "none" }
        router.get("/v1/stream") { _, _ in
            Response(status: .ok, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "abc"))
                try await writer.write(ByteBuffer(string: "defg"))
                try await writer.finish(nil)
            })
        }
        router.post("/v1/echo") { request, _ in
            Response(status: .created, body: ResponseBody(asyncSequence: request.body))
        }
        return try await serve(router)
    }

    /// Serves `router` on a loopback port until the returned server is stopped.
    static func serve(_ router: Hummingbird.Router<BasicRequestContext>) async throws -> RunningServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "hummingbird")
        )
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: Logger(label: "test")))
        let task = Task { try await group.run() }
        guard let port = await ports.first(where: { _ in true }) else { throw Failure() }
        return RunningServer(port: port) {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }
}

enum VaporTestServer {
    struct BindUser: AsyncMiddleware {
        func respond(to request: Vapor.Request, chainingTo next: any AsyncResponder) async throws -> Vapor.Response {
            // Vapor's handlers see task-locals through `request.serviceContext` only.
            try await SpyglassContext.with({ $0.userID = "user-7" }) {
                request.serviceContext = ServiceContext.current ?? .topLevel
                return try await next.respond(to: request)
            }
        }
    }

    /// A Vapor application for the tests, on a loopback port once served; Vapor's own command line is not the test's.
    static func makeApplication() async throws -> Vapor.Application {
        let app = try await Vapor.Application.make(Environment(name: "testing", arguments: ["vapor"]))
        app.logger = Logger(label: "vapor")
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        return app
    }

    static func start(_ options: ServerOptions) async throws -> RunningServer {
        let app = try await makeApplication()
        app.spyglass.useMiddleware(SpyglassVapor.SpyglassMiddleware(
            metrics: options.registry, configuration: options.configuration, logger: options.logger, tracer: options.tracer
        ))
        if options.bindsUser { app.middleware.use(BindUser(), at: .beginning) }
        app.spyglass.addMetricsEndpoint(options.registry, authorization: options.authorization)
        let handlerLogger = options.handlerLogger
        app.get("v1", "jobs", ":id") { request -> String in
            handlerLogger.info("job_read", metadata: ["id": "\(request.parameters.get("id") ?? "")"])
            return "job"
        }
        app.get("v1", "bad") { _ -> String in throw Abort(.badRequest, reason: "no") }
        app.get("v1", "crash") { _ -> String in throw Failure() }
        app.get("v1", "user") { _ in SpyglassContext.current.userID ?? "none" }
        app.get("v1", "stream") { _ in
            Vapor.Response(status: .ok, body: .init(asyncStream: { writer in
                try await writer.writeBuffer(ByteBuffer(string: "abc"))
                try await writer.writeBuffer(ByteBuffer(string: "defg"))
                try await writer.write(.end)
            }))
        }
        app.on(.POST, "v1", "echo", body: .stream) { request in
            Vapor.Response(status: .created, body: .init(asyncStream: { writer in
                for try await chunk in request.body { try await writer.writeBuffer(chunk) }
                try await writer.write(.end)
            }))
        }
        return try await serve(app)
    }

    /// Starts `app` and returns it running, or shut down when it could not start.
    static func serve(_ app: Vapor.Application) async throws -> RunningServer {
        do {
            try await app.startup()
            guard let port = app.http.server.shared.localAddress?.port else { throw Failure() }
            return RunningServer(port: port) { try await app.asyncShutdown() }
        } catch {
            // Vapor asserts that every application it made is shut down.
            try await app.asyncShutdown()
            throw error
        }
    }
}
