import SpyglassCore
public import SpyglassMetrics
public import Tracing

/// Instruments agents and the tools they call: spans named `invoke_agent {name}` and `execute_tool {name}` as
/// OpenTelemetry's GenAI conventions define them, and the `agent_*` / `tool_*` metrics.
///
/// ```swift
/// let answer = try await agents.invoke("research") { _ in
///     let plan = try await llm.chat(…)                         // chat span under invoke_agent research
///     return try await agents.executeTool("web_search") { _ in try await search(plan) }
/// }
/// ```
///
/// Spans nest under whatever span is active (the request's, a job's), and LLM calls made inside nest under them.
/// Outcomes are `success`, `error` (the error is recorded on the span and rethrown) and `cancelled` (a
/// `CancellationError`, not counted as an agent error).
public final class AgentTelemetry: Sendable {
    private let agentExecutions: CounterFamily
    private let agentDuration: HistogramFamily
    private let agentErrors: CounterFamily
    private let activeAgents: GaugeFamily
    private let toolExecutions: CounterFamily
    private let toolDuration: HistogramFamily

    /// - Parameter metrics: where `agent_executions_total{agent,status}`, `agent_execution_duration_seconds{agent}`,
    ///   `agent_errors_total{agent,error_type}`, `active_agents{agent}`, `tool_executions_total{tool,status}` and
    ///   `tool_execution_duration_seconds{tool}` are declared.
    public init(metrics: MetricRegistry) {
        agentExecutions = metrics.counter(StandardMetrics.agentExecutions)
        agentDuration = metrics.histogram(StandardMetrics.agentExecutionDuration)
        agentErrors = metrics.counter(StandardMetrics.agentErrors)
        activeAgents = metrics.gauge(StandardMetrics.activeAgents)
        toolExecutions = metrics.counter(StandardMetrics.toolExecutions)
        toolDuration = metrics.histogram(StandardMetrics.toolExecutionDuration)
    }

    /// Runs `body` as one run of agent `name`, in a span `invoke_agent {name}` (kind internal: the agent runs in
    /// this process).
    ///
    /// - Parameters:
    ///   - name: `gen_ai.agent.name`, the `agent` label.
    ///   - id: `gen_ai.agent.id`, when the agent has one.
    ///   - description: `gen_ai.agent.description`.
    public func invoke<Result>(
        _ name: String,
        id: String? = nil,
        description: String? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (any Span) async throws -> Result
    ) async throws -> Result {
        var attributes: SpanAttributes = ["gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": .string(name)]
        if let id { attributes["gen_ai.agent.id"] = id }
        if let description { attributes["gen_ai.agent.description"] = description }
        let active = activeAgents.labels(name)
        active.increment()
        defer { active.decrement() }
        return try await run(
            "invoke_agent \(name)", label: name, attributes: attributes,
            executions: agentExecutions, duration: agentDuration, errors: agentErrors, isolation: isolation, body
        )
    }

    /// Runs `body` as one call of tool `name`, in a span `execute_tool {name}` (kind internal).
    ///
    /// - Parameters:
    ///   - name: `gen_ai.tool.name`, the `tool` label.
    ///   - callID: `gen_ai.tool.call.id`, the id the model gave the call.
    ///   - type: `gen_ai.tool.type`: `function` (default), `extension` or `datastore`.
    public func executeTool<Result>(
        _ name: String,
        callID: String? = nil,
        type: String = "function",
        isolation: isolated (any Actor)? = #isolation,
        _ body: (any Span) async throws -> Result
    ) async throws -> Result {
        var attributes: SpanAttributes = ["gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": .string(name), "gen_ai.tool.type": .string(type)]
        if let callID { attributes["gen_ai.tool.call.id"] = callID }
        return try await run(
            "execute_tool \(name)", label: name, attributes: attributes,
            executions: toolExecutions, duration: toolDuration, errors: nil, isolation: isolation, body
        )
    }

    /// `body` in an internal span, counted by outcome under `label` and timed.
    private func run<Result>(
        _ spanName: String,
        label: String,
        attributes: SpanAttributes,
        executions: CounterFamily,
        duration: HistogramFamily,
        errors: CounterFamily?,
        isolation: isolated (any Actor)?,
        _ body: (any Span) async throws -> Result
    ) async throws -> Result {
        let start = ContinuousClock.now
        return try await withSpan(spanName, ofKind: .internal, isolation: isolation) { span in
            span.updateAttributes { $0.merge(attributes) }
            do {
                let result = try await body(span)
                executions.labels(label, "success").increment()
                duration.labels(label).observe(ContinuousClock.now - start)
                return result
            } catch {
                let cancelled = error is CancellationError
                executions.labels(label, cancelled ? "cancelled" : "error").increment()
                duration.labels(label).observe(ContinuousClock.now - start)
                if !cancelled {
                    let type = errorType(of: error)
                    errors?.labels(label, type).increment()
                    span.attributes["error.type"] = type
                }
                throw error
            }
        }
    }
}
