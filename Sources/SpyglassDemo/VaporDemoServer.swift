import Foundation
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import UnixSignals
import Spyglass
import SpyglassVapor
import Vapor

/// The demo served by Vapor 4 (`--server vapor`): the same API and Spyglass in one call. Vapor has no
/// `ServiceGroup`: SIGTERM or SIGINT ends the serving, and `asyncShutdown` runs Spyglass's lifecycle handler
/// (readiness off, the shutdown delay, the drain, the flush). The traffic generator stops before it, the LLM
/// simulator after it.
enum VaporDemoServer {
    static func run(_ demo: DemoSetup) async throws {
        // Vapor's command line is not the demo's: the demo parsed its own, and the server takes its address here.
        let app = try await Application.make(Environment(name: demo.spyglass.configuration.environment, arguments: ["spyglass-demo"]))
        app.http.server.configuration.serverName = "spyglass-demo"
        app.spyglass.use(demo.spyglass, setup: demo.http)
        // Outside Spyglass's middleware, as authentication is, so a failed request's line and error report carry the user.
        app.middleware.use(VaporDemoUserMiddleware(), at: .beginning)
        let api = demo.api
        app.get("v1", "echo", ":word") { request in api.echo(try request.parameters.require("word")) }
        app.on(.POST, "v1", "commands", body: .collect(maxSize: ByteCount(value: DemoSetup.maximumBodyBytes))) { request in
            try await respond { try await api.command(body(of: request)) }
        }
        app.on(.POST, "v1", "chat", body: .collect(maxSize: ByteCount(value: DemoSetup.maximumBodyBytes))) { request in
            try await respond { try await api.chat(body(of: request)) }
        }
        app.get("v1", "jobs") { request in
            let items = request.url.query.flatMap { URLComponents(string: "?" + $0)?.queryItems } ?? []
            return try await respond { try await api.jobs(query: items.map { ($0.name, $0.value ?? "") }) }
        }
        app.get("v1", "jobs", ":id") { request in try await respond { try await api.job(request.parameters.require("id")) } }
        app.delete("v1", "jobs", ":id") { request in try await respond { try await api.cancel(request.parameters.require("id")) } }

        let dependencies = ServiceGroup(configuration: ServiceGroupConfiguration(services: demo.dependencies, logger: demo.logger))
        let clients = ServiceGroup(configuration: ServiceGroupConfiguration(services: demo.clients, logger: demo.logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await dependencies.run() }
            var failure: (any Error)?
            do {
                // Not `app.execute()`: its serve command prints an empty line to standard output on SIGTERM, which
                // is no JSON line.
                let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
                try await app.asyncBoot()
                try await app.server.start(address: .hostname(demo.host, port: demo.port))
                demo.serverStarted(port: app.http.server.shared.localAddress?.port ?? demo.port)
                group.addTask { try await clients.run() }
                for await _ in signals { break }
            } catch {
                failure = error
            }
            await clients.triggerGracefulShutdown()
            // Also after a failed start: Vapor asserts that every application it made is shut down.
            try await app.asyncShutdown()
            await dependencies.triggerGracefulShutdown()
            try await group.waitForAll()
            if let failure { throw failure }
        }
    }

    private static func body(of request: Request) -> [UInt8] {
        request.body.data.map { Array(buffer: $0) } ?? []
    }

    /// The API's answer as JSON, its refusals as Vapor's `Abort`.
    private static func respond(_ answer: () async throws -> DemoAnswer) async throws -> Response {
        do {
            let answer = try await answer()
            return Response(
                status: HTTPResponseStatus(statusCode: answer.status),
                headers: ["Content-Type": "application/json; charset=utf-8"],
                body: .init(buffer: ByteBuffer(bytes: answer.json))
            )
        } catch let refusal as DemoError {
            throw Abort(HTTPResponseStatus(statusCode: refusal.status), reason: refusal.message)
        }
    }
}

/// ``DemoUserMiddleware`` for Vapor: a valid `X-User-ID` becomes the user of the request's ``SpyglassContext``.
private struct VaporDemoUserMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.headers.first(name: "X-User-ID"), DemoUser.isValid(user) else {
            return try await next.respond(to: request)
        }
        return try await SpyglassContext.with({ $0.userID = user }) {
            // Vapor runs each middleware in a task of its own, started in `request.serviceContext`.
            request.serviceContext = .current ?? request.serviceContext
            return try await next.respond(to: request)
        }
    }
}
