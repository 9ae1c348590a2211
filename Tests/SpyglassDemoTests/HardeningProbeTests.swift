import Foundation
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The adversarial pass over the demo, kept as tests: hostile configuration, a log reader and a collector that stop
/// answering, SIGTERM under slow requests, the dashboard without its token, and traffic meant to grow the service.
@Suite struct HardeningProbeTests {
    private func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
    }

    private func residentBytes(of process: Process) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])) * 1024
    }

    private func status(_ url: String, timeout: TimeInterval = 60) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = timeout
        let (body, response) = try await URLSession.shared.data(for: request)
        return (try #require(response as? HTTPURLResponse).statusCode, String(decoding: body, as: UTF8.self))
    }

    /// A value that is wrong for each variable of README's configuration table; free-text variables take any text.
    static let badValues: [String: String] = [
        "SPYGLASS_LOG_LEVEL": "loud", "LOG_LEVEL": "loud", "SPYGLASS_LOG_FORMAT": "xml", "SPYGLASS_LOG_LEVELS": "hummingbird",
        "SPYGLASS_LOG_SOURCE": "maybe", "SPYGLASS_LOG_SAMPLING": "first=-1,thereafter=1,interval=1s",
        "SPYGLASS_LOG_MAX_VALUE_BYTES": "9223372036854775807", "SPYGLASS_LOG_REDACTION": "sometimes",
        "SPYGLASS_STORE_LOG_LINES": "4000000000", "SPYGLASS_STORE_LOG_BYTES": "lots", "SPYGLASS_STORE_SPANS": "999999999999",
        "SPYGLASS_STORE_SPAN_BYTES": "0", "SPYGLASS_DASHBOARD": "maybe", "SPYGLASS_DASHBOARD_TOKEN": "short",
        "SPYGLASS_METRICS_NAMESPACE": "my-app", "SPYGLASS_METRICS_SERIES_LIMIT": "0", "SPYGLASS_SHUTDOWN_DELAY_MS": "99999999999",
        "SPYGLASS_SHUTDOWN_JOBS_TIMEOUT_MS": "10s", "SPYGLASS_METRICS_NATIVE_HISTOGRAMS": "sparse",
        "SPYGLASS_METRICS_NATIVE_HISTOGRAM_SCHEMA": "9", "SPYGLASS_METRICS_NATIVE_HISTOGRAM_MAX_BUCKETS": "1e6",
        "OTEL_TRACES_SAMPLER": "sometimes", "OTEL_TRACES_SAMPLER_ARG": "2", "OTEL_SDK_DISABLED": "perhaps",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "not a url", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "ftp://collector",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "collector:4318", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "::",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "carrier-pigeon", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "smoke-signals",
        "OTEL_EXPORTER_OTLP_HEADERS": "novalue", "OTEL_PROPAGATORS": "b3",
        "OTEL_EXPORTER_OTLP_TIMEOUT": "9223372036854775807", "OTEL_TRACES_EXPORTER": "zipkin", "OTEL_LOGS_EXPORTER": "file",
        "OTEL_METRICS_EXPORTER": "prometheus", "SPYGLASS_LLM_PRICES": "/nonexistent/prices.json",
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "yes please", "SPYGLASS_LLM_CONTENT_MAX_CHARS": "3",
        "SPYGLASS_LLM_BUDGETS": "*=10/week",
        "OTEL_BSP_SCHEDULE_DELAY": "5s", "OTEL_BSP_EXPORT_TIMEOUT": "0", "OTEL_BSP_MAX_QUEUE_SIZE": "9223372036854775807",
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "-512", "OTEL_BLRP_SCHEDULE_DELAY": "999999999", "OTEL_BLRP_EXPORT_TIMEOUT": "never",
        "OTEL_BLRP_MAX_QUEUE_SIZE": "0", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": "4096",
        "OTEL_EXPORTER_OTLP_CERTIFICATE": "/etc/ssl/ca.pem", "OTEL_EXPORTER_OTLP_CLIENT_KEY": "/etc/ssl/key.pem",
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": "/etc/ssl/client.pem", "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE": "/ca.pem",
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY": "/key.pem", "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE": "/client.pem",
        "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE": "/ca.pem", "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY": "/key.pem",
        "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE": "/client.pem", "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
        "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "zstd", "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION": "brotli",
        "SENTRY_DSN": "https://0bb30952d619406484287374d50d5d91@/42", "SENTRY_SAMPLE_RATE": "2",
    ]
    static let freeText: Set = [
        "SPYGLASS_SERVICE_NAME", "OTEL_SERVICE_NAME", "SPYGLASS_ENVIRONMENT", "APP_ENV", "SPYGLASS_VERSION", "APP_VERSION",
        "SPYGLASS_LOG_REDACT_KEYS", "SPYGLASS_LOG_ALLOW_KEYS", "SENTRY_ENVIRONMENT", "SENTRY_RELEASE",
    ]

    /// Every variable of README's table, as its first column names them.
    static func tableVariables() throws -> Set<String> {
        let readme = try String(contentsOf: Peers.repository.appendingPathComponent("README.md"), encoding: .utf8)
        var names: Set<String> = []
        for line in readme.split(separator: "\n") where line.hasPrefix("| `SPYGLASS_") || line.hasPrefix("| `OTEL_") || line.hasPrefix("| `SENTRY_") {
            let firstColumn = line.split(separator: "|")[0]
            for match in firstColumn.matches(of: /`(…_)?([A-Z][A-Z0-9_]+)`/) {
                names.insert(match.output.1 == nil ? String(match.output.2) : "OTEL_EXPORTER_OTLP_" + match.output.2)
            }
        }
        return names
    }

    @Test func everyVariableInREADMEsTableRefusesABadValueInOneLine() async throws {
        let variables = try Self.tableVariables()
        #expect(variables.count >= 40, "\(variables.sorted())")
        #expect(variables.subtracting(Self.freeText).subtracting(Self.badValues.keys).isEmpty, "variables without a probe")
        for (variable, value) in Self.badValues.sorted(by: { $0.key < $1.key }) {
            let demo = try ChildProcess(arguments: ["--port", "0"], environment: [variable: value])
            #expect(await demo.waitForExit() == 2, "\(variable)=\(value)")
            #expect(demo.lines.isEmpty, "\(variable)")
            let message = demo.standardError
            #expect(message.hasPrefix("spyglass-demo: \(variable)="), "\(variable): \(message)")
            #expect(message.hasSuffix("\n") && message.dropLast().split(separator: "\n").count == 1, "\(variable): \(message)")
            #expect(!message.contains("0bb30952d619406484287374d50d5d91"), "a refused DSN is named without its key: \(message)")
        }
        // Free text, however hostile, is written as JSON text on every line.
        let hostile = "svc\"\\\n\u{1}</script>" + String(repeating: "x", count: 10_000)
        let demo = try ChildProcess(arguments: ["--port", "0"], environment: ["SPYGLASS_SERVICE_NAME": hostile, "SPYGLASS_VERSION": "1\n2"])
        let started = try json(try await demo.waitForLine { $0.contains("\"server_started\"") })
        #expect((started["service"] as? String)?.hasPrefix("svc\"\\\n\u{1}</script>") == true)
        #expect(started["version"] as? String == "1\n2")
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
    }

    /// Standard output is a pipe nobody reads (a log shipper that hung): once it is full, the service must go on
    /// answering, counting what it could not write.
    @Test func aStandardOutputNobodyReadsDoesNotHangTheService() async throws {
        let port = try Peers.freeLoopbackPort()
        let process = Process()
        process.executableURL = ChildProcess.demoExecutable
        process.arguments = ["--port", String(port)]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SPYGLASS_") && $0.key != "PORT" }
        let unread = Pipe()
        process.standardOutput = unread
        process.standardError = FileHandle.nullDevice
        let exited = AsyncStream<Int32> { continuation in
            process.terminationHandler = { continuation.yield($0.terminationStatus); continuation.finish() }
        }
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let base = "http://127.0.0.1:\(port)"
        // Readiness is polled: nothing else tells when the server listens, its log line goes unread.
        let deadline = ContinuousClock.now + .seconds(60)
        while (try? await status(base + "/health/live", timeout: 2).0) != 200 {
            try #require(ContinuousClock.now < deadline, "the demo never listened")
            try await Task.sleep(for: .milliseconds(100))
        }
        // About 600 KB of log lines into a 64 KiB pipe.
        let client = RawHTTPClient(port: port)
        let answers = try client.get((0..<1_000).map { "/v1/echo/fill\($0)" })
        #expect(answers.allSatisfy { $0.status == 200 })
        let start = ContinuousClock.now
        for probe in ["/health/live", "/v1/echo/after", "/v1/jobs", "/metrics"] {
            let (code, _) = try await status(base + probe, timeout: 30)
            #expect(code == 200, "\(probe)")
        }
        #expect(ContinuousClock.now - start < .seconds(20))
        let (_, metrics) = try await status(base + "/metrics")
        let stalled = try #require(metrics.split(separator: "\n").first { $0.hasPrefix(#"spyglass_log_events_dropped_total{reason="output_stalled"}"#) })
        #expect((Double(stalled.split(separator: " ").last ?? "") ?? 0) > 0, "\(stalled)")
        process.terminate()
        // Bounded: a service stuck on its output would never exit (the deferred SIGKILL then ends it).
        let exitStatus = await withTaskGroup(of: Int32?.self) { group in
            group.addTask { await exited.first { _ in true } }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        #expect(exitStatus == 0, "the demo did not exit on SIGTERM")
    }

    /// A collector that accepts connections and never answers: requests must not wait for it, and SIGTERM must end
    /// within the export timeout rather than hang on the last export.
    @Test func aCollectorThatNeverAnswersCostsRequestsNothingAndShutdownStaysBounded() async throws {
        let (collector, collectorPort) = try Peers.boundLoopbackSocket()
        defer { close(collector) }
        #expect(listen(collector, 128) == 0)  // the kernel completes handshakes; nobody ever reads
        func p99(_ environment: [String: String]) async throws -> (p99: Duration, demo: ChildProcess) {
            let demo = try ChildProcess(arguments: ["--port", "0"], environment: environment)
            let port = try #require(try json(try await demo.waitForLine { $0.contains("\"server_started\"") })["port"] as? Int)
            let client = RawHTTPClient(port: port)
            var durations: [Duration] = []
            for index in 0..<300 {
                let start = ContinuousClock.now
                let answer = try client.get(["/v1/echo/probe\(index)"])
                durations.append(ContinuousClock.now - start)
                #expect(answer.first?.status == 200)
            }
            return (durations.sorted()[Int(Double(durations.count) * 0.99)], demo)
        }
        let (withoutCollector, plain) = try await p99([:])
        plain.process.terminate()
        #expect(await plain.waitForExit() == 0)
        let (withSilentCollector, demo) = try await p99([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)", "OTEL_EXPORTER_OTLP_TIMEOUT": "1000",
            "OTEL_BSP_SCHEDULE_DELAY": "100", "OTEL_BLRP_SCHEDULE_DELAY": "100", "OTEL_METRIC_EXPORT_INTERVAL": "200",
        ])
        #expect(withSilentCollector < .milliseconds(250), "p99 \(withSilentCollector) with a silent collector, \(withoutCollector) without")
        let stop = ContinuousClock.now
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
        #expect(ContinuousClock.now - stop < .seconds(30))
        #expect(demo.lines.last?.contains("\"shutdown_complete\"") == true)
        #expect(demo.lines.contains { $0.contains("\"spans_dropped\"") }, "the lost spans are reported")
    }

    /// SIGTERM while slow requests run: every one completes, and every line and span they made is flushed.
    @Test func sigtermWithSlowRequestsInFlightLosesNoLineAndNoSpan() async throws {
        let collectorPort = try Peers.freeLoopbackPort()
        let tap = try ChildProcess(executable: URL(fileURLWithPath: try Peers.oteltap), arguments: ["--port", String(collectorPort)], environment: ["PYTHONUNBUFFERED": "1"])
        defer { kill(tap.process.processIdentifier, SIGKILL) }
        _ = try await tap.waitForLine(timeout: .seconds(300)) { $0.contains("Listening for OTLP/HTTP telemetry") }
        let demo = try ChildProcess(
            arguments: ["--port", "0", "--job-step-milliseconds", "150"],
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                // Spans wait in the batch until shutdown sends them.
                "OTEL_BSP_SCHEDULE_DELAY": "60000", "OTEL_METRICS_EXPORTER": "none", "OTEL_LOGS_EXPORTER": "none",
            ]
        )
        let port = try #require(try json(try await demo.waitForLine { $0.contains("\"server_started\"") })["port"] as? Int)
        let inFlight = 8
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = inFlight * 2
        let session = URLSession(configuration: configuration)
        let answers = (0..<inFlight).map { index in
            Task {
                var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/commands")!)
                request.httpMethod = "POST"
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.setValue("slow-\(index)", forHTTPHeaderField: "X-Request-ID")
                request.httpBody = Data(#"{"kind":"research","prompt":"slow \#(index)","wait":true}"#.utf8)
                let (body, response) = try await session.data(for: request)
                return ((response as? HTTPURLResponse)?.statusCode, String(decoding: body, as: UTF8.self))
            }
        }
        #expect(await demo.waitForLines(inFlight) { $0.contains("\"job_started\"") }.count == inFlight)
        demo.process.terminate()
        for answer in answers {
            let (code, body) = try await answer.value
            #expect(code == 200)
            #expect(try json(body)["status"] as? String == "completed")
        }
        #expect(await demo.waitForExit() == 0)
        let completed = demo.lines.filter { $0.contains("\"request_completed\"") && $0.contains("\"slow-") }
        #expect(completed.count == inFlight)
        #expect(demo.lines.last?.contains("\"shutdown_complete\"") == true)
        let spans = await tap.waitForLines(inFlight) { $0.contains("\"name\":\"POST /v1/commands\"") }
        #expect(spans.count == inFlight, "every request's server span reached the collector")
        let jobSpans = await tap.waitForLines(inFlight) { $0.contains("\"name\":\"job research\"") }
        #expect(jobSpans.count == inFlight)
    }

    /// Hostile ids and trace headers are replaced, not kept; an oversized body is refused; the lines stay JSON.
    @Test func hostileHeadersAndHugeBodiesAreRefusedOrReplaced() async throws {
        let demo = try ChildProcess(arguments: ["--port", "0"])
        let port = try #require(try json(try await demo.waitForLine { $0.contains("\"server_started\"") })["port"] as? Int)
        let client = RawHTTPClient(port: port)
        let bogusTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
        let hostile: [[String: String]] = [
            ["X-Request-ID": String(repeating: "r", count: 8_000)],
            ["X-Request-ID": "id with spaces"],
            ["X-Request-ID": "<script>alert(1)</script>"],
            ["traceparent": "ff-\(bogusTrace)-00f067aa0ba902b7-01"],
            ["traceparent": "00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
            ["traceparent": "00-\(bogusTrace)-0000000000000000-01"],
            ["traceparent": "00-\(bogusTrace.uppercased())-00f067aa0ba902b7-01"],
            ["traceparent": String(repeating: "0", count: 8_000)],
            ["tracestate": (0..<2_000).map { "k\($0)=v\($0)" }.joined(separator: ",")],
        ]
        for (index, headers) in hostile.enumerated() {
            let answer = try client.get(["/v1/echo/hostile\(index)"], headers: headers)
            #expect(answer.first?.status == 200, "\(headers.keys)")
        }
        var upload = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/commands")!)
        upload.httpMethod = "POST"
        upload.setValue("application/json", forHTTPHeaderField: "Content-Type")
        upload.httpBody = Data(repeating: UInt8(ascii: "a"), count: 20 << 20)
        // The server may answer before taking the whole body and close the connection under the client.
        if let (_, uploaded) = try? await URLSession.shared.data(for: upload) {
            #expect((uploaded as? HTTPURLResponse)?.statusCode == 413)
        }
        #expect(try client.get(["/v1/echo/after"]).first?.status == 200)
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
        let completed = try demo.lines.map(json).filter { $0["message"] as? String == "request_completed" }
        #expect(completed.count == hostile.count + 2)
        #expect(completed.contains { $0["status"] as? Int == 413 }, "the refused upload is logged")
        for line in completed {
            let requestID = try #require(line["request_id"] as? String)
            #expect(requestID.count <= 128 && requestID.allSatisfy { $0.isLetter || $0.isNumber || "-_.:".contains($0) }, "\(requestID.prefix(40))")
            #expect(line["trace_id"] as? String != bogusTrace, "an invalid traceparent starts a new trace")
        }
    }

    /// Without its token the dashboard shows nothing, and no path reaches a file.
    @Test func theDashboardAnswersNothingWithoutItsTokenAndNoPathReachesAFile() async throws {
        let token = "probe-dashboard-token-0123456789"
        let demo = try ChildProcess(arguments: ["--port", "0"], environment: ["SPYGLASS_DASHBOARD_TOKEN": token])
        let port = try #require(try json(try await demo.waitForLine { $0.contains("\"server_started\"") })["port"] as? Int)
        _ = try await status("http://127.0.0.1:\(port)/v1/echo/seen")
        let client = RawHTTPClient(port: port)
        let api = ["overview", "traces", "traces/4bf92f3577b34da6a3ce929d0e0e4736", "logs", "health", "genai", "jobs", "errors", "nothing"]
        for (path, answer) in zip(api, try client.get(api.map { "/spyglass/api/" + $0 })) {
            // An endpoint that does not exist is 404 either way: it holds nothing to show.
            #expect(answer.status == (path == "nothing" ? 404 : 401), "\(path)")
            #expect(!answer.body.contains("seen") && !answer.body.contains("spyglass-demo"), "\(path): \(answer.body)")
        }
        let wrong = try client.get(["/spyglass/api/logs"], headers: ["Authorization": "Bearer wrong-token-of-enough-length", "Cookie": "spyglass_token=wrong"])
        #expect(wrong.first?.status == 401)
        #expect(try client.get(["/spyglass/login?t=wrong-token-of-enough-length"]).first?.status == 401)
        let traversals = [
            "/spyglass/../../../../etc/passwd", "/spyglass/app.js/../../../../etc/passwd", "/spyglass/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/spyglass/..%2f..%2f..%2fetc%2fpasswd", "/spyglass/api/..%2F..%2F..%2Fetc%2Fpasswd", "/spyglass/app.js%00.html",
            "//etc/passwd", "/spyglass/%252e%252e/etc/passwd", "/spyglass/Assets/index.html", "/spyglass/index.html",
            "/spyglass/..\\..\\etc\\passwd",
        ]
        for (path, answer) in zip(traversals, try client.get(traversals)) {
            #expect([303, 400, 401, 404].contains(answer.status), "\(path): \(answer.status)")
            #expect(!answer.body.contains("root:"), "\(path)")
        }
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
    }

    /// 100,000 requests with distinct paths and ids (a third unmatched, a third a route's ids, a third a route's
    /// words): the RED series stay one per route and status, and memory stays within the stores' bounds.
    @Test func distinctPathsAndIdsGrowNeitherSeriesNorMemory() async throws {
        let demo = try ChildProcess(arguments: ["--port", "0"], environment: ["SPYGLASS_STORE_LOG_BYTES": "4194304", "SPYGLASS_STORE_SPAN_BYTES": "4194304"])
        let port = try #require(try json(try await demo.waitForLine { $0.contains("\"server_started\"") })["port"] as? Int)
        let client = RawHTTPClient(port: port)
        func series() throws -> Int {
            let metrics = try client.get(["/metrics"])[0].body
            return metrics.split(separator: "\n").count { $0.hasPrefix("http_requests_total{") }
        }
        func paths(_ range: Range<Int>) -> [String] {
            range.map { index in
                switch index % 3 {
                case 0: "/nowhere/\(index)/x"
                case 1: "/v1/jobs/job_\(index)"
                default: "/v1/echo/word\(index)"
                }
            }
        }
        _ = try client.get(paths(0..<10_000))
        let seriesBefore = try series()
        let residentBefore = try residentBytes(of: demo.process)
        for start in stride(from: 10_000, to: 100_000, by: 10_000) {
            let answers = try client.get(paths(start..<start + 10_000))
            #expect(answers.allSatisfy { [200, 404].contains($0.status) })
        }
        let seriesAfter = try series()
        let residentAfter = try residentBytes(of: demo.process)
        #expect(seriesBefore == 3 && seriesAfter == 3, "http_requests_total series: \(seriesBefore) → \(seriesAfter)")
        // The stores were full (4 MiB each) after the first 10,000 requests; what is left is the allocator's slack.
        #expect(residentAfter - residentBefore < 16 << 20, "resident memory \(residentBefore) → \(residentAfter)")
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
    }
}
