import Foundation
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The demo reports its errors to Bugsink, a self-hosted server of the Sentry protocol: failed jobs and 502s arrive
/// as issues grouped as the dashboard groups them, with their user, tags, trace and breadcrumbs, and nothing secret.
/// With Bugsink down, requests do not notice, lost events are counted, and reporting resumes when it is back.
@Suite(.serialized, .timeLimit(.minutes(10))) struct SentryBugsinkTests {
    static let secret = "sk-live-4b1d2c3e5f6a7b8c9d0e"

    private func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "not JSON: \(String(decoding: data, as: UTF8.self))")
    }

    private func post(_ port: Int, _ path: String, _ body: [String: Any]) async throws -> (status: Int, traceID: String?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)?api_key=\(Self.secret)")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(Self.secret)", forHTTPHeaderField: "Authorization")
        request.setValue("user-7", forHTTPHeaderField: "X-User-ID")
        request.timeoutInterval = 60
        let (_, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http.value(forHTTPHeaderField: "X-Trace-ID"))
    }

    private func metric(_ port: Int, _ series: String) async throws -> Double {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(series + " ") }
        return try #require(line.flatMap { Double($0.split(separator: " ").last ?? "") }, "\(series) is not on /metrics")
    }

    @Test func failedJobsAnd502sArriveGroupedWithTheirContextAndNoSecret() async throws {
        let bugsink = try await BugsinkServer()
        defer { bugsink.remove() }
        let demo = try ChildProcess(
            arguments: ["--port", "0", "--job-step-milliseconds", "5"],
            environment: ["SENTRY_DSN": bugsink.dsn, "SENTRY_ENVIRONMENT": "proof", "SPYGLASS_LOG_SAMPLING": "off"]
        )
        defer { demo.process.terminate() }
        let started = try json(Data(try await demo.waitForLine { $0.contains("\"server_started\"") }.utf8))
        let port = try #require(started["port"] as? Int)

        for round in 0..<3 {
            let job = try await post(port, "/v1/commands", ["kind": "research", "prompt": "please fail \(round) \(Self.secret)", "wait": true])
            #expect(job.status == 200)
        }
        var chatTraces: [String] = []
        for _ in 0..<2 {
            let chat = try await post(port, "/v1/chat", ["message": "overload check \(Self.secret)"])
            #expect(chat.status == 502)
            chatTraces.append(try #require(chat.traceID))
        }

        let issues = try await bugsink.issues { issues in
            issues.reduce(0) { $0 + ($1["digested_event_count"] as? Int ?? 0) } >= 5
        }
        #expect(issues.count == 2, "one issue per dashboard group: \(issues.map { $0["calculated_type"] ?? "" })")
        let jobIssue = try #require(issues.first { ($0["transaction"] as? String) == "job research" }, "\(issues)")
        let chatIssue = try #require(issues.first { ($0["transaction"] as? String) == "POST /v1/chat" }, "\(issues)")
        #expect(jobIssue["digested_event_count"] as? Int == 3)
        #expect(chatIssue["digested_event_count"] as? Int == 2)
        #expect((jobIssue["calculated_type"] as? String)?.hasSuffix("SourceUnavailable") == true, "\(jobIssue)")

        let chatEvents = try await bugsink.events(ofIssue: try #require(chatIssue["id"] as? String)).compactMap { $0["data"] as? [String: Any] }
        #expect(chatEvents.count == 2)
        for event in chatEvents {
            #expect(event["culprit"] as? String == "POST /v1/chat")
            #expect(event["environment"] as? String == "proof")
            #expect((event["user"] as? [String: Any])?["id"] as? String == "user-7")
            let tags = event["tags"] as? [String: Any] ?? [:]
            #expect((tags["request_id"] as? String)?.isEmpty == false, "\(tags)")
            #expect(tags["endpoint"] as? String == "/v1/chat")
            #expect(tags["status"] as? String == "502")
            let request = event["request"] as? [String: Any] ?? [:]
            #expect(request["method"] as? String == "POST" && request["url"] as? String == "/v1/chat", "\(request)")
            let headers = request["headers"] as? [String: Any] ?? [:]
            #expect(headers["content-type"] as? String == "application/json", "\(request)")
            #expect(headers["x-user-id"] as? String == "user-7")
            #expect(headers["authorization"] as? String == "[REDACTED]", "the header is there, its value is not")
            let trace = ((event["contexts"] as? [String: Any])?["trace"] as? [String: Any]) ?? [:]
            #expect(chatTraces.contains(trace["trace_id"] as? String ?? ""), "the event links to its request's trace: \(trace)")
            // A chat request logs nothing at info before its error; the jobs' lines, logged just before in other
            // traces, must not be taken for its breadcrumbs.
            let crumbs = (event["breadcrumbs"] as? [String: Any])?["values"] as? [[String: Any]] ?? []
            #expect(!crumbs.contains { ($0["message"] as? String)?.hasPrefix("job_") == true }, "\(crumbs)")
        }
        let jobEvents = try await bugsink.events(ofIssue: try #require(jobIssue["id"] as? String)).compactMap { $0["data"] as? [String: Any] }
        #expect(jobEvents.count == 3)
        for event in jobEvents {
            #expect(event["culprit"] as? String == "job research")
            let crumbs = (event["breadcrumbs"] as? [String: Any])?["values"] as? [[String: Any]] ?? []
            #expect(crumbs.contains { $0["message"] as? String == "job_started" }, "the job's own lines: \(crumbs)")
            let added = crumbs.first { $0["category"] as? String == "research" }
            #expect(added?["message"] as? String == "sources found", "the breadcrumb the job added: \(crumbs)")
            #expect((added?["data"] as? [String: Any])?["count"] as? String == "2")
        }
        let everything = String(decoding: try JSONSerialization.data(withJSONObject: chatEvents + jobEvents), as: UTF8.self)
        #expect(!everything.contains(Self.secret), "the secret sent in the header, query and body never reaches Bugsink")
        #expect(!everything.contains("api_key"))

        // Bugsink down: requests do not wait for it, lost events are counted, and reporting resumes when it is back.
        bugsink.stop()
        for round in 0..<3 {
            let job = try await post(port, "/v1/commands", ["kind": "creative", "prompt": "fail while down \(round)", "wait": true])
            #expect(job.status == 200)
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while try await metric(port, "spyglass_error_events_dropped_total{reason=\"export_failed\"}") < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(try await metric(port, "spyglass_error_events_dropped_total{reason=\"export_failed\"}") == 3)
        let warning = try await demo.waitForLine { $0.contains("\"error_events_dropped\"") }
        #expect(warning.contains("\"reason\":\"export_failed\""))
        try await bugsink.start()
        _ = try await post(port, "/v1/commands", ["kind": "creative", "prompt": "fail once back", "wait": true])
        let after = try await bugsink.issues { issues in
            issues.contains { ($0["transaction"] as? String) == "job creative" }
        }
        #expect(after.first { ($0["transaction"] as? String) == "job creative" }?["digested_event_count"] as? Int == 1)
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
    }
}
