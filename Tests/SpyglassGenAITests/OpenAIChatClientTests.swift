import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Logging
@_spi(Locking) import SpyglassCore
import SpyglassMetrics
import SpyglassDashboard
import SpyglassTracing
import Testing
import Tracing

@testable import SpyglassGenAI
@testable import SpyglassOpenAI

/// The instrumented client against a provider speaking the chat completions wire format, started here.
@Suite struct OpenAIChatClientTests {
    let registry = MetricRegistry()
    let store = SpanStore(capacity: 100)
    let logs = InMemoryLogHandler()

    private var metrics: String { String(decoding: registry.render(), as: UTF8.self) }

    private func client(_ baseURL: String, capture: ContentCapture = .off, httpClient: HTTPClient = .shared) -> OpenAIChatClient {
        let telemetry = LLMTelemetry(metrics: registry, capture: capture, logger: Logger(label: "genai") { _ in logs })
        return OpenAIChatClient(configuration: .init(baseURL: baseURL, apiKey: "sk-test-0123456789abcdef"), httpClient: httpClient, telemetry: telemetry)
    }

    let tracer: SpyglassTracer

    init() {
        tracer = SpyglassTracer(store: store)
    }

    private func traced<Result>(_ body: () async throws -> Result) async throws -> Result {
        try await withTracer(tracer, body)
    }

    private var chatSpan: SpanRecord? { store.spans().first { $0.operationName.hasPrefix("chat ") } }

    @Test func aCompletionRecordsItsTokensCostAndSpan() async throws {
        let server = FakeOpenAIServer(answer: .json(OpenAIWire.completion))
        // AsyncHTTPClient takes its tracer from its configuration (HTTPClient.shared: the one installed at first use).
        var configuration = HTTPClient.Configuration()
        configuration.tracing.tracer = tracer
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let completion = try await server.run { baseURL in
            try await traced {
                try await client(baseURL, httpClient: httpClient)
                    .complete(ChatRequest(model: "gpt-4o-mini", messages: [.user("Hi")], maxTokens: 64, temperature: 0.2))
            }
        }
        try await httpClient.shutdown()
        #expect(completion.message == .assistant("Hello! How can I help?"))
        #expect(completion.usage == TokenUsage(inputTokens: 1200, outputTokens: 300, cachedInputTokens: 200, reasoningTokens: 50))

        let sent = try #require(server.requests.first)
        #expect(sent.authorization == "Bearer sk-test-0123456789abcdef")
        #expect(sent.json["model"] as? String == "gpt-4o-mini")
        #expect(sent.json["stream"] as? Bool == false)
        #expect(sent.json["stream_options"] == nil)
        #expect(sent.json["max_tokens"] as? Int == 64)

        // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per million tokens.
        let cost = (1000 * 0.15 + 200 * 0.075 + 300 * 0.6) / 1e6
        let text = metrics
        #expect(text.contains(#"llm_requests_total{provider="openai",model="gpt-4o-mini",status="success"} 1"#))
        #expect(text.contains(#"llm_tokens_used_total{provider="openai",model="gpt-4o-mini",type="prompt"} 1200"#))
        #expect(text.contains(#"llm_tokens_used_total{provider="openai",model="gpt-4o-mini",type="completion"} 300"#))
        #expect(text.contains(#"llm_tokens_used_total{provider="openai",model="gpt-4o-mini",type="cached"} 200"#))
        #expect(text.contains(#"llm_tokens_used_total{provider="openai",model="gpt-4o-mini",type="reasoning"} 50"#))
        #expect(text.contains(#"llm_cost_usd_total{provider="openai",model="gpt-4o-mini"} \#(cost)"#), "\(text)")
        #expect(!text.contains("llm_time_to_first_token_seconds_count"), "no stream, no first token")

        let span = try #require(chatSpan)
        #expect(span.operationName == "chat gpt-4o-mini")
        #expect(span.kind == .client)
        #expect(span.attributes.get("gen_ai.response.model") == .string("gpt-4o-mini-2024-07-18"))
        #expect(span.attributes.get("gen_ai.response.id") == .string("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG"))
        #expect(span.attributes.get("gen_ai.response.finish_reasons") == .stringArray(["stop"]))
        #expect(span.attributes.get("gen_ai.request.max_tokens") == .int64(64))
        #expect(span.attributes.get("gen_ai.request.temperature") == .double(0.2))
        #expect(span.attributes.get("server.address") == .string("127.0.0.1"))
        #expect(span.attributes.get("spyglass.cost_usd") == .double(cost))
        // AsyncHTTPClient's own span nests under the LLM span.
        let http = try #require(store.spans().first { $0.operationName == "POST" })
        #expect(http.parentSpanID == span.spanID)
    }

