import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import NIOCore
@_spi(Locking) import SpyglassCore

/// An OTLP/HTTP collector started by a test on a loopback port: it hands each request it receives to the test
/// and answers with the next scripted status (then 200), with `Retry-After` when the script says so.
final class OTLPCollector: Sendable {
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var retryAfter: String?
    }

    struct Received: Sendable {
        let path: String
        let contentType: String?
        let userAgent: String?
        let apiKey: String?
        let body: [UInt8]
    }

    private let script: Locked<[Answer]>
    let received: AsyncStream<Received>
    private let continuation: AsyncStream<Received>.Continuation

    init(answers: [Answer] = []) {
        script = Locked(answers)
        (received, continuation) = AsyncStream.makeStream()
    }

    /// Runs the collector while `body` runs, handing it the collector's base URL; `received` ends when it stops.
    func run<Result: Sendable>(_ body: @Sendable (String) async throws -> Result) async throws -> Result {
        defer { continuation.finish() }
        let router = Router()
        for path in ["/v1/traces", "/v1/logs"] {
            router.post(RouterPath(path)) { [self] request, _ -> Response in
                let bytes = try await request.body.collect(upTo: 1 << 24)
                continuation.yield(Received(
                    path: path, contentType: request.headers[.contentType], userAgent: request.headers[.userAgent],
                    apiKey: request.headers[HTTPField.Name("x-api-key")!], body: Array(buffer: bytes)))
                let answer = script.withLock { $0.isEmpty ? Answer(status: .ok) : $0.removeFirst() }
                var headers: HTTPFields = [.contentType: "application/x-protobuf"]
                if let retryAfter = answer.retryAfter { headers[.retryAfter] = retryAfter }
                return Response(status: answer.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer()))
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}
