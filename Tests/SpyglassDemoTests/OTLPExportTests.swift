import Foundation
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The demo exports its spans over OTLP to a real receiver, Arize Phoenix, started here; the spans are read back
/// through Phoenix's API and compared with what the demo answered and logged.
@Suite(.serialized) struct OTLPExportTests {
    private struct Answer {
        let traceID: String
        let status: Int
        let body: Data
    }

    private func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
    }

    private func request(_ port: Int, _ method: String, _ path: String, body: String? = nil, traceparent: String? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let traceparent { request.setValue(traceparent, forHTTPHeaderField: "traceparent") }
        let (body, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return Answer(traceID: try #require(http.value(forHTTPHeaderField: "X-Trace-ID")), status: http.statusCode, body: body)
    }

    private struct Run {
        let listed: [Answer]
        let continued: Answer
        let rejected: Answer
        let command: Answer
        let jobID: String
        let lines: [[String: Any]]
    }

    /// Runs the demo exporting to `endpoint` over `transport`, sends `count` requests, one continuing a caller's
    /// trace, one rejected and one command whose background job fails, stops it with SIGTERM once the job has
    /// finished, and returns its answers and log lines.
    private func runDemo(server: DemoServer, endpoint: String, transport: String, count: Int, callerTrace: String) async throws -> Run {
        let demo = try ChildProcess(
            arguments: ["--server", server.rawValue, "--port", "0", "--job-step-milliseconds", "5"],
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
                "OTEL_EXPORTER_OTLP_PROTOCOL": transport,
                // Phoenix receives traces only.
                "OTEL_LOGS_EXPORTER": "none",
                "OTEL_METRICS_EXPORTER": "none",
            ]
        )
        let started = try json(try await demo.waitForLine { $0.contains("\"server_started\"") })
        let port = try #require(started["port"] as? Int)
        var listed: [Answer] = []
        for _ in 0..<count { listed.append(try await request(port, "GET", "/v1/jobs")) }
        let continued = try await request(port, "GET", "/v1/jobs", traceparent: "00-\(callerTrace)-00f067aa0ba902b7-01")
        let rejected = try await request(port, "POST", "/v1/commands", body: #"{"kind":"poetry","prompt":"x"}"#)
        let command = try await request(port, "POST", "/v1/commands", body: #"{"kind":"research","prompt":"please fail this one"}"#)
        let jobID = try #require((try JSONSerialization.jsonObject(with: command.body) as? [String: Any])?["id"] as? String)
        _ = try await demo.waitForLine { $0.contains("\"job_completed\"") && $0.contains(jobID) }
        // Every span is still in the batch processor (it exports every 5 s): SIGTERM must send them all.
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
        return Run(listed: listed, continued: continued, rejected: rejected, command: command, jobID: jobID, lines: try demo.lines.map(json))
    }

    @Test(arguments: DemoServer.allCases)
    func theDemoExportsItsSpansToPhoenixOverHTTPAndGRPC(server: DemoServer) async throws {
        let phoenix = try await PhoenixServer()
        defer { phoenix.stop() }

        for (transport, endpoint, callerTrace) in [
            ("http/protobuf", "http://127.0.0.1:\(phoenix.httpPort)", "4bf92f3577b34da6a3ce929d0e0e4736"),
            ("grpc", "http://127.0.0.1:\(phoenix.grpcPort)", "5cf92f3577b34da6a3ce929d0e0e4737"),
        ] {
            let count = 25
            let run = try await runDemo(server: server, endpoint: endpoint, transport: transport, count: count, callerTrace: callerTrace)
            // The job runs in a trace of its own; its log lines carry that trace's id.
            let jobLines = run.lines.filter { $0["job_id"] as? String == run.jobID }
            let jobTrace = try #require(jobLines.first { $0["message"] as? String == "job_started" }?["trace_id"] as? String)
            let expected = Set(run.listed.map(\.traceID) + [run.continued.traceID, run.rejected.traceID, run.command.traceID, jobTrace])
            #expect(expected.count == count + 4, "every request and the job have a trace of their own")

            // Phoenix stores spans as they come: the job's trace may be listed before its root span is.
            let spans = try await phoenix.spans { spans in
                expected.isSubset(of: Set(spans.map(\.traceID))) && spans.contains { $0.traceID == jobTrace && $0.name == "job research" }
            }
            let byTrace = Dictionary(grouping: spans.filter { expected.contains($0.traceID) }, by: \.traceID)

            // Names, attributes and the trace ids the demo answered with.
            for answer in run.listed {
                let span = try #require(byTrace[answer.traceID]?.first, "\(transport): no span for \(answer.traceID)")
                #expect(span.name == "GET /v1/jobs")
                #expect(span.parentID == nil)
                #expect(span.attributes["http.route"] as? String == "/v1/jobs")
                #expect(span.attributes["http.request.method"] as? String == "GET")
                #expect(span.attributes["http.response.status_code"] as? Int == 200)
                #expect(span.attributes["url.path"] as? String == "/v1/jobs")
            }
            // The caller's trace continues: same trace id, its span as the parent.
            #expect(run.continued.traceID == callerTrace)
            let continued = try #require(byTrace[callerTrace]?.first)
            #expect(continued.parentID == "00f067aa0ba902b7")
            // A rejected request: its status and the error recorded as an exception event.
            #expect(run.rejected.status == 400)
            let rejected = try #require(byTrace[run.rejected.traceID]?.first)
            #expect(rejected.name == "POST /v1/commands")
            #expect(rejected.attributes["http.response.status_code"] as? Int == 400)
            #expect(rejected.eventNames.contains("exception"))

            // The background job: its span, failed with error status, and its log lines naming the request.
            let job = try #require(byTrace[jobTrace]?.first { $0.name == "job research" })
            #expect(job.parentID == nil)
            #expect(job.statusCode == "ERROR")
            #expect(job.attributes["job.id"] as? String == run.jobID)
            #expect(job.eventNames.contains("exception"))
            let commandLine = try #require(run.lines.first { $0["message"] as? String == "request_completed" && $0["trace_id"] as? String == run.command.traceID })
            #expect(jobLines.count >= 4, "job_created, job_started, job_progress…, job_completed")
            for line in jobLines {
                #expect(line["request_id"] as? String == commandLine["request_id"] as? String)
                // job_created is written by the request; the rest by the job, in its own trace.
                let created = line["message"] as? String == "job_created"
                #expect(line["trace_id"] as? String == (created ? run.command.traceID : jobTrace))
            }

            // The request_completed line of each request carries the ids of the span Phoenix received.
            let completed = run.lines.filter { $0["message"] as? String == "request_completed" }
            #expect(completed.count == count + 3)
            for line in completed {
                let traceID = try #require(line["trace_id"] as? String)
                let span = try #require(byTrace[traceID]?.first, "\(transport): logged trace \(traceID) not in Phoenix")
                #expect(line["span_id"] as? String == span.spanID)
            }
        }
    }

    /// The value of one `spyglass_spans_dropped_total` series on the demo's /metrics.
    private func droppedSpans(_ port: Int, reason: String) async throws -> Double {
        let (body, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let prefix = "spyglass_spans_dropped_total{reason=\"\(reason)\"} "
        let line = try #require(String(decoding: body, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(prefix) })
        return try #require(Double(line.dropFirst(prefix.count)))
    }

    @Test func spansLostWhileTheCollectorIsDownAreCountedAndExportResumesWhenItReturns() async throws {
        // The collector's port, closed until Phoenix starts on it.
        let collectorPort = try Peers.freeLoopbackPort()
        let demo = try ChildProcess(
            arguments: ["--port", "0"],
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                "OTEL_LOGS_EXPORTER": "none",
                "OTEL_METRICS_EXPORTER": "none",
                "OTEL_BSP_SCHEDULE_DELAY": "200",
                // AsyncHTTPClient keeps retrying a refused connection until the export times out.
                "OTEL_EXPORTER_OTLP_TIMEOUT": "1000",
            ]
        )
        let started = try json(try await demo.waitForLine { $0.contains("\"server_started\"") })
        let port = try #require(started["port"] as? Int)

        let lost = 20
        for _ in 0..<lost {
            #expect(try await request(port, "GET", "/v1/jobs").status == 200, "requests are answered while the collector is down")
        }
        let warning = try json(try await demo.waitForLine { $0.contains("\"spans_dropped\"") })
        #expect(warning["level"] as? String == "warning")
        #expect(warning["reason"] as? String == "export_failed")
        // Every lost span is counted, though the per-batch warnings are folded into one per 10 s.
        let deadline = ContinuousClock.now + .seconds(60)
        while try await droppedSpans(port, reason: "export_failed") < Double(lost), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await droppedSpans(port, reason: "export_failed") == Double(lost))
        #expect(try await droppedSpans(port, reason: "queue_full") == 0)
        #expect(demo.lines.filter { $0.contains("\"spans_dropped\"") }.count == 1)
        #expect(!demo.lines.contains { $0.contains("Failed to export batch") })

        let phoenix = try await PhoenixServer(httpPort: collectorPort)
        defer { phoenix.stop() }
        var recovered: Set<String> = []
        for _ in 0..<5 { recovered.insert(try await request(port, "GET", "/v1/jobs").traceID) }
        let spans = try await phoenix.spans { spans in recovered.isSubset(of: Set(spans.map(\.traceID))) }
        #expect(spans.filter { recovered.contains($0.traceID) }.allSatisfy { $0.name == "GET /v1/jobs" })
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
    }
}
