import Benchmark
import CoreMetrics
import Instrumentation
import Prometheus
import SpyglassGenAI
import SpyglassMetrics
import SpyglassDashboard
import SpyglassTracing
import Tracing

// What instrumenting one LLM call costs: Spyglass's LLMTelemetry (a GenAI span, five metric families, the cost
// from the 373-entry default price table) against the same work written by hand the way the seeds do it, with
// swift-metrics handles on swift-prometheus and a fixed price, on the same tracer.

let usage = TokenUsage(inputTokens: 1200, outputTokens: 300, cachedInputTokens: 200, reasoningTokens: 50)

let spyglassRegistry = MetricRegistry()
let llm = LLMTelemetry(metrics: spyglassRegistry)
let agents = AgentTelemetry(metrics: spyglassRegistry)

let prometheus = PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())

/// One call, instrumented with Spyglass.
func spyglassCall() async throws {
    try await llm.call(provider: "openai", model: "gpt-4o-mini") { call in
        call.finish(responseModel: "gpt-4o-mini-2024-07-18", responseID: "chatcmpl-1", finishReasons: ["stop"], usage: usage)
    }
}

/// The same call instrumented by hand: the seeds' `call_llm_with_metrics` in Swift, its price a constant.
func handRolledCall() {
    let start = ContinuousClock.now
    withSpan("chat gpt-4o-mini", ofKind: .client) { span in
        span.updateAttributes { attributes in
            attributes["gen_ai.operation.name"] = "chat"
            attributes["gen_ai.provider.name"] = "openai"
            attributes["gen_ai.request.model"] = "gpt-4o-mini"
            attributes["gen_ai.response.model"] = "gpt-4o-mini-2024-07-18"
            attributes["gen_ai.response.id"] = "chatcmpl-1"
            attributes["gen_ai.response.finish_reasons"] = ["stop"]
            attributes["gen_ai.usage.input_tokens"] = usage.inputTokens
            attributes["gen_ai.usage.output_tokens"] = usage.outputTokens
            attributes["gen_ai.usage.cache_read.input_tokens"] = usage.cachedInputTokens
            attributes["gen_ai.usage.reasoning.output_tokens"] = usage.reasoningTokens
        }
        let model = [("provider", "openai"), ("model", "gpt-4o-mini")]
        Counter(label: "llm_requests_total", dimensions: model + [("status", "success")], factory: prometheus).increment()
        Timer(label: "llm_request_duration_seconds", dimensions: model, factory: prometheus).recordInterval(since: start)
        for (type, count) in [("prompt", usage.inputTokens), ("completion", usage.outputTokens), ("cached", usage.cachedInputTokens), ("reasoning", usage.reasoningTokens)] {
            Counter(label: "llm_tokens_used_total", dimensions: model + [("type", type)], factory: prometheus).increment(by: count)
        }
        let cost = (Double(usage.inputTokens - usage.cachedInputTokens) * 0.15 + Double(usage.cachedInputTokens) * 0.075 + Double(usage.outputTokens) * 0.6) / 1e6
        FloatingPointCounter(label: "llm_cost_usd_total", dimensions: model, factory: prometheus).increment(by: cost)
        span.attributes["spyglass.cost_usd"] = cost
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        recordNanoseconds(Int64((ContinuousClock.now - start) / .nanoseconds(1)))
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 100_000
    )
    InstrumentationSystem.bootstrap(SpyglassTracer(store: SpanStore(capacity: 10_000)))

    Benchmark("LLM call telemetry: Spyglass LLMTelemetry") { benchmark in
        for _ in benchmark.scaledIterations { try await spyglassCall() }
    }
    Benchmark("LLM call telemetry: by hand, swift-metrics on swift-prometheus") { benchmark in
        for _ in benchmark.scaledIterations { handRolledCall() }
    }
    Benchmark("price of a dated snapshot in the default table (373 entries)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(PriceTable.default.cost(of: usage, provider: "openai", model: "gpt-4o-mini-2024-07-18"))
        }
    }
    Benchmark("agent run with one tool call: Spyglass AgentTelemetry") { benchmark in
        for _ in benchmark.scaledIterations {
            try await agents.invoke("research") { _ in
                try await agents.executeTool("web_search") { _ in blackHole(1) }
            }
        }
    }
}
