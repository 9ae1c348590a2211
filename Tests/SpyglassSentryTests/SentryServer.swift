import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@_spi(Locking) import SpyglassCore

/// A Sentry envelope endpoint started by a test on a loopback port, speaking the protocol's wire format: it hands
/// each envelope it receives to the test and answers with the next scripted status and rate-limit headers (then 200).
final class SentryServer: Sendable {
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var rateLimits: String?
        var retryAfter: String?
    }

    struct Received: Sendable {
        let project: String
        let auth: String?
        let contentType: String?
        /// The envelope's lines: its header, then each item's header and payload.
        let lines: [String]

        /// The event item's payload.
        var event: [String: Any] {
            get throws {
                guard lines.count >= 3, let object = try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any] else {
                    throw CocoaError(.coderReadCorrupt)
                }
                return object
            }
        }
    }

    private let script: Locked<[Answer]>
    let received: AsyncStream<Received>
    private let continuation: AsyncStream<Received>.Continuation

    init(answers: [Answer] = []) {
        script = Locked(answers)
        (received, continuation) = AsyncStream.makeStream()
    }

    /// Runs the server while `body` runs, handing it a DSN for project 7 on it; `received` ends when it stops.
    func run<Result: Sendable>(_ body: @Sendable (String) async throws -> Result) async throws -> Result {
        defer { continuation.finish() }
        let router = Router()
        router.post("/api/:project/envelope/") { [self] request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            continuation.yield(Received(
                project: context.parameters.get("project") ?? "",
                auth: request.headers[HTTPField.Name("x-sentry-auth")!],
                contentType: request.headers[.contentType],
                lines: String(buffer: bytes).split(separator: "\n").map(String.init)))
            let answer = script.withLock { $0.isEmpty ? Answer(status: .ok) : $0.removeFirst() }
            var headers: HTTPFields = [.contentType: "application/json"]
            if let rateLimits = answer.rateLimits { headers[HTTPField.Name("x-sentry-rate-limits")!] = rateLimits }
            if let retryAfter = answer.retryAfter { headers[.retryAfter] = retryAfter }
            return Response(status: answer.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://publickey0123@127.0.0.1:\(client.port!)/7")
        }
    }
}
