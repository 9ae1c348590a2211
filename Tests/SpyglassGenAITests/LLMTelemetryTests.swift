import InMemoryLogging
import Logging
import SpyglassMetrics
import SpyglassDashboard
import SpyglassTracing
import Testing
import Tracing

@testable import SpyglassGenAI

struct RateLimited: LLMProviderError {
    let statusCode: Int? = 429
}

@Suite struct LLMTelemetryTests {
    let registry = MetricRegistry()
    let store = SpanStore(capacity: 100)
    let logs = InMemoryLogHandler()

    private func metrics() -> String { String(decoding: registry.render(), as: UTF8.self) }

    private func telemetry() -> LLMTelemetry {
        LLMTelemetry(metrics: registry, logger: Logger(label: "genai") { _ in logs })
    }

    @Test func aCallRecordsTokensCostAndAGenAISpan() async throws {
        let llm = telemetry()
        let usage = TokenUsage(inputTokens: 1200, outputTokens: 300, cachedInputTokens: 200, reasoningTokens: 50)
        let reply = try await withTracer(SpyglassTracer(store: store)) {
            try await llm.call(provider: "openai", model: "gpt-4o-mini") { call in
                call.firstToken()
                call.finish(responseModel: "gpt-4o-mini-2024-07-18", responseID: "chatcmpl-1", finishReasons: ["stop"], usage: usage)
                return "hello"
            }
        }
        #expect(reply == "hello")

        let expectedCost = (1000 * 0.15 + 200 * 0.075 + 250 * 0.6 + 50 * 0.6) / 1e6
        let text = metrics()
        #expect(text.contains(#"llm_requests_total{provider="openai",model="gpt-4o-mini",status="success"} 1"#))
        #expect(text.contains(#"llm_tokens_used_total{provider="openai",model="gpt-4o-mini",type="prompt"} 1200"#))
        #expect(text.contains(#"llm_tokens_used_total{provider="openai",model="gpt-4o-mini",type="completion"} 300"#))
        #expect(text.contains(#"llm_tokens_used_total{provider="openai",model="gpt-4o-mini",type="cached"} 200"#))
        #expect(text.contains(#"llm_tokens_used_total{provider="openai",model="gpt-4o-mini",type="reasoning"} 50"#))
        #expect(text.contains(#"llm_cost_usd_total{provider="openai",model="gpt-4o-mini"} \#(expectedCost)"#), "\(text)")
        #expect(text.contains(#"llm_time_to_first_token_seconds_count{provider="openai",model="gpt-4o-mini"} 1"#))
        #expect(text.contains(#"llm_request_duration_seconds_count{provider="openai",model="gpt-4o-mini"} 1"#))

        let span = try #require(store.spans().first)
        #expect(span.operationName == "chat gpt-4o-mini" && span.kind == .client)
        #expect(span.attributes.get("gen_ai.operation.name") == .string("chat"))
        #expect(span.attributes.get("gen_ai.provider.name") == .string("openai"))
        #expect(span.attributes.get("gen_ai.request.model") == .string("gpt-4o-mini"))
        #expect(span.attributes.get("gen_ai.response.model") == .string("gpt-4o-mini-2024-07-18"))
        #expect(span.attributes.get("gen_ai.response.id") == .string("chatcmpl-1"))
        #expect(span.attributes.get("gen_ai.response.finish_reasons") == .stringArray(["stop"]))
        #expect(span.attributes.get("gen_ai.usage.input_tokens") == .int64(1200))
        #expect(span.attributes.get("gen_ai.usage.output_tokens") == .int64(300))
        #expect(span.attributes.get("gen_ai.usage.cache_read.input_tokens") == .int64(200))
        #expect(span.attributes.get("spyglass.cost_usd") == .double(expectedCost))
        #expect(span.events.map(\.name) == ["gen_ai.first_token"])
    }

    @Test func aFailedCallIsCountedWithItsErrorType() async throws {
        let llm = telemetry()
        await #expect(throws: RateLimited.self) {
            try await withTracer(SpyglassTracer(store: store)) {
                try await llm.call(provider: "groq", model: "llama-3.1-8b-instant") { _ -> String in throw RateLimited() }
            }
        }
        #expect(metrics().contains(#"llm_requests_total{provider="groq",model="llama-3.1-8b-instant",status="error"} 1"#))
        let span = try #require(store.spans().first)
        #expect(span.attributes.get("error.type") == .string("429"))
        #expect(span.status?.code == .error)
    }

    @Test func anUnpricedModelCountsTokensButNoCostAndWarnsOnce() async throws {
        let llm = telemetry()
        for _ in 0..<3 {
            try await llm.call(provider: "simulator", model: "sim-1") { call in
                call.finish(usage: TokenUsage(inputTokens: 10, outputTokens: 5))
            }
        }
        let text = metrics()
        #expect(text.contains(#"llm_tokens_used_total{provider="simulator",model="sim-1",type="prompt"} 30"#))
        #expect(!text.contains(#"llm_cost_usd_total{provider="simulator""#))
        #expect(logs.entries.filter { $0.message == "llm_model_unpriced" }.count == 1)
    }
}