    @Test func aStreamRecordsTimeToFirstTokenAndTheUsageOfItsLastChunk() async throws {
        let server = FakeOpenAIServer(answer: .stream(OpenAIWire.stream, pauseBeforeContent: .milliseconds(150)))
        let pieces = Locked<[String]>([])
        let completion = try await server.run { baseURL in
            try await traced {
                try await client(baseURL).stream(ChatRequest(model: "gpt-4o-mini", messages: [.user("Hi")])) { text in
                    pieces.withLock { $0.append(text) }
                }
            }
        }
        #expect(pieces.withLock { $0 } == ["Hello", " there,", " friend."])
        #expect(completion.message.content == "Hello there, friend.")
        #expect(completion.finishReason == "stop")
        #expect(completion.id == "chatcmpl-stream1")
        #expect(completion.usage == TokenUsage(inputTokens: 40, outputTokens: 6))

        let sent = try #require(server.requests.first)
        #expect(sent.json["stream"] as? Bool == true)
        #expect((sent.json["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect(sent.accept == "text/event-stream")

        let text = metrics
        #expect(text.contains(#"llm_tokens_used_total{provider="openai",model="gpt-4o-mini",type="prompt"} 40"#))
        #expect(text.contains(#"llm_tokens_used_total{provider="openai",model="gpt-4o-mini",type="completion"} 6"#))
        #expect(text.contains(#"llm_cost_usd_total{provider="openai",model="gpt-4o-mini"} \#((40 * 0.15 + 6 * 0.6) / 1e6)"#), "\(text)")
        #expect(text.contains(#"llm_time_to_first_token_seconds_count{provider="openai",model="gpt-4o-mini"} 1"#))
        let firstToken = try #require(Self.sample(text, #"llm_time_to_first_token_seconds_sum{provider="openai",model="gpt-4o-mini"}"#))
        let duration = try #require(Self.sample(text, #"llm_request_duration_seconds_sum{provider="openai",model="gpt-4o-mini"}"#))
        #expect(firstToken >= 0.15, "the server paused 150 ms before the first content")
        #expect(firstToken <= duration)
        #expect(chatSpan?.events.map(\.name) == ["gen_ai.first_token"])
    }

