import Foundation
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The demo's agents call its OpenAI-compatible simulator over HTTP; their spans go to Arize Phoenix, which
/// understands OpenTelemetry's GenAI conventions: the spans must come out classified (LLM, AGENT, TOOL) with their
/// token counts and nesting, and prompt text must appear only when capture is turned on, redacted.
@Suite(.serialized) struct GenAIPhoenixTests {
    private func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "not JSON: \(String(decoding: data, as: UTF8.self))")
    }

    private func post(_ port: Int, _ path: String, _ body: [String: Any]) async throws -> (status: Int, traceID: String, body: [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, try #require(http.value(forHTTPHeaderField: "X-Trace-ID")), try json(data))
    }

    private func startDemo(phoenix: PhoenixServer, capture: Bool) async throws -> (ChildProcess, Int) {
        let demo = try ChildProcess(
            arguments: ["--port", "0", "--job-step-milliseconds", "5"],
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(phoenix.httpPort)",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                "OTEL_LOGS_EXPORTER": "none",
                "OTEL_METRICS_EXPORTER": "none",
                "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": capture ? "true" : "false",
            ]
        )
        let started = try json(Data(try await demo.waitForLine { $0.contains("\"server_started\"") }.utf8))
        return (demo, try #require(started["port"] as? Int))
    }

    private func text(of span: PhoenixServer.Span) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: span.attributes)) ?? Data()
        return span.name + " " + String(decoding: data, as: UTF8.self)
    }

    @Test func agentToolAndLLMSpansReachPhoenixClassifiedAndNestedWithoutPromptText() async throws {
        let phoenix = try await PhoenixServer()
        defer { phoenix.stop() }

        // Capture off (the default).
        let marker = "zebra-4711"
        let (demo, port) = try await startDemo(phoenix: phoenix, capture: false)
        let chat = try await post(port, "/v1/chat", ["message": "\(marker) which jobs ran?"])
        #expect(chat.status == 200)
        #expect((chat.body["reply"] as? String)?.hasPrefix("Simulated answer:") == true)
        let research = try await post(port, "/v1/commands", ["kind": "research", "prompt": "\(marker) tracing in Swift", "wait": true])
        #expect(research.body["status"] as? String == "completed")
        let limited = try await post(port, "/v1/commands", ["kind": "creative", "prompt": "rate-limit \(marker)", "wait": true])
        #expect(limited.body["status"] as? String == "failed")
        let (metricsData, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let metrics = String(decoding: metricsData, as: UTF8.self)
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)

        let lines = demo.lines
        let jobTraces = Set(lines.filter { $0.contains("\"job_started\"") }.compactMap { line in
            (try? json(Data(line.utf8)))?["trace_id"] as? String
        })
        #expect(jobTraces.count == 2)
        // Phoenix stores spans as they come, children (which end first) often before their parents: wait for all.
        let names: Set = [
            "POST /v1/chat", "invoke_agent assistant", "execute_tool list_jobs",
            "job research", "invoke_agent research", "execute_tool summarize", "job creative", "invoke_agent creative",
        ]
        let spans = try await phoenix.spans { spans in
            let traces = Set(spans.map(\.traceID))
            return traces.contains(chat.traceID) && jobTraces.isSubset(of: traces) && names.isSubset(of: Set(spans.map(\.name)))
                && spans.filter { $0.name == "chat sim-1" }.count >= 4
        }
        let byID = Dictionary(spans.map { ($0.spanID, $0) }, uniquingKeysWith: { first, _ in first })
        func parent(_ span: PhoenixServer.Span) -> PhoenixServer.Span? { span.parentID.flatMap { byID[$0] } }

        // The chat request: request → invoke_agent assistant → (execute_tool list_jobs, chat sim-1).
        let chatSpans = spans.filter { $0.traceID == chat.traceID }
        let assistant = try #require(chatSpans.first { $0.name == "invoke_agent assistant" })
        #expect(assistant.spanKind == "AGENT")
        #expect(parent(assistant)?.name == "POST /v1/chat")
        let listJobs = try #require(chatSpans.first { $0.name == "execute_tool list_jobs" })
        #expect(listJobs.spanKind == "TOOL")
        #expect(listJobs.parentID == assistant.spanID)
        let answer = try #require(chatSpans.first { $0.name == "chat sim-1" })
        #expect(answer.spanKind == "LLM")
        #expect(answer.parentID == assistant.spanID)
        #expect((answer.attributes["llm.token_count.prompt"] as? Int ?? 0) > 0)
        #expect((answer.attributes["llm.token_count.completion"] as? Int ?? 0) > 0)
        #expect(answer.attributes["gen_ai.provider.name"] as? String == "simulator")
        #expect(answer.attributes["gen_ai.response.finish_reasons"] as? [String] == ["stop"] || answer.attributes["gen_ai.response.finish_reasons.0"] as? String == "stop")
        #expect((answer.attributes["spyglass.cost_usd"] as? Double ?? 0) > 0)
        #expect(answer.eventNames.contains("gen_ai.first_token"))

        // The research job: job → invoke_agent research → execute_tool summarize → chat sim-1.
        let summarize = try #require(spans.first { $0.name == "execute_tool summarize" && jobTraces.contains($0.traceID) })
        let summaryCall = try #require(spans.first { $0.name == "chat sim-1" && $0.parentID == summarize.spanID })
        #expect(summaryCall.spanKind == "LLM")
        let researchAgent = try #require(parent(summarize))
        #expect(researchAgent.name == "invoke_agent research" && researchAgent.spanKind == "AGENT")
        #expect(parent(researchAgent)?.name == "job research")
        // The rate-limited call: an LLM span with error status and the HTTP status as error.type.
        let refused = try #require(spans.first { $0.name == "chat sim-1" && $0.attributes["error.type"] as? String == "429" })
        #expect(refused.statusCode == "ERROR")
        #expect(parent(refused)?.name == "invoke_agent creative")

        // No prompt text anywhere: spans, log lines, metrics.
        for span in spans { #expect(!text(of: span).contains(marker), "\(span.name)") }
        #expect(!lines.contains { $0.contains(marker) })
        #expect(!metrics.contains(marker))
        #expect(metrics.contains(#"llm_requests_total{provider="simulator",model="sim-1",status="error"} 1"#))

        // Capture on: the prompt is on the LLM span, with its secret redacted.
        let secret = "sk-proj-Zq8xW2vN5bT7yL1mK4jH9gF3dS6aP0oI"
        let (capturing, capturingPort) = try await startDemo(phoenix: phoenix, capture: true)
        let captured = try await post(capturingPort, "/v1/chat", ["message": "okapi-99 my key is \(secret), which jobs ran?"])
        #expect(captured.status == 200)
        capturing.process.terminate()
        #expect(await capturing.waitForExit() == 0)
        let withContent = try await phoenix.spans { spans in
            spans.contains { $0.traceID == captured.traceID && $0.name == "chat sim-1" }
        }
        let call = try #require(withContent.first { $0.traceID == captured.traceID && $0.name == "chat sim-1" })
        let callText = text(of: call)
        #expect(callText.contains("okapi-99 my key is [REDACTED]"), "\(callText)")
        #expect(call.attributes.keys.contains { $0.hasPrefix("llm.input_messages.") }, "Phoenix reads the captured messages")
        #expect(call.attributes.keys.contains { $0.hasPrefix("llm.output_messages.") })
        for span in withContent { #expect(!text(of: span).contains(secret)) }
        #expect(!capturing.lines.contains { $0.contains(secret) })
    }
}
