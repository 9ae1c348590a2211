public import SpyglassGenAI
public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A client of the OpenAI-compatible chat completions API (OpenAI, Groq, Together, vLLM, Ollama, LiteLLM…),
/// instrumented through ``LLMTelemetry``: each call is a `chat {model}` span with its tokens, cost and finish
/// reason, and the `llm_*` metrics; streamed calls also record the time to their first token.
///
/// ```swift
/// let client = OpenAIChatClient(
///     configuration: .init(baseURL: "https://api.openai.com/v1", apiKey: key),
///     telemetry: spyglass.llm
/// )
/// let reply = try await client.stream(ChatRequest(model: "gpt-4o-mini", messages: [.user("Hello")])) { text in
///     print(text, terminator: "")
/// }
/// ```
///
/// Streams ask for `stream_options.include_usage`, so the provider's last chunk carries the usage of the whole
/// stream. An error answer throws ``OpenAIError`` with its HTTP status, which becomes the span's `error.type`.
public final class OpenAIChatClient: Sendable {
    /// Where the API is and how to call it.
    public struct Configuration: Sendable, Hashable {
        /// The API's base URL, up to and including the version: `https://api.openai.com/v1`.
        public var baseURL: String
        /// Sent as `Authorization: Bearer …`; `nil` sends none (local servers).
        public var apiKey: String?
        /// `gen_ai.provider.name` and the `provider` label: `openai`, `groq`, `azure.ai.openai`… Default `openai`.
        public var provider: String
        /// The longest a call may take, stream included. Default 120 s.
        public var timeout: Duration

