import Foundation
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built-in dashboard of a running demo under traffic, loaded by headless Chromium: what is asserted is the
/// DOM after the page's script ran (charts drawn with data, the waterfall of a known trace with its nesting, log
/// lines filtered by that trace), not the HTML the service sent. Screenshots and the rendered DOM of every view
/// are left in `.build/test-artifacts/dashboard/`.
@Suite(.serialized) struct DashboardBrowserTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let callerSpanID = "00f067aa0ba902b7"

    /// A Chromium profile of its own, so the login's cookie carries from one page load to the next.
    struct Browser {
        let chromium: String
        let profile: URL
        let artifacts: URL

        /// Chromium with a new profile, leaving what it renders in `.build/test-artifacts/{artifacts}/`.
        init(artifacts name: String) throws {
            chromium = try Peers.chromium
            profile = FileManager.default.temporaryDirectory.appendingPathComponent("spyglass-chromium-\(UUID().uuidString)")
            artifacts = try Peers.artifacts(name)
        }

        /// The DOM of `url` once its script has run through `budget` of virtual time (network waits included),
        /// and a screenshot of the same page named `name`.
        func render(_ url: String, screenshot name: String) async throws -> String {
            let common = [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                "--virtual-time-budget=6000", "--timeout=60000", "--window-size=1400,1000",
            ]
            // One launch writes both: the suite's other demos share the machine's two cores.
            let shot = artifacts.appendingPathComponent("\(name).png")
            let dom = try await Peers.run(chromium, common + ["--screenshot=\(shot.path)", "--dump-dom", url], input: [])
            try #require(dom.status == 0, "chromium: \(dom.standardError.suffix(2000))")
            try Data(dom.standardOutput.utf8).write(to: artifacts.appendingPathComponent("\(name).html"))
            #expect(FileManager.default.fileExists(atPath: shot.path), "screenshot \(name)")
            return dom.standardOutput
        }
    }

    private func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func get(_ url: String, token: String) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: url)!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(url)")
        return try json(body)
    }

    /// Polls the API (the page's own source of data) until `condition` holds: waiting on the state, not on time.
    private func waitFor(_ url: String, token: String, _ condition: ([String: Any]) -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if condition(try await get(url, token: token)) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("timed out waiting for \(url)")
    }

    /// The p50 of `GET /v1/jobs/{id}` the charts hold for each recent interval lies within the durations its
    /// requests of that interval logged (`duration_ms`, the clock reading the histogram observed), widened by the
    /// native buckets' 2.2%. A route answering in a fraction of a millisecond therefore reads in microseconds,
    /// where the classic buckets could only say 2.50 ms (half of their first bucket) for every request under 5 ms;
    /// and under the suite's load, when the same route takes milliseconds, the chart says that instead.
    private func expectLatencyAgreesWithTheRequests(of demo: ChildProcess, base: String, token: String) async throws {
        let body = try await get(base + "/api/overview", token: token)
        let p50 = (body["charts"] as? [[String: Any]])?.first { $0["name"] as? String == "http_latency_p50_seconds" }
        let series = (p50?["series"] as? [[String: Any]])?.first { $0["name"] as? String == "GET /v1/jobs/{id}" }
        let points = try #require(series?["points"] as? [[Any]], "no p50 series for GET /v1/jobs/{id}")
        let timestamps = ISO8601DateFormatter()
        timestamps.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let requests: [(milliseconds: Double, duration: Double)] = demo.lines.compactMap { line in
            guard line.contains("\"request_completed\""), line.contains("\"endpoint\":\"/v1/jobs/{id}\""), line.contains("\"method\":\"GET\""),
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let time = (object["timestamp"] as? String).flatMap(timestamps.date(from:)), let duration = object["duration_ms"] as? Double
            else { return nil }
            return (time.timeIntervalSince1970 * 1000, duration / 1000)
        }
        var checked = 0
        for (previous, point) in zip(points, points.dropFirst()) {
            guard let start = previous.first as? Double, let end = point.first as? Double, let value = point.last as? Double else { continue }
            // The interval the sample covers, widened by 250 ms each side for the moment between a request's
            // observation and its line, and between the registry's reading and the sample's timestamp.
            let durations = requests.filter { $0.milliseconds > start - 250 && $0.milliseconds <= end + 250 }.map(\.duration)
            guard let lowest = durations.min(), let highest = durations.max() else { continue }
            #expect(value >= lowest * (1 - 0.022) && value <= highest * (1 + 0.022), "p50 \(value) s; the interval's requests took \(lowest)…\(highest) s")
            checked += 1
        }
        #expect(checked >= 2, "intervals with both a p50 and logged requests: \(checked)")
    }

    /// The demo's dashboard: its login link (with the token made at start), the token, and the dashboard's base URL.
    private func dashboard(of demo: ChildProcess) async throws -> (login: String, token: String, base: String) {
        let ready = try json(Data(try await demo.waitForLine { $0.contains("\"dashboard_ready\"") }.utf8))
        let login = try #require(ready["url"] as? String)
        return (login, try #require(login.components(separatedBy: "?t=").last), try #require(login.components(separatedBy: "/login").first))
    }

    /// The capture groups of every match of `pattern` in `text`.
    private func matches(_ pattern: String, in text: String) throws -> [[String]] {
        text.matches(of: try Regex(pattern)).map { match in
            (1..<match.output.count).map { match.output[$0].substring.map(String.init) ?? "" }
        }
    }

    @Test(arguments: DemoServer.allCases)
    func chromiumRendersChartsTheWaterfallOfAKnownTraceAndItsLogLines(server: DemoServer) async throws {
        let browser = try Browser(artifacts: "dashboard")
        defer { try? FileManager.default.removeItem(at: browser.profile) }
        // Every access line kept (no sampling): the latency check below compares the charts with them.
        let demo = try ChildProcess(
            arguments: ["--server", server.rawValue, "--port", "0", "--traffic", "--traffic-interval", "100", "--job-step-milliseconds", "20"],
            environment: ["SPYGLASS_LOG_SAMPLING": "off"])
        defer { demo.process.terminate() }
        let (login, token, base) = try await dashboard(of: demo)
        #expect(token.count == 32, "a token made at start, as in development")

        // The known trace: a chat whose caller sent its traceparent.
        var chat = URLRequest(url: URL(string: base.replacingOccurrences(of: "/spyglass", with: "/v1/chat"))!)
        chat.httpMethod = "POST"
        chat.setValue("application/json", forHTTPHeaderField: "Content-Type")
        chat.setValue("00-\(Self.traceID)-\(Self.callerSpanID)-01", forHTTPHeaderField: "traceparent")
        chat.httpBody = Data(#"{"message":"what does the dashboard show?"}"#.utf8)
        let (_, chatResponse) = try await URLSession.shared.data(for: chat)
        #expect((chatResponse as? HTTPURLResponse)?.statusCode == 200)

        // Data enough for every view: two samples of every chart, an error group, an ended job.
        try await waitFor(base + "/api/overview", token: token) { body in
            (body["charts"] as? [[String: Any]])?.allSatisfy { chart in
                ((chart["series"] as? [[String: Any]]) ?? []).contains { (($0["points"] as? [Any])?.count ?? 0) >= 2 }
            } ?? false
        }
        // Three medians of GET /v1/jobs/{id}, a route answering in a fraction of a millisecond.
        try await waitFor(base + "/api/overview", token: token) { body in
            let p50 = (body["charts"] as? [[String: Any]])?.first { $0["name"] as? String == "http_latency_p50_seconds" }
            let series = (p50?["series"] as? [[String: Any]])?.first { $0["name"] as? String == "GET /v1/jobs/{id}" }
            return ((series?["points"] as? [[Any]]) ?? []).dropFirst().filter { $0.last is Double }.count >= 3
        }
        try await waitFor(base + "/api/genai", token: token) { body in
            (body["charts"] as? [[String: Any]])?.allSatisfy { (($0["series"] as? [Any])?.isEmpty == false) } ?? false
        }
        try await waitFor(base + "/api/errors", token: token) { (($0["groups"] as? [Any])?.isEmpty == false) }
        try await waitFor(base + "/api/jobs", token: token) { (($0["ended"] as? [Any])?.isEmpty == false) }

        // Logging in lands on the overview: three charts drawn with data, a line per endpoint and one for all.
        let overview = try await browser.render(login, screenshot: "overview")
        #expect(overview.contains(#"data-view="overview""#), "the login leads to the dashboard")
        let charts = try matches(#"data-chart="([^"]+)" data-series-count="(\d+)" data-point-count="(\d+)""#, in: overview)
        #expect(charts.map { $0[0] } == ["Requests per second", "Error ratio (5xx)", "Latency all"], "\(charts)")
        for chart in charts { #expect((Int(chart[2]) ?? 0) >= 2, "\(chart[0]) has no points") }
        let lines = try matches(#"class="line" data-series="([^"]+)" data-points="(\d+)""#, in: overview)
        #expect(lines.contains { $0[0] == "POST /v1/chat" && (Int($0[1]) ?? 0) >= 2 }, "\(lines)")
        #expect(lines.contains { $0[0] == "p99" }, "the latency chart's quantiles")
        #expect(overview.contains(#"data-endpoint="POST /v1/chat""#))
        // Its p50 in the endpoint table is a duration read from the native buckets.
        let row = try #require(try matches(#"data-endpoint="GET /v1/jobs/\{id\}">(.*?)</tr>"#, in: overview).first, "no row for GET /v1/jobs/{id}")
        let cells = try matches(#"<td>(.*?)</td>"#, in: row[0]).map { $0[0] }
        try #require(cells.count == 6, "\(cells)")
        #expect(cells[3].hasSuffix(" µs") || cells[3].hasSuffix(" ms"), "p50 of GET /v1/jobs/{id}: \(cells[3])")
        try await expectLatencyAgreesWithTheRequests(of: demo, base: base, token: token)

        // The known trace as a waterfall: the request below its caller, the agent below it, the LLM call below that.
        let waterfall = try await browser.render(base + "#/trace/\(Self.traceID)", screenshot: "trace")
        let rows = try matches(#"class="span-row[^"]*" data-span-id="([0-9a-f]{16})" data-parent-span-id="([0-9a-f]*)" data-depth="(\d+)" data-name="([^"]+)""#, in: waterfall)
        let request = try #require(rows.first { $0[3] == "POST /v1/chat" }, "\(rows)")
        let agent = try #require(rows.first { $0[3] == "invoke_agent assistant" }, "\(rows)")
        let llm = try #require(rows.first { $0[3] == "chat sim-1" }, "\(rows)")
        #expect(request[1] == Self.callerSpanID && request[2] == "0", "the server span below the caller's")
        #expect(agent[1] == request[0] && agent[2] == "1")
        #expect(llm[1] == agent[0] && llm[2] == "2")
        #expect(waterfall.contains("<dt>gen_ai.request.model</dt><dd>sim-1</dd>"), "the LLM span's attributes")
        #expect(waterfall.contains("<b>gen_ai.first_token</b>"), "the LLM span's first-token event")

        // The log lines of that trace alone, each linking back to it.
        let logs = try await browser.render(base + "#/logs?trace_id=\(Self.traceID)", screenshot: "logs")
        let logRows = try matches(#"<tr class="log-line [^"]*" data-sequence="\d+" data-trace-id="([0-9a-f]*)""#, in: logs)
        #expect(!logRows.isEmpty && logRows.allSatisfy { $0[0] == Self.traceID }, "\(logRows.count) rows")
        #expect(logs.contains("<td>request_completed</td>"))
        #expect(logs.contains("href=\"#/trace/\(Self.traceID)\""))

        let genAI = try await browser.render(base + "#/genai", screenshot: "genai")
        let genAICharts = try matches(#"data-chart="([^"]+)" data-series-count="(\d+)" data-point-count="(\d+)""#, in: genAI)
        #expect(genAICharts.count == 2 && genAICharts.allSatisfy { (Int($0[2]) ?? 0) > 0 }, "\(genAICharts)")
        #expect(genAI.contains(#"<tr class="llm-call"#))
        let errors = try await browser.render(base + "#/errors", screenshot: "errors")
        #expect(errors.contains(#"<tr class="error-group""#))
        let jobs = try await browser.render(base + "#/jobs", screenshot: "jobs")
        #expect(jobs.contains(#"<table id="jobs-ended">"#))
        let health = try await browser.render(base + "#/health", screenshot: "health")
        for check in ["job_store", "disk", "memory"] {
            #expect(health.contains("data-check=\"\(check)\""), "\(check): non-critical checks too, run by the dashboard")
        }
        _ = try await browser.render(base + "#/traces?sort=slowest", screenshot: "traces")
    }

    /// Markup planted where users and attackers control text (a path word, a job prompt, an error's message, a
    /// User-Agent) must reach the page as text: Chromium renders every view, and no planted element may exist.
    @Test func textFromRequestsNeverBecomesMarkup() async throws {
        let browser = try Browser(artifacts: "dashboard-xss")
        defer { try? FileManager.default.removeItem(at: browser.profile) }
        let demo = try ChildProcess(arguments: ["--port", "0", "--job-step-milliseconds", "5"])
        defer { demo.process.terminate() }
        let (login, token, base) = try await dashboard(of: demo)
        let service = base.replacingOccurrences(of: "/spyglass", with: "")
        func payload(_ name: String) -> String { #"<img id="xss-\#(name)" src="x" onerror="document.title='pwned'"><script id="xss-\#(name)-script">document.title='pwned'</script>"# }

        var echo = URLRequest(url: URL(string: service + "/v1/echo/" + payload("path").addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)!)
        echo.setValue(payload("agent"), forHTTPHeaderField: "User-Agent")
        let (_, echoResponse) = try await URLSession.shared.data(for: echo)
        let traceID = try #require((echoResponse as? HTTPURLResponse)?.value(forHTTPHeaderField: "X-Trace-ID"))
        for (path, body) in [
            ("/v1/commands", ["kind": "research", "prompt": "fail " + payload("prompt"), "wait": true] as [String: Any]),
            ("/v1/chat", ["message": "overload " + payload("chat")]),
            // Refused with the kind in its message, which the access line carries as error.message.
            ("/v1/commands", ["kind": payload("kind"), "prompt": "x"]),
        ] {
            var request = URLRequest(url: URL(string: service + path)!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            _ = try await URLSession.shared.data(for: request)
        }
        _ = try await URLSession.shared.data(from: URL(string: service + "/v1/jobs/" + payload("id").addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)!)
        try await waitFor(base + "/api/errors", token: token) { (($0["groups"] as? [Any])?.count ?? 0) >= 1 }
        try await waitFor(base + "/api/jobs", token: token) { (($0["ended"] as? [Any])?.isEmpty == false) }

        _ = try await browser.render(login, screenshot: "login")
        var planted = 0
        for (view, name) in [("#/logs", "logs"), ("#/errors", "errors"), ("#/jobs", "jobs"), ("#/traces", "traces"), ("#/trace/\(traceID)", "trace"), ("#/genai", "genai")] {
            let dom = try await browser.render(base + view, screenshot: name)
            #expect(!dom.contains("<img id=\"xss-") && !dom.contains("<script id=\"xss-"), "\(view): planted markup became an element")
            #expect(!dom.contains("<title>pwned</title>"), "\(view): planted script ran")
            planted += dom.components(separatedBy: "&lt;img id=\"xss-").count - 1
        }
        #expect(planted >= 3, "the planted text is shown, as text (User-Agent in the logs and the trace, the kind in the logs)")
    }

    private func status(_ url: String, bearer: String? = nil) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        let (_, response) = try await URLSession.shared.data(for: request)
        return try #require(response as? HTTPURLResponse).statusCode
    }

    @Test func outsideDevelopmentTheDashboardIsOffUnlessATokenIsConfigured() async throws {
        let production = try ChildProcess(arguments: ["--port", "0"], environment: ["SPYGLASS_ENVIRONMENT": "production"])
        defer { production.process.terminate() }
        let started = try json(Data(try await production.waitForLine { $0.contains("\"server_started\"") }.utf8))
        let port = try #require(started["port"] as? Int)
        #expect(try await status("http://127.0.0.1:\(port)/spyglass") == 404)
        #expect(try await status("http://127.0.0.1:\(port)/spyglass/api/logs") == 404)
        #expect(!production.lines.contains { $0.contains("dashboard_ready") })

        let token = "configured-token-for-production"
        let guarded = try ChildProcess(
            arguments: ["--port", "0"], environment: ["SPYGLASS_ENVIRONMENT": "production", "SPYGLASS_DASHBOARD_TOKEN": token]
        )
        defer { guarded.process.terminate() }
        let ready = try json(Data(try await guarded.waitForLine { $0.contains("\"dashboard_ready\"") }.utf8))
        let url = try #require(ready["url"] as? String)
        #expect(!url.contains(token) && url.hasSuffix("/spyglass"), "a configured token is never logged")
        #expect(try await status(url + "/api/logs") == 401)
        #expect(try await status(url + "/api/logs", bearer: "wrong-token-of-enough-length") == 401)
        #expect(try await status(url + "/api/logs", bearer: token) == 200)

        let refused = try ChildProcess(arguments: ["--port", "0"], environment: ["SPYGLASS_ENVIRONMENT": "production", "SPYGLASS_DASHBOARD": "on"])
        #expect(await refused.waitForExit() == 2, "on in production without a token is refused at start")
    }
}
