import Foundation
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The demo exports its log lines and metrics over OTLP/HTTP to a real receiver, oteltap, started here, which prints
/// every span, log record and metric it decodes as one JSON line.
@Suite struct OTLPLogsAndMetricsTests {
    /// An OTLP attribute list as oteltap prints it, as a dictionary of its string and number values.
    private func attributes(_ object: Any?) -> [String: String] {
        var result: [String: String] = [:]
        for attribute in object as? [[String: Any]] ?? [] {
            guard let key = attribute["key"] as? String, let value = attribute["value"] as? [String: Any], let first = value.first else { continue }
            result[key] = "\(first.value)"
        }
        return result
    }

    private func json(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    @Test func logLinesAndMetricsReachTheCollectorRedactedAndWithTheirTrace() async throws {
        let collectorPort = try Peers.freeLoopbackPort()
        let tap = try ChildProcess(
            executable: URL(fileURLWithPath: try Peers.oteltap),
            arguments: ["--port", String(collectorPort)],
            environment: ["PYTHONUNBUFFERED": "1"]
        )
        // SIGKILL: the test process's blocked SIGTERM is inherited, and oteltap keeps nothing.
        defer { kill(tap.process.processIdentifier, SIGKILL) }
        _ = try await tap.waitForLine(timeout: .seconds(300)) { $0.contains("Listening for OTLP/HTTP telemetry") }

        let demo = try ChildProcess(
            arguments: ["--port", "0", "--job-step-milliseconds", "5"],
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                // Spans go there too: a log record carries the trace id of the exported span it was written in.
                "OTEL_BSP_SCHEDULE_DELAY": "200",
                "OTEL_BLRP_SCHEDULE_DELAY": "200",
                "OTEL_METRIC_EXPORT_INTERVAL": "500",
            ]
        )
        let started = try #require(json(try await demo.waitForLine { $0.contains("\"server_started\"") }))
        let port = try #require(started["port"] as? Int)

        let secret = "sk-proj-" + String(repeating: "AbCd3fGh", count: 6)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/echo/\(secret)")!)
        request.setValue("tap-request-1", forHTTPHeaderField: "X-Request-ID")
        let (_, response) = try await URLSession.shared.data(for: request)
        let traceID = try #require((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "X-Trace-ID"))
        _ = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/v1/echo/plain")!)

        // The access-log line of the first request, as a log record with its attributes and the request's trace.
        let completedLine = try await tap.waitForLine { line in
            line.contains("\"request_completed\"") && line.contains("tap-request-1")
        }
        let completed = try #require(json(completedLine))
        let fields = attributes(completed["attributes"])
        #expect(fields["request_id"] == "tap-request-1")
        #expect(fields["endpoint"] == "/v1/echo/{word}")
        #expect(fields["status"] == "200")
        #expect((completed["traceId"] as? String)?.lowercased() == traceID)
        #expect(completed["severityNumber"] as? Int == 9, "INFO")

        // The handler's own line, with the credential in its metadata hidden as on standard output.
        let echoed = try #require(json(try await tap.waitForLine { $0.contains("\"echo_requested\"") }))
        #expect(attributes(echoed["attributes"])["word"] == "[REDACTED]")

        // The RED metrics the middleware records into the registry, mirrored: two requests on the route.
        let countLine = try await tap.waitForLine { line in
            guard line.hasPrefix("{\"name\":\"http_requests\"") else { return false }
            return line.contains("/v1/echo/{word}") && line.contains("\"asDouble\":2.0")
        }
        let counter = try #require(json(countLine)?["sum"] as? [String: Any])
        #expect(counter["isMonotonic"] as? Bool == true)
        let point = try #require((counter["dataPoints"] as? [[String: Any]])?.first { attributes($0["attributes"])["endpoint"] == "/v1/echo/{word}" })
        #expect(attributes(point["attributes"]) == ["method": "GET", "endpoint": "/v1/echo/{word}", "status": "200"])
        // Exports are cumulative: a later one holds both requests even when the first export came between them.
        let durationLine = try await tap.waitForLine { line in
            guard line.hasPrefix("{\"name\":\"http_request_duration_seconds\""),
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let histogram = object["exponentialHistogram"] as? [String: Any]
            else { return false }
            return (histogram["dataPoints"] as? [[String: Any]] ?? []).compactMap { Int("\($0["count"] ?? "")") }.reduce(0, +) >= 2
        }
        let histogram = try #require(json(durationLine)?["exponentialHistogram"] as? [String: Any])
        #expect((histogram["dataPoints"] as? [[String: Any]])?.isEmpty == false)
        // At the native histograms' resolution (schema 5, OTLP's scale), which two requests do not lower.
        let scales = (histogram["dataPoints"] as? [[String: Any]] ?? []).compactMap { $0["scale"] as? Int }
        #expect(!scales.isEmpty && scales.allSatisfy { $0 == 5 }, "scales \(scales)")

        // A background job: its span starts a trace of its own linked to the request's span (Phoenix's API lists no
        // links; oteltap prints them), and its log records name the request and the job.
        var command = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/commands")!)
        command.httpMethod = "POST"
        command.httpBody = Data(#"{"kind":"research","prompt":"summarise"}"#.utf8)
        command.setValue("application/json", forHTTPHeaderField: "Content-Type")
        command.setValue("tap-command-1", forHTTPHeaderField: "X-Request-ID")
        let (_, commandResponse) = try await URLSession.shared.data(for: command)
        let commandTrace = try #require((commandResponse as? HTTPURLResponse)?.value(forHTTPHeaderField: "X-Trace-ID"))
        let job = try #require(json(try await tap.waitForLine { $0.contains("\"name\":\"job research\"") }))
        let commandSpan = try #require(json(try await tap.waitForLine { $0.contains("\"name\":\"POST /v1/commands\"") }))
        let link = try #require((job["links"] as? [[String: Any]])?.first)
        #expect((link["traceId"] as? String)?.lowercased() == commandTrace)
        #expect(link["spanId"] as? String == commandSpan["spanId"] as? String)
        #expect((job["traceId"] as? String)?.lowercased() != commandTrace, "a trace of its own")
        let jobDone = try #require(json(try await tap.waitForLine { $0.contains("\"job_completed\"") }))
        #expect(attributes(jobDone["attributes"])["request_id"] == "tap-command-1")
        #expect(jobDone["traceId"] as? String == job["traceId"] as? String)

        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
        // Nor does the span, whose url.path held it.
        let span = try #require(json(try await tap.waitForLine { $0.contains("\"name\":\"GET /v1/echo/{word}\"") }))
        #expect(attributes(span["attributes"])["url.path"] == "/v1/echo/[REDACTED]")
        #expect(!tap.lines.contains { $0.contains(secret) }, "no record carries the credential")
        #expect(!demo.lines.contains { $0.contains(secret) })
    }

    /// A job still running at SIGTERM: shutdown waits for it once the server has drained, so it completes and its
    /// span reaches the collector; with no time to wait (`SPYGLASS_SHUTDOWN_JOBS_TIMEOUT_MS=0`) it is cancelled, and
    /// its span, ended `cancelled`, is still sent.
    @Test(arguments: DemoServer.allCases)
    func aJobRunningAtShutdownEndsBeforeTheExportStops(server: DemoServer) async throws {
        let collectorPort = try Peers.freeLoopbackPort()
        let tap = try ChildProcess(
            executable: URL(fileURLWithPath: try Peers.oteltap),
            arguments: ["--port", String(collectorPort)],
            environment: ["PYTHONUNBUFFERED": "1"]
        )
        defer { kill(tap.process.processIdentifier, SIGKILL) }
        _ = try await tap.waitForLine(timeout: .seconds(300)) { $0.contains("Listening for OTLP/HTTP telemetry") }

        for (timeout, status) in [("60000", "completed"), ("0", "cancelled")] {
            let demo = try ChildProcess(
                arguments: ["--server", server.rawValue, "--port", "0", "--job-step-milliseconds", "1000"],
                environment: [
                    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)",
                    "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                    "OTEL_LOGS_EXPORTER": "none",
                    "OTEL_METRICS_EXPORTER": "none",
                    "SPYGLASS_SHUTDOWN_JOBS_TIMEOUT_MS": timeout,
                ]
            )
            let started = try #require(json(try await demo.waitForLine { $0.contains("\"server_started\"") }))
            let port = try #require(started["port"] as? Int)
            var command = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/commands")!)
            command.httpMethod = "POST"
            command.httpBody = Data(#"{"kind":"research","prompt":"summarise"}"#.utf8)
            command.setValue("application/json", forHTTPHeaderField: "Content-Type")
            let (body, _) = try await URLSession.shared.data(for: command)
            let jobID = try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["id"] as? String)
            // Its first progress: the job is then in a one-second step, which cancellation interrupts.
            _ = try await demo.waitForLine { $0.contains("\"job_progress\"") && $0.contains(jobID) }

            demo.process.terminate()
            #expect(await demo.waitForExit() == 0)
            let completed = try #require(demo.lines.compactMap(json).first { $0["message"] as? String == "job_completed" && $0["job_id"] as? String == jobID })
            #expect(completed["status"] as? String == status, "timeout \(timeout) ms")
            #expect(demo.lines.contains { $0.contains("\"jobs_cancelled_at_shutdown\"") } == (status == "cancelled"))
            let span = try #require(json(try await tap.waitForLine { line in
                line.contains("\"name\":\"job research\"") && line.contains(jobID)
            }))
            #expect(attributes(span["attributes"])["job.status"] == status)
            #expect((span["traceId"] as? String)?.lowercased() == completed["trace_id"] as? String)
        }
    }
}
