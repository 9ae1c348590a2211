import Foundation
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite(.serialized) struct DemoServiceTests {
    private func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
    }

    @Test(arguments: DemoServer.allCases)
    func logsJSONWithRequestContextAndShutsDownCleanlyOnSIGTERM(server: DemoServer) async throws {
        let demo = try ChildProcess(arguments: ["--server", server.rawValue, "--host", "127.0.0.1", "--port", "0"], environment: ["SPYGLASS_ENVIRONMENT": "ci"])
        let started = try json(try await demo.waitForLine { $0.contains("\"server_started\"") })
        let port = try #require(started["port"] as? Int)
        #expect(port > 0)

        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/v1/echo/hello")!)
        #expect(String(decoding: body, as: UTF8.self) == "hello")
        let requestID = try #require((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "X-Request-ID"))
        _ = try await demo.waitForLine { $0.contains("\"request_completed\"") }

        demo.process.terminate()  // SIGTERM
        #expect(await demo.waitForExit() == 0)

        let lines = try demo.lines.map(json)
        for line in lines {
            #expect(line["service"] as? String == "spyglass-demo")
            #expect(line["environment"] as? String == "ci")
            #expect(line["version"] as? String == "0.1.0")
            #expect(line["timestamp"] is String && line["level"] is String && line["logger"] is String)
        }
        let echo = try #require(lines.first { $0["message"] as? String == "echo_requested" })
        #expect(echo["request_id"] as? String == requestID)
        #expect(echo["word"] as? String == "hello")
        let completed = try #require(lines.first { $0["message"] as? String == "request_completed" })
        #expect(completed["request_id"] as? String == requestID)
        #expect(completed["status"] as? Int == 200)
        #expect(completed["path"] as? String == "/v1/echo/hello")
        #expect((completed["duration_ms"] as? Double).map { $0 >= 0 } == true)
        // The last line is written during shutdown, after the server drained: flushing lost nothing.
        #expect(lines.last?["message"] as? String == "shutdown_complete")
    }

    @Test(arguments: DemoServer.allCases)
    func servesMetricsFromTheRegistryInBothFormats(server: DemoServer) async throws {
        let demo = try ChildProcess(arguments: ["--server", server.rawValue, "--port", "0"], environment: ["SPYGLASS_METRICS_NAMESPACE": "demo"])
        let started = try json(try await demo.waitForLine { $0.contains("\"server_started\"") })
        let port = try #require(started["port"] as? Int)
        let metricsURL = URL(string: "http://127.0.0.1:\(port)/metrics")!
        _ = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/v1/echo/metrics")!)

        let (textBody, textResponse) = try await URLSession.shared.data(from: metricsURL)
        let text = String(decoding: textBody, as: UTF8.self)
        #expect((textResponse as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        // The Spyglass middleware's counter, namespaced.
        #expect(text.contains(#"demo_http_requests_total{method="GET",endpoint="/v1/echo/{word}",status="200"} 1"#))
        #expect(text.contains(#"demo_app_info{service="spyglass-demo",version="0.1.0",environment="development"} 1"#))
        #expect(text.contains("\nprocess_resident_memory_bytes "))
        #expect(text.contains(#"demo_spyglass_log_events_dropped_total{reason="sampling"} 0"#))
        let promtool = try await Peers.run(Peers.promtool, ["check", "metrics"], input: Array(textBody))
        #expect(promtool.status == 0, "promtool: \(promtool.standardOutput) \(promtool.standardError)")

        var request = URLRequest(url: metricsURL)
        request.setValue("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5", forHTTPHeaderField: "Accept")
        let (openMetricsBody, openMetricsResponse) = try await URLSession.shared.data(for: request)
        #expect((openMetricsResponse as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("application/openmetrics-text") == true)
        #expect(String(decoding: openMetricsBody, as: UTF8.self).hasSuffix("# EOF\n"))

        // What Prometheus with native histograms asks for: delimited MetricFamily messages, binary and whole.
        request.setValue(
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,text/plain;version=0.0.4;q=0.5",
            forHTTPHeaderField: "Accept")
        let (protobufBody, protobufResponse) = try await URLSession.shared.data(for: request)
        #expect((protobufResponse as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("application/vnd.google.protobuf") == true)
        let families = try await ProtobufExpositionDecoder.decode(Array(protobufBody))
        let names = families.compactMap { $0["name"] as? String }
        #expect(names.contains("demo_http_requests_total") && names.contains("demo_http_request_duration_seconds"), "\(names)")
        let duration = families.first { $0["name"] as? String == "demo_http_request_duration_seconds" }
        let histogram = ((duration?["metric"] as? [[String: Any]])?.first?["histogram"] as? [String: Any]) ?? [:]
        #expect(histogram["schema"] as? Int == 5 && (histogram["positive_span"] as? [Any])?.isEmpty == false, "\(histogram)")

        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
    }

    @Test(arguments: DemoServer.allCases)
    func jobsRunInTheBackgroundWithTheCreatingRequestsIDs(server: DemoServer) async throws {
        let demo = try ChildProcess(arguments: ["--server", server.rawValue, "--port", "0", "--job-step-milliseconds", "5"], environment: [:])
        let started = try json(try await demo.waitForLine { $0.contains("\"server_started\"") })
        let port = try #require(started["port"] as? Int)
        let base = "http://127.0.0.1:\(port)"

        var request = URLRequest(url: URL(string: "\(base)/v1/commands")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("req-jobs-1", forHTTPHeaderField: "X-Request-ID")
        request.httpBody = Data(#"{"kind":"research","prompt":"observability in Swift"}"#.utf8)
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 202)
        let job = try json(String(decoding: body, as: UTF8.self))
        let id = try #require(job["id"] as? String)
        #expect(job["status"] as? String == "queued" || job["status"] as? String == "running")

        let completed = try json(try await demo.waitForLine { $0.contains("\"job_completed\"") && $0.contains(id) })
        #expect(completed["status"] as? String == "completed")
        #expect(completed["request_id"] as? String == "req-jobs-1")
        let (finished, _) = try await URLSession.shared.data(from: URL(string: "\(base)/v1/jobs/\(id)")!)
        let finishedJob = try json(String(decoding: finished, as: UTF8.self))
        #expect(finishedJob["status"] as? String == "completed")
        #expect(finishedJob["progress"] as? Double == 1)

        request.httpBody = Data(#"{"kind":"poetry","prompt":"x"}"#.utf8)
        let (rejected, rejectedResponse) = try await URLSession.shared.data(for: request)
        #expect((rejectedResponse as? HTTPURLResponse)?.statusCode == 400)
        #expect(String(decoding: rejected, as: UTF8.self).contains("not one of research, creative"))
        var delete = URLRequest(url: URL(string: "\(base)/v1/jobs/job_missing")!)
        delete.httpMethod = "DELETE"
        #expect((try await URLSession.shared.data(for: delete).1 as? HTTPURLResponse)?.statusCode == 404)

        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
        let lifecycle = try demo.lines.map(json).filter { $0["job_id"] as? String == id }.compactMap { $0["message"] as? String }
        #expect(lifecycle.first == "job_created")
        #expect(lifecycle.contains("job_started"))
        #expect(lifecycle.filter { $0 == "job_progress" }.count == 5)
        #expect(lifecycle.last == "job_completed")
    }

    /// A 5xx's line carries the user the demo's authentication stand-in bound outside Spyglass's middleware, and the
    /// request's headers with the credential's value replaced.
    @Test(arguments: DemoServer.allCases)
    func aFailedRequestsLineCarriesItsUserAndRedactedHeaders(server: DemoServer) async throws {
        let demo = try ChildProcess(arguments: ["--server", server.rawValue, "--port", "0"], environment: ["SPYGLASS_LOG_SAMPLING": "off"])
        let started = try json(try await demo.waitForLine { $0.contains("\"server_started\"") })
        let port = try #require(started["port"] as? Int)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/chat")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("user-7", forHTTPHeaderField: "X-User-ID")
        request.setValue("Bearer sk-live-0a1b2c3d4e5f6a7b8c9d", forHTTPHeaderField: "Authorization")
        request.setValue("req-failing-1", forHTTPHeaderField: "X-Request-ID")
        request.httpBody = Data(#"{"message":"overload check"}"#.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 502)

        let line = try json(try await demo.waitForLine { $0.contains("\"request_completed\"") && $0.contains("req-failing-1") })
        #expect(line["level"] as? String == "error" && line["status"] as? Int == 502)
        #expect(line["user_id"] as? String == "user-7")
        let headers = try #require(line["request_headers"] as? [String: Any], "\(line)")
        #expect(headers["x-user-id"] as? String == "user-7")
        #expect(headers["content-type"] as? String == "application/json")
        #expect(headers["authorization"] as? String == "[REDACTED]")
        #expect(!demo.lines.joined().contains("sk-live-0a1b2c3d4e5f6a7b8c9d"))
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
    }

    @Test(arguments: DemoServer.allCases)
    func jobListsArePagedNewestFirstAndBadParametersAreRefused(server: DemoServer) async throws {
        let demo = try ChildProcess(arguments: ["--server", server.rawValue, "--port", "0", "--job-step-milliseconds", "0"], environment: [:])
        let started = try json(try await demo.waitForLine { $0.contains("\"server_started\"") })
        let base = "http://127.0.0.1:\(try #require(started["port"] as? Int))"
        var created: [String] = []
        for number in 1...5 {
            var request = URLRequest(url: URL(string: "\(base)/v1/commands")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"kind":"creative","prompt":"picture \#(number)","wait":true}"#.utf8)
            let (body, _) = try await URLSession.shared.data(for: request)
            created.append(try #require(try json(String(decoding: body, as: UTF8.self))["id"] as? String))
        }
        var listed: [String] = []
        var query = "limit=2"
        var pages = 0
        while true {
            let (body, response) = try await URLSession.shared.data(from: URL(string: "\(base)/v1/jobs?\(query)")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let page = try json(String(decoding: body, as: UTF8.self))
            let jobs = try #require(page["jobs"] as? [[String: Any]])
            #expect(jobs.count <= 2)
            listed += jobs.compactMap { $0["id"] as? String }
            pages += 1
            guard let cursor = page["next_cursor"] as? String else { break }
            query = "limit=2&cursor=\(cursor)"
        }
        #expect(listed == created.reversed(), "newest first, each job once")
        #expect(pages == 3)

        let refused = [
            ("limit=0", #"limit=\"0\" is not allowed: expected a whole number from 1 to 500"#),
            ("limit=many", #"limit=\"many\" is not allowed: expected a whole number from 1 to 500"#),
            ("limit=501", #"limit=\"501\" is not allowed: expected a whole number from 1 to 500"#),
            ("cursor=-3", #"cursor=\"-3\" is not allowed: expected the next_cursor of an earlier page"#),
            ("after=job_1", #"parameter \"after\" is not allowed: expected limit or cursor"#),
        ]
        for (query, message) in refused {
            let (body, response) = try await URLSession.shared.data(from: URL(string: "\(base)/v1/jobs?\(query)")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 400, "\(query)")
            #expect(String(decoding: body, as: UTF8.self).contains(message), "\(query): \(String(decoding: body, as: UTF8.self))")
        }
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
    }

    @Test(arguments: DemoServer.allCases)
    func sigtermDrainsARequestInFlightBeforeExiting(server: DemoServer) async throws {
        let demo = try ChildProcess(arguments: ["--server", server.rawValue, "--port", "0", "--job-step-milliseconds", "200"], environment: [:])
        let started = try json(try await demo.waitForLine { $0.contains("\"server_started\"") })
        let port = try #require(started["port"] as? Int)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/commands")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"kind":"research","prompt":"slow","wait":true}"#.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        // The request takes about a second (five 200 ms steps); SIGTERM arrives while it runs.
        async let answer = URLSession.shared.data(for: request)
        _ = try await demo.waitForLine { $0.contains("\"job_started\"") }
        demo.process.terminate()
        let (body, response) = try await answer
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(try json(String(decoding: body, as: UTF8.self))["status"] as? String == "completed")
        #expect(await demo.waitForExit() == 0)
        let messages = try demo.lines.map(json).compactMap { $0["message"] as? String }
        #expect(messages.contains("request_completed"))
        #expect(messages.last == "shutdown_complete")
    }

    @Test func anInvalidSettingStopsStartUpWithOneLine() async throws {
        let demo = try ChildProcess(arguments: ["--port", "0"], environment: ["SPYGLASS_LOG_FORMAT": "xml"])
        #expect(await demo.waitForExit() == 2)
        #expect(demo.lines.isEmpty)
        let stderr = demo.standardError
        #expect(stderr == "spyglass-demo: SPYGLASS_LOG_FORMAT=\"xml\" is invalid: expected one of json, console\n")
    }

    @Test func aPriceFileFromTheEnvironmentOverridesTheTableAndABadOneStopsStartUp() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.json")
        try Data(#"{"format":"spyglass.prices/1","models":[{"provider":"simulator","model":"sim-1","match":["sim-1"],"usd_per_million_tokens":{"input":"cheap","output":1}}]}"#.utf8).write(to: bad)
        let refused = try ChildProcess(arguments: ["--port", "0"], environment: ["SPYGLASS_LLM_PRICES": bad.path])
        #expect(await refused.waitForExit() == 2)
        #expect(refused.lines.isEmpty)
        let message = refused.standardError
        #expect(message.hasPrefix("spyglass-demo: SPYGLASS_LLM_PRICES=\"\(bad.path)\" is invalid: expected a readable spyglass.prices/1 file"), "\(message)")
        #expect(message.contains("models[0].usd_per_million_tokens.input"), "\(message)")
        #expect(message.split(separator: "\n").count == 1)

        // $1,000 per million input tokens and nothing for output: the cost is the prompt tokens / 1,000.
        let good = directory.appendingPathComponent("prices.json")
        try Data(#"{"format":"spyglass.prices/1","models":[{"provider":"simulator","model":"sim-1","match":["sim-1"],"usd_per_million_tokens":{"input":1000,"output":0}}]}"#.utf8).write(to: good)
        let demo = try ChildProcess(arguments: ["--port", "0"], environment: ["SPYGLASS_LLM_PRICES": good.path])
        let started = try json(try await demo.waitForLine { $0.contains("\"server_started\"") })
        let port = try #require(started["port"] as? Int)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/chat")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"message":"what ran?"}"#.utf8)
        let (body, _) = try await URLSession.shared.data(for: request)
        let inputTokens = try #require(try json(String(decoding: body, as: UTF8.self))["inputTokens"] as? Int)
        let (metrics, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let text = String(decoding: metrics, as: UTF8.self)
        #expect(text.contains(#"llm_cost_usd_total{provider="simulator",model="sim-1"} \#(Double(inputTokens) / 1000)"#), "\(text)")
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
    }

    @Test func portComesFromTheEnvironmentWhenNotGiven() async throws {
        let demo = try ChildProcess(arguments: [], environment: ["PORT": "not-a-port"])
        #expect(await demo.waitForExit() == 2)
        #expect(demo.standardError.contains("PORT=\"not-a-port\" is invalid"))
    }
}
