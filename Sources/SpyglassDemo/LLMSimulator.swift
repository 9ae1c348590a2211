import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
@_spi(Locking) import SpyglassCore

/// An OpenAI-compatible chat completions server inside the demo process, so the demo's agents have a model to
/// call with no network and no API key: `POST /v1/chat/completions` on its own loopback port, plain and streamed
/// (SSE, with the usage chunk when `stream_options.include_usage` is set), in the API's wire format.
///
/// It is a simulator, and says so: its model is `sim-1`, its answers are canned, its token counts are estimates
/// (a token per 4 characters of input, per word of output), a system prompt it has seen before counts as read from
/// the prompt cache. A user message containing `rate-limit` is answered 429 and one containing `overload` 500, with
/// OpenAI's error body. It runs uninstrumented, like the third party it stands for. Set `OPENAI_BASE_URL` to call
/// a real provider instead.
struct LLMSimulator: Service {
    static let model = "sim-1"
    /// What the demo's price table charges for `sim-1`: made-up prices, so the cost views have data.
    static let prices = #"""
        {"format": "spyglass.prices/1", "source": "spyglass-demo simulator (made-up prices)", "models": [
         {"provider": "simulator", "model": "sim-1", "match": ["sim-1", "sim-1-*"],
          "usd_per_million_tokens": {"input": 0.5, "output": 1.5, "cached_input": 0.25}}]}
        """#

    /// Pause between two streamed chunks.
    let chunkDelay: Duration
    private let application: Application<RouterResponder<BasicRequestContext>>
    private let address: Address

    /// The simulator's port once it listens.
    final class Address: Sendable {
        private let state = Locked<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

        func set(_ port: Int) {
            let waiters = state.withLock { state in
                state.port = port
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: port) }
        }

        /// Waits until the simulator listens.
        var port: Int {
            get async {
                await withCheckedContinuation { continuation in
                    let port = state.withLock { state -> Int? in
                        if state.port == nil { state.waiters.append(continuation) }
                        return state.port
                    }
                    if let port { continuation.resume(returning: port) }
                }
            }
        }
    }

    init(chunkDelay: Duration, logger: Logger) {
        self.chunkDelay = chunkDelay
        let address = Address()
        self.address = address
        let router = Router()
        let cache = Locked<Set<String>>([])
        router.post("/v1/chat/completions") { request, context in
            let body = try await request.body.collect(upTo: 1024 * 1024)
            guard let chat = try? JSONDecoder().decode(SimulatedRequest.self, from: body) else {
                return Self.error(.badRequest, type: "invalid_request_error", message: "the body is not a chat completions request")
            }
            let prompt = chat.messages.last { $0.role == "user" }?.content ?? ""
            if prompt.contains("rate-limit") {
                return Self.error(.tooManyRequests, type: "rate_limit_exceeded", message: "Rate limit reached for \(chat.model) (simulated)")
            }
            if prompt.contains("overload") {
                return Self.error(.internalServerError, type: "server_error", message: "The simulated server is overloaded")
            }
            let system = chat.messages.first { $0.role == "system" }?.content ?? ""
            let systemSeen = !system.isEmpty && !cache.withLock { $0.insert(system).inserted }
            let words = Self.answer(to: chat.messages)
            let usage = SimulatedUsage(
                prompt: chat.messages.reduce(0) { $0 + ($1.content.count + 3) / 4 },
                completion: words.count,
                cached: systemSeen ? (system.count + 3) / 4 : 0
            )
            let id = "chatcmpl-sim-" + UUID().uuidString.prefix(8).lowercased()
            guard chat.stream == true else {
                return Self.json([
                    "id": id, "object": "chat.completion", "created": Int(Date().timeIntervalSince1970), "model": Self.model,
                    "choices": [["index": 0, "message": ["role": "assistant", "content": words.joined(separator: " ")], "finish_reason": "stop"]],
                    "usage": usage.json,
                ])
            }
            let includeUsage = chat.streamOptions?.includeUsage == true
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    func send(_ object: [String: Any]) async throws {
                        let data = try JSONSerialization.data(withJSONObject: object)
                        try await writer.write(ByteBuffer(string: "data: \(String(decoding: data, as: UTF8.self))\n\n"))
                    }
                    func chunk(_ delta: [String: Any], finish: String? = nil) -> [String: Any] {
                        ["id": id, "object": "chat.completion.chunk", "created": Int(Date().timeIntervalSince1970), "model": Self.model,
                         "choices": [["index": 0, "delta": delta, "finish_reason": finish.map { $0 as Any } ?? NSNull()]]]
                    }
                    try await send(chunk(["role": "assistant", "content": ""]))
                    for (index, word) in words.enumerated() {
                        try await Task.sleep(for: chunkDelay)
                        try await send(chunk(["content": index == 0 ? word : " " + word]))
                    }
                    try await send(chunk([:], finish: "stop"))
                    if includeUsage {
                        try await send(["id": id, "object": "chat.completion.chunk", "created": Int(Date().timeIntervalSince1970),
                                        "model": Self.model, "choices": [], "usage": usage.json])
                    }
                    try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                    try await writer.finish(nil)
                }
            )
        }
        application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: "llm-simulator"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("llm_simulator_started", metadata: [
                    "port": .stringConvertible(port),
                    "model": "\(Self.model)",
                    "note": "in-process OpenAI-compatible simulator; set OPENAI_BASE_URL to call a real provider",
                ])
                address.set(port)
            },
            logger: Logger(label: "spyglass.demo.simulator")
        )
    }

    /// The simulator's base URL, once it listens.
    var baseURL: String {
        get async { "http://127.0.0.1:\(await address.port)/v1" }
    }

    func run() async throws {
        try await application.run()
    }

    /// A canned answer of 12 to 30 words, the same for the same conversation.
    private static func answer(to messages: [SimulatedRequest.Message]) -> [String] {
        let vocabulary = ["the", "service", "traces", "requests", "with", "spans", "and", "metrics", "so", "each", "job",
                          "reports", "its", "tokens", "cost", "latency", "while", "agents", "call", "tools", "in", "order"]
        var seed = messages.reduce(UInt64(1469598103934665603)) { hash, message in
            message.content.utf8.reduce(hash) { ($0 ^ UInt64($1)) &* 1099511628211 }
        }
        let count = 12 + Int(seed % 19)
        return ["Simulated", "answer:"] + (0..<count).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return vocabulary[Int((seed >> 33) % UInt64(vocabulary.count))]
        }
    }

    private static func json(_ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func error(_ status: HTTPResponse.Status, type: String, message: String) -> Response {
        let body: [String: Any] = ["error": ["message": message, "type": type, "param": NSNull(), "code": type]]
        var response = json(body)
        response.status = status
        return response
    }
}

private struct SimulatedRequest: Decodable {
    struct Message: Decodable {
        let role: String
        let content: String
    }

    struct StreamOptions: Decodable {
        let includeUsage: Bool?
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    let model: String
    let messages: [Message]
    let stream: Bool?
    let streamOptions: StreamOptions?

    enum CodingKeys: String, CodingKey {
        case model, messages, stream
        case streamOptions = "stream_options"
    }
}

private struct SimulatedUsage {
    let prompt: Int
    let completion: Int
    let cached: Int

    var json: [String: Any] {
        [
            "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
            "prompt_tokens_details": ["cached_tokens": min(cached, prompt)],
            "completion_tokens_details": ["reasoning_tokens": 0],
        ]
    }
}
