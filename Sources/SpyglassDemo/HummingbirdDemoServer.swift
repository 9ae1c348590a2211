import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Spyglass
import SpyglassHummingbird

/// The demo served by Hummingbird 2 (the default): Spyglass in one call, the API routed to ``DemoAPI``, and the
/// `ServiceGroup` in the order `SpyglassService.services(around:)` gives.
enum HummingbirdDemoServer {
    static func run(_ demo: DemoSetup) async throws {
        let router = Router(context: DemoRequestContext.self)
        // Outside Spyglass's middleware, as authentication would be: the request's context, and so its
        // `request_completed` line and any error report, carries the user.
        router.add(middleware: DemoUserMiddleware())
        router.addSpyglass(demo.spyglass, setup: demo.http)
        let api = demo.api
        router.get("/v1/echo/{word}") { _, context in api.echo(try context.parameters.require("word")) }
        router.post("/v1/commands") { request, _ in try await respond { try await api.command(body(of: request)) } }
        router.post("/v1/chat") { request, _ in try await respond { try await api.chat(body(of: request)) } }
        router.get("/v1/jobs") { request, _ in
            try await respond { try await api.jobs(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) }) }
        }
        router.get("/v1/jobs/{id}") { _, context in try await respond { try await api.job(context.parameters.require("id")) } }
        router.delete("/v1/jobs/{id}") { _, context in try await respond { try await api.cancel(context.parameters.require("id")) } }

        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(demo.host, port: demo.port), serverName: "spyglass-demo"),
            onServerRunning: { channel in demo.serverStarted(port: channel.localAddress?.port ?? demo.port) },
            logger: Logger(label: "hummingbird")
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: demo.spyglass.services(around: app, dependencies: demo.dependencies, clients: demo.clients),
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: demo.logger
            )
        )
        try await group.run()
    }

    private static func body(of request: Request) async throws -> [UInt8] {
        Array(buffer: try await request.body.collect(upTo: DemoSetup.maximumBodyBytes))
    }

    /// The API's answer as JSON, its refusals as Hummingbird's `HTTPError`.
    private static func respond(_ answer: () async throws -> DemoAnswer) async throws -> Response {
        do {
            let answer = try await answer()
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.json))
            )
        } catch let refusal as DemoError {
            throw HTTPError(HTTPResponse.Status(code: refusal.status), message: refusal.message)
        }
    }
}

/// Stands in for authentication: `X-User-ID` (letters, digits, `-`, `_`, `.`, at most 64) becomes the user of the
/// request's ``SpyglassContext``; anything else is ignored.
struct DemoUserMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let user = request.headers[HTTPField.Name("X-User-ID")!], DemoUser.isValid(user) else {
            return try await next(request, context)
        }
        return try await SpyglassContext.with({ $0.userID = user }) { try await next(request, context) }
    }
}

enum DemoUser {
    static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.utf8.allSatisfy { $0.isASCIILetterOrDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}

extension UInt8 {
    fileprivate var isASCIILetterOrDigit: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
