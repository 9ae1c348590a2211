import Foundation
@_spi(Locking) import SpyglassCore
import Hummingbird
import HummingbirdTesting
import NIOCore

/// An OpenAI-compatible provider started by a test on a loopback port: it records each request and answers with
/// a scripted status and body, written byte for byte in the chat completions API's wire format (as OpenAI
/// documents and sends it), optionally in small pieces with a pause before a given piece, as a network delivers
/// a stream.
final class FakeOpenAIServer: Sendable {
    struct Answer: Sendable {
        var status: HTTPResponse.Status = .ok
        var contentType = "application/json"
        /// The body, sent in these pieces.
        var pieces: [String]
        /// A pause before the piece at this index (time to first token).
        var pauseBefore: (index: Int, duration: Duration)?

        /// `body` as one JSON answer.
        static func json(_ body: String, status: HTTPResponse.Status = .ok) -> Answer {
            Answer(status: status, pieces: [body])
        }

        /// `events` as a `text/event-stream` body cut into pieces of `pieceSize` bytes, so lines and events span
        /// reads; `pause` before the piece holding the first content.
        static func stream(_ events: [String], pieceSize: Int = 7, pauseBeforeContent pause: Duration? = nil) -> Answer {
            let body = events.map { "data: \($0)\n\n" }.joined()
            let bytes = Array(body.utf8)
            let pieces = stride(from: 0, to: bytes.count, by: pieceSize).map {
                String(decoding: bytes[$0..<min($0 + pieceSize, bytes.count)], as: UTF8.self)
            }
            let firstContent = body.range(of: #""content":"H"#).map { body.utf8.distance(from: body.startIndex, to: $0.lowerBound) / pieceSize }
            return Answer(contentType: "text/event-stream", pieces: pieces, pauseBefore: firstContent.flatMap { index in pause.map { (index, $0) } })
        }
    }

    struct Received: Sendable {
        let authorization: String?
        let accept: String?
        let body: String

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
    }

    private let received = Locked<[Received]>([])
    let answer: Answer

    init(answer: Answer) {
        self.answer = answer
    }

    var requests: [Received] { received.withLock { $0 } }

    /// Runs the server while `body` runs, handing it the API's base URL.
    func run<Result: Sendable>(_ body: @Sendable (String) async throws -> Result) async throws -> Result {
        let router = Router()
        let answer = self.answer
        router.post("/v1/chat/completions") { [self] request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            received.withLock {
                $0.append(Received(authorization: request.headers[.authorization], accept: request.headers[.accept], body: String(buffer: bytes)))
            }
            return Response(
                status: answer.status,
                headers: [.contentType: answer.contentType],
                body: ResponseBody { writer in
                    for (index, piece) in answer.pieces.enumerated() {
                        if let pause = answer.pauseBefore, pause.index == index { try await Task.sleep(for: pause.duration) }
                        try await writer.write(ByteBuffer(string: piece))
                    }
                    try await writer.finish(nil)
                }
            )
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/v1")
        }
    }
}

/// What OpenAI sends, as its API reference shows it.
enum OpenAIWire {
    static let completion = #"{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help?","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":200,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":50,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_fc9f1d7035"}"#

    static func chunk(_ delta: String, finish: String = "null") -> String {
        #"{"id":"chatcmpl-stream1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_fc9f1d7035","choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish)}],"usage":null}"#
    }

    /// A stream as OpenAI sends it with `stream_options.include_usage`: a role chunk, content chunks, a finish
    /// chunk, a usage chunk with no choices, `[DONE]`.
    static let stream = [
        chunk(#"{"role":"assistant","content":"","refusal":null}"#),
        chunk(#"{"content":"Hello"}"#),
        chunk(#"{"content":" there,"}"#),
        chunk(#"{"content":" friend."}"#),
        chunk("{}", finish: #""stop""#),
        #"{"id":"chatcmpl-stream1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_fc9f1d7035","choices":[],"usage":{"prompt_tokens":40,"completion_tokens":6,"total_tokens":46,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}"#,
        "[DONE]",
    ]

    static let rateLimited = #"{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-test on tokens per min (TPM): Limit 200000, Used 199812, Requested 1200. Please try again in 304ms.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}"#

    static let serverError = #"{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}"#
}
