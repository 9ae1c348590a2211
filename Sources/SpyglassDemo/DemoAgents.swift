import Foundation
import Spyglass
import SpyglassGenAI
import SpyglassJobs
import SpyglassOpenAI

/// The demo's agents, in the spirit of the seeds' research and creative agents: each run is an `invoke_agent`
/// span whose LLM calls and tools nest inside it, with calls to (simulated) third-party APIs counted as external
/// calls.
///
/// - research: plans with the model, searches the web, reads the sources, and summarises them with the model
///   inside the `summarize` tool (agent → tool → LLM).
/// - creative: writes an image prompt with the model (streamed) and renders it with an image API.
/// - assistant: answers a chat message with the jobs it knows about, inside the request that asked.
///
/// A prompt containing `fail` makes the source fetch fail, `rate-limit` and `overload` make the model answer 429
/// and 500.
struct DemoAgents: Sendable {
    /// Where the model is, once known (the simulator's port is known only when it listens).
    let llm: @Sendable () async -> (client: OpenAIChatClient, model: String)
    let agents: AgentTelemetry
    let externalCalls: ExternalCallTelemetry
    /// Where explicit breadcrumbs go; `nil` without a DSN.
    let errorReporter: SentryReporter?
    /// How long a simulated third-party call takes.
    let stepDuration: Duration

    struct SourceUnavailable: Error, CustomStringConvertible {
        var description: String { "the source server answered 503" }
    }

    func research(_ prompt: String, progress: @Sendable (Double) -> Void) async throws -> String {
        let (client, model) = await llm()
        return try await agents.invoke("research", description: "researches a topic and summarises its sources") { _ in
            let plan = try await client.complete(ChatRequest(
                model: model,
                messages: [.system("You plan web research. Answer with three search queries."), .user(prompt)],
                maxTokens: 200
            ))
            progress(0.2)
            let sources = try await agents.executeTool("web_search", callID: "call_search") { _ in
                try await externalCalls.track(provider: "websearch", operation: "search") {
                    try await Task.sleep(for: stepDuration)
                    return ["https://example.org/a", "https://example.org/b"]
                }
            }
            progress(0.4)
            // Not worth a log line, but worth knowing when the next step fails.
            errorReporter?.addBreadcrumb("sources found", category: "research", data: ["count": "\(sources.count)"])
            let pages = try await agents.executeTool("read_sources", callID: "call_read") { _ in
                try await externalCalls.track(provider: "websearch", operation: "fetch") {
                    try await Task.sleep(for: stepDuration)
                    if prompt.contains("fail") { throw SourceUnavailable() }
                    return sources.map { "contents of \($0)" }
                }
            }
            progress(0.6)
            let summary = try await agents.executeTool("summarize", callID: "call_summarize") { _ in
                try await client.stream(ChatRequest(
                    model: model,
                    messages: [.system("You summarise sources in a paragraph."), .user(plan.message.content + "\n" + pages.joined(separator: "\n"))]
                ))
            }
            progress(0.8)
            try await Task.sleep(for: stepDuration)
            progress(1)
            return summary.message.content
        }
    }

    func creative(_ prompt: String, progress: @Sendable (Double) -> Void) async throws -> String {
        let (client, model) = await llm()
        return try await agents.invoke("creative", description: "turns a request into an image") { _ in
            let description = try await client.stream(ChatRequest(
                model: model,
                messages: [.system("You write prompts for an image model."), .user(prompt)],
                temperature: 0.9
            ))
            progress(1.0 / 3)
            let image = try await agents.executeTool("render_image", callID: "call_render") { _ in
                try await externalCalls.track(provider: "imagegen", operation: "generate") {
                    try await Task.sleep(for: stepDuration)
                    if prompt.contains("fail") { throw SourceUnavailable() }
                    return "https://images.example.org/\(UUID().uuidString.prefix(8).lowercased()).png"
                }
            }
            progress(2.0 / 3)
            try await Task.sleep(for: stepDuration)
            progress(1)
            return "\(image) (\(description.message.content.split(separator: " ").count) word prompt)"
        }
    }

    func assistant(_ message: String, jobs: @Sendable () -> [Job]) async throws -> ChatCompletion {
        let (client, model) = await llm()
        return try await agents.invoke("assistant", description: "answers questions about the jobs") { _ in
            let known = try await agents.executeTool("list_jobs", callID: "call_jobs") { _ in
                jobs().suffix(5).map { "\($0.id) \($0.kind.rawValue) \($0.status.rawValue)" }
            }
            return try await client.stream(ChatRequest(
                model: model,
                messages: [.system("You answer questions about these jobs:\n" + known.joined(separator: "\n")), .user(message)]
            ))
        }
    }
}