        public init(baseURL: String, apiKey: String? = nil, provider: String = "openai", timeout: Duration = .seconds(120)) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.provider = provider
            self.timeout = timeout
        }
    }

    public let configuration: Configuration
    private let httpClient: HTTPClient
    private let telemetry: LLMTelemetry
    private let endpoint: String
    private let server: (host: String, port: Int)?

    /// - Parameters:
    ///   - configuration: the API and its key.
    ///   - httpClient: default `HTTPClient.shared`.
    ///   - telemetry: where calls are recorded.
    public init(configuration: Configuration, httpClient: HTTPClient = .shared, telemetry: LLMTelemetry) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.telemetry = telemetry
        let base = configuration.baseURL.hasSuffix("/") ? String(configuration.baseURL.dropLast()) : configuration.baseURL
        endpoint = base + "/chat/completions"
        server = URLComponents(string: base).flatMap { url in
            url.host.map { ($0, url.port ?? (url.scheme == "https" ? 443 : 80)) }
        }
    }

    /// Asks for one completion and waits for all of it.
    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        try await telemetry.call(provider: configuration.provider, model: request.model) { call in
            describe(request, on: call)
            let response = try await send(request, stream: false)
            let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
            let answer: OpenAIWireFormat.Response
            do {
                answer = try JSONDecoder().decode(OpenAIWireFormat.Response.self, from: body)
            } catch {
                throw OpenAIError(statusCode: nil, type: nil, message: "the answer is not a chat completion: \(Self.problem(error))")
            }
            guard let choice = answer.choices.first else {
                throw OpenAIError(statusCode: nil, type: nil, message: "the answer is not a chat completion: it has no choices")
            }
            let completion = ChatCompletion(
                id: answer.id,
                model: answer.model,
                message: ChatMessage(role: choice.message.role ?? "assistant", content: choice.message.content ?? ""),
                finishReason: choice.finishReason,
                usage: answer.usage?.tokenUsage
            )
            report(completion, on: call)
            return completion
        }
    }

    /// Asks for one completion as a stream, handing each piece of text to `onContent` as it arrives, and returns
    /// the whole completion once the stream ends.
    public func stream(
        _ request: ChatRequest,
        onContent: (String) async throws -> Void = { _ in }
    ) async throws -> ChatCompletion {
        try await telemetry.call(provider: configuration.provider, model: request.model) { call in
            describe(request, on: call)
            let response = try await send(request, stream: true)
            var parser = ServerSentEventParser()
            var content = ""
            var id: String?
            var model: String?
            var finishReason: String?
            var usage: TokenUsage?
            var done = false
            let decoder = JSONDecoder()
            stream: for try await buffer in response.body {
                for event in parser.feed(buffer.readableBytesView) {
                    if event.data == "[DONE]" {
                        done = true
                        break stream
                    }
                    let chunk: OpenAIWireFormat.Chunk
                    do {
                        chunk = try decoder.decode(OpenAIWireFormat.Chunk.self, from: Data(event.data.utf8))
                    } catch {
                        throw OpenAIError(statusCode: nil, type: nil, message: "a stream event is not a chat completion chunk: \(Self.problem(error))")
                    }
                    if let error = chunk.error {
                        throw OpenAIError(statusCode: nil, type: error.type ?? error.code, message: error.message ?? "error event in the stream")
                    }
                    id = id ?? chunk.id
                    model = model ?? chunk.model
                    if let chunkUsage = chunk.usage { usage = chunkUsage.tokenUsage }
                    for choice in chunk.choices ?? [] {
                        if let reason = choice.finishReason { finishReason = reason }
                        guard let text = choice.delta?.content, !text.isEmpty else { continue }
                        call.firstToken()
                        content += text
                        try await onContent(text)
                    }
                }
            }
            guard done || usage != nil || finishReason != nil else {
                throw OpenAIError(statusCode: nil, type: nil, message: "the stream ended before its last chunk")
            }
            let completion = ChatCompletion(id: id, model: model, message: .assistant(content), finishReason: finishReason, usage: usage)
            report(completion, on: call)
            return completion
        }
    }

    private func describe(_ request: ChatRequest, on call: LLMCall) {
        call.span.updateAttributes { attributes in
            if let maxTokens = request.maxTokens { attributes["gen_ai.request.max_tokens"] = maxTokens }
            if let temperature = request.temperature { attributes["gen_ai.request.temperature"] = temperature }
            if let server {
                attributes["server.address"] = server.host
                attributes["server.port"] = server.port
            }
        }
        call.recordInput(request.messages)
    }

    private func report(_ completion: ChatCompletion, on call: LLMCall) {
        call.recordOutput([completion.message], finishReason: completion.finishReason)
        call.finish(
            responseModel: completion.model,
            responseID: completion.id,
            finishReasons: completion.finishReason.map { [$0] } ?? [],
            usage: completion.usage
        )
    }

    /// Sends the request; an answer other than 2xx throws ``OpenAIError`` with the provider's message.
    private func send(_ request: ChatRequest, stream: Bool) async throws -> HTTPClientResponse {
        let body = OpenAIWireFormat.Request(
            model: request.model,
            messages: request.messages,
            maxTokens: request.maxTokens,
            temperature: request.temperature,
            stream: stream,
            streamOptions: stream ? .init(includeUsage: true) : nil
        )
        var http = HTTPClientRequest(url: endpoint)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: stream ? "text/event-stream" : "application/json")
        if let apiKey = configuration.apiKey { http.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        http.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body)))
        let response = try await httpClient.execute(http, timeout: TimeAmount(configuration.timeout))
        guard (200..<300).contains(response.status.code) else {
            let text = (try? await response.body.collect(upTo: 64 * 1024)) ?? ByteBuffer()
            let detail = try? JSONDecoder().decode(OpenAIWireFormat.ErrorBody.self, from: text).error
            throw OpenAIError(
                statusCode: Int(response.status.code),
                type: detail?.type ?? detail?.code,
                message: detail?.message ?? Self.excerpt(text)
            )
        }
        return response
    }

    /// The start of an error answer that is not the API's JSON (a proxy's HTML page, say).
    private static func excerpt(_ buffer: ByteBuffer) -> String {
        let text = String(decoding: Array(buffer.readableBytesView.prefix(200)), as: UTF8.self)
        return text.isEmpty ? "(empty body)" : text
    }

    /// What is wrong with an answer, naming the field but quoting none of it: a successful answer holds the
    /// completion, which is not recorded unless content capture is on.
    private static func problem(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        func location(_ context: DecodingError.Context, adding key: (any CodingKey)? = nil) -> String {
            let keys = (context.codingPath + (key.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the body" : String(keys.dropFirst(keys.hasPrefix(".") ? 1 : 0))
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(location(context, adding: key)) is missing"
        case .typeMismatch(_, let context): return "\(location(context)) has the wrong type"
        case .valueNotFound(_, let context): return "\(location(context)) is null"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not JSON" : "\(location(context)) is malformed"
        @unknown default: return "not a valid answer"
        }
    }
}
