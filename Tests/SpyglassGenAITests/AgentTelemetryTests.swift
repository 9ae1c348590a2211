import SpyglassMetrics
import SpyglassDashboard
import SpyglassTracing
import Testing
import Tracing

@testable import SpyglassGenAI

@Suite struct AgentTelemetryTests {
    let registry = MetricRegistry()
    let store = SpanStore(capacity: 100)

    private var metrics: String { String(decoding: registry.render(), as: UTF8.self) }

    struct ToolBroke: Error {}

    @Test func agentsToolsAndLLMCallsNestUnderTheRequest() async throws {
        let agents = AgentTelemetry(metrics: registry)
        let llm = LLMTelemetry(metrics: registry)
        try await withTracer(SpyglassTracer(store: store)) {
            try await withSpan("POST /v1/chat", ofKind: .server) { _ in
                try await agents.invoke("research", id: "agent-1", description: "finds things") { _ in
                    #expect(metrics.contains(#"active_agents{agent="research"} 1"#))
                    try await agents.executeTool("summarize", callID: "call_1") { _ in
                        try await llm.call(provider: "openai", model: "gpt-4o-mini") { call in
                            call.finish(usage: TokenUsage(inputTokens: 10, outputTokens: 2))
                        }
                    }
                }
            }
        }
        let spans = Dictionary(uniqueKeysWithValues: store.spans().map { ($0.operationName, $0) })
        let request = try #require(spans["POST /v1/chat"])
        let agent = try #require(spans["invoke_agent research"])
        let tool = try #require(spans["execute_tool summarize"])
        let chat = try #require(spans["chat gpt-4o-mini"])
        #expect(agent.parentSpanID == request.spanID)
        #expect(tool.parentSpanID == agent.spanID)
        #expect(chat.parentSpanID == tool.spanID)
        #expect(agent.kind == .internal && tool.kind == .internal)
        #expect(agent.attributes.get("gen_ai.operation.name") == .string("invoke_agent"))
        #expect(agent.attributes.get("gen_ai.agent.name") == .string("research"))
        #expect(agent.attributes.get("gen_ai.agent.id") == .string("agent-1"))
        #expect(agent.attributes.get("gen_ai.agent.description") == .string("finds things"))
        #expect(tool.attributes.get("gen_ai.operation.name") == .string("execute_tool"))
        #expect(tool.attributes.get("gen_ai.tool.name") == .string("summarize"))
        #expect(tool.attributes.get("gen_ai.tool.call.id") == .string("call_1"))
        #expect(tool.attributes.get("gen_ai.tool.type") == .string("function"))

        let text = metrics
        #expect(text.contains(#"agent_executions_total{agent="research",status="success"} 1"#))
        #expect(text.contains(#"agent_execution_duration_seconds_count{agent="research"} 1"#))
        #expect(text.contains(#"active_agents{agent="research"} 0"#))
        #expect(text.contains(#"tool_executions_total{tool="summarize",status="success"} 1"#))
        #expect(text.contains(#"tool_execution_duration_seconds_count{tool="summarize"} 1"#))
        #expect(!text.contains("agent_errors_total{"))
    }

    @Test func failuresAreCountedByErrorTypeAndCancellationIsNotAnError() async throws {
        let agents = AgentTelemetry(metrics: registry)
        await #expect(throws: ToolBroke.self) {
            try await withTracer(SpyglassTracer(store: store)) {
                try await agents.invoke("creative") { _ in
                    try await agents.executeTool("render_image") { _ -> Int in throw ToolBroke() }
                }
            }
        }
        await #expect(throws: CancellationError.self) {
            try await agents.invoke("creative") { _ -> Int in throw CancellationError() }
        }
        let text = metrics
        #expect(text.contains(#"agent_executions_total{agent="creative",status="error"} 1"#))
        #expect(text.contains(#"agent_executions_total{agent="creative",status="cancelled"} 1"#))
        #expect(text.contains(#"agent_errors_total{agent="creative",error_type="ToolBroke"} 1"#))
        #expect(text.contains(#"tool_executions_total{tool="render_image",status="error"} 1"#))
        #expect(text.contains(#"active_agents{agent="creative"} 0"#))
        let agent = try #require(store.spans().first { $0.operationName == "invoke_agent creative" })
        #expect(agent.status?.code == .error)
        #expect(agent.attributes.get("error.type") == .string("ToolBroke"))
    }
}