    @Test(arguments: [
        (429, OpenAIWire.rateLimited, "tokens"),
        (500, OpenAIWire.serverError, "server_error"),
    ])
    func anErrorAnswerIsCountedWithItsStatusAsErrorType(status: Int, body: String, type: String) async throws {
        let server = FakeOpenAIServer(answer: .json(body, status: .init(code: status)))
        let error = try await server.run { baseURL in
            await #expect(throws: OpenAIError.self) {
                try await traced { try await client(baseURL).stream(ChatRequest(model: "gpt-4o-mini", messages: [.user("Hi")])) }
            }
        }
        #expect(error?.statusCode == status)
        #expect(error?.type == type)
        #expect(error?.message.hasPrefix(status == 429 ? "Rate limit reached" : "The server had an error") == true)
        #expect(metrics.contains(#"llm_requests_total{provider="openai",model="gpt-4o-mini",status="error"} 1"#))
        #expect(!metrics.contains("llm_tokens_used_total"))
        let span = try #require(chatSpan)
        #expect(span.attributes.get("error.type") == .string(String(status)))
        #expect(span.status?.code == .error)
    }

    @Test func anErrorEventInsideAStreamAndACutStreamFail() async throws {
        let errorEvent = FakeOpenAIServer(answer: .stream([
            OpenAIWire.chunk(#"{"role":"assistant","content":""}"#),
            #"{"error":{"message":"The model is overloaded","type":"server_error","param":null,"code":null}}"#,
        ]))
        let failed = try await errorEvent.run { baseURL in
            await #expect(throws: OpenAIError.self) { try await client(baseURL).stream(ChatRequest(model: "gpt-4o-mini", messages: [.user("Hi")])) }
        }
        #expect(failed?.statusCode == nil && failed?.type == "server_error" && failed?.message == "The model is overloaded")

        let cut = FakeOpenAIServer(answer: .stream(Array(OpenAIWire.stream.prefix(3))))
        let truncated = try await cut.run { baseURL in
            await #expect(throws: OpenAIError.self) { try await client(baseURL).stream(ChatRequest(model: "gpt-4o-mini", messages: [.user("Hi")])) }
        }
        #expect(truncated?.message == "the stream ended before its last chunk")
        #expect(metrics.contains(#"llm_requests_total{provider="openai",model="gpt-4o-mini",status="error"} 2"#))
    }

    @Test func anAnswerThatIsNotTheAPIsJSONNamesWhatIsWrongWithoutQuotingIt() async throws {
        let noChoices = FakeOpenAIServer(answer: .json(#"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini","text":"secret completion"}"#))
        let missing = try await noChoices.run { baseURL in
            await #expect(throws: OpenAIError.self) { try await client(baseURL).complete(ChatRequest(model: "gpt-4o-mini", messages: [.user("Hi")])) }
        }
        #expect(missing?.message == "the answer is not a chat completion: choices is missing")

        let wrongType = FakeOpenAIServer(answer: .stream([OpenAIWire.chunk(#"{"content":5}"#)]))
        let mistyped = try await wrongType.run { baseURL in
            await #expect(throws: OpenAIError.self) {
                try await traced { try await client(baseURL).stream(ChatRequest(model: "gpt-4o-mini", messages: [.user("Hi")])) }
            }
        }
        #expect(mistyped?.message == "a stream event is not a chat completion chunk: choices[0].delta.content has the wrong type")
        #expect(metrics.contains(#"llm_requests_total{provider="openai",model="gpt-4o-mini",status="error"} 2"#))
        #expect(chatSpan?.attributes.get("error.type") == .string("OpenAIError"))
    }

    /// With capture off (the default) the prompt reaches the provider and nothing else: not the spans, the logs
    /// or the metrics. With it on, the spans carry it redacted and cut.
    @Test func promptTextIsRecordedOnlyWhenCaptureIsOnAndThenRedacted() async throws {
        let secret = "sk-proj-Zq8xW2vN5bT7yL1mK4jH9gF3dS6aP0oI"
        let prompt = "zebra-4711 plans the launch; my key is \(secret) and password=hunter2hunter2, " + String(repeating: "filler ", count: 60)
        let server = FakeOpenAIServer(answer: .stream(OpenAIWire.stream))
        try await server.run { baseURL in
            _ = try await traced { try await client(baseURL).stream(ChatRequest(model: "gpt-4o-mini", messages: [.user(prompt)])) }
        }
        #expect(server.requests.first?.body.contains("zebra-4711") == true, "the provider gets the prompt")
        let recorded = store.spans().map { span in
            var text = span.operationName
            span.attributes.forEach { key, value in text += " \(key)=\(value)" }
            return text + span.events.map(\.name).joined()
        }.joined(separator: "\n")
        #expect(!recorded.contains("zebra"))
        #expect(!recorded.contains("Hello there"))
        #expect(!metrics.contains("zebra"))
        #expect(!logs.entries.contains { "\($0)".contains("zebra") })

        let captured = OpenAIChatClientTests()
        let capturing = FakeOpenAIServer(answer: .stream(OpenAIWire.stream))
        try await capturing.run { baseURL in
            _ = try await captured.traced {
                try await captured.client(baseURL, capture: .redacted(by: try Redactor(), characterLimit: 120))
                    .stream(ChatRequest(model: "gpt-4o-mini", messages: [.system("You plan launches."), .user(prompt)]))
            }
        }
        let span = try #require(captured.chatSpan)
        guard case .string(let input) = span.attributes.get("gen_ai.input.messages"),
            case .string(let output) = span.attributes.get("gen_ai.output.messages")
        else { Issue.record("no captured messages: \(span.attributes)"); return }
        let messages = try #require(try JSONSerialization.jsonObject(with: Data(input.utf8)) as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["system", "user"])
        let user = try #require((messages[1]["parts"] as? [[String: Any]])?.first?["content"] as? String)
        #expect(user.hasPrefix("zebra-4711 plans the launch; my key is [REDACTED] and password=[REDACTED]"), "\(user)")
        #expect(!input.contains(secret) && !input.contains("hunter2"))
        let parts = user.components(separatedBy: "…[truncated ")
        #expect(parts.count == 2 && parts[0].count == 120 && parts[1].hasSuffix(" characters]"), "\(user)")
        #expect(output.contains(#""content":"Hello there, friend.""#) && output.contains(#""finish_reason":"stop""#), "\(output)")
    }

    static func sample(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
    }
}
