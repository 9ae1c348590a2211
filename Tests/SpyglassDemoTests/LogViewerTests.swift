import Foundation
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `spyglass logs` on what the demo wrote: a run with a request, a job that completes and one that fails.
@Suite(.serialized) struct LogViewerTests {
    private func logs(_ arguments: [String], input: String) async throws -> Peers.Output {
        try await Peers.run(Peers.builtExecutable("spyglass").path, ["logs", "--color", "never"] + arguments, input: Array(input.utf8))
    }

    private func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
    }

    @Test func filtersAndPrettyPrintsCapturedDemoOutput() async throws {
        let demo = try ChildProcess(arguments: ["--port", "0", "--job-step-milliseconds", "5"], environment: [:])
        let port = try #require(try json(try await demo.waitForLine { $0.contains("\"server_started\"") })["port"] as? Int)
        var ids: [String] = []
        for prompt in ["tracing in Swift", "please fail this one"] {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/commands")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: ["kind": "research", "prompt": prompt, "wait": true])
            let (body, _) = try await URLSession.shared.data(for: request)
            ids.append(try #require(try json(String(decoding: body, as: UTF8.self))["id"] as? String))
        }
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
        let captured = demo.lines
        let lines = try captured.map(json)
        let input = (captured + ["a line that is not JSON"]).joined(separator: "\n") + "\n"

        // --trace-id: exactly the lines of the failed job's trace.
        let failedStart = try #require(lines.first { $0["message"] as? String == "job_started" && $0["job_id"] as? String == ids[1] })
        let trace = try #require(failedStart["trace_id"] as? String)
        let byTrace = try await logs(["--trace-id", trace, "--json"], input: input)
        #expect(byTrace.status == 0)
        #expect(byTrace.standardOutput.split(separator: "\n").map(String.init) == captured.filter { (try? json($0))?["trace_id"] as? String == trace })
        #expect(byTrace.standardError == "spyglass: 1 line was not a JSON log line and could not be filtered by field\n")

        // --request-id: the request's access line and its job's lines, whatever their trace.
        let requestID = try #require(lines.first { $0["message"] as? String == "job_created" && $0["job_id"] as? String == ids[0] }?["request_id"] as? String)
        let byRequest = try await logs(["--request-id", requestID, "--json"], input: input).standardOutput.split(separator: "\n").map { try json(String($0)) }
        #expect(byRequest.count == lines.filter { $0["request_id"] as? String == requestID }.count)
        #expect(Set(byRequest.compactMap { $0["message"] as? String }).isSuperset(of: ["request_completed", "job_created", "job_started", "job_completed"]))

        // --level error: only the failed job's completion; --logger takes the loggers under a label.
        let errors = try await logs(["--level", "error", "--json"], input: input).standardOutput.split(separator: "\n").map { try json(String($0)) }
        #expect(errors.map { $0["message"] as? String } == ["job_completed"])
        #expect(errors.first?["job_id"] as? String == ids[1])
        let jobs = try await logs(["--logger", "spyglass", "--grep", ids[0], "--json"], input: input).standardOutput.split(separator: "\n")
        #expect(jobs.count == captured.filter { $0.contains(ids[0]) && ((try? json($0))?["logger"] as? String)?.hasPrefix("spyglass") == true }.count)
        #expect(!jobs.isEmpty)

        // --since and --until around the second command: only lines written in between.
        let firstDone = try #require(lines.first { $0["message"] as? String == "job_completed" && $0["job_id"] as? String == ids[0] }?["timestamp"] as? String)
        let windowed = try await logs(["--since", firstDone, "--json"], input: input).standardOutput.split(separator: "\n").map { try json(String($0)) }
        #expect(!windowed.isEmpty && windowed.allSatisfy { ($0["timestamp"] as? String ?? "") >= firstDone })
        #expect(!windowed.contains { $0["message"] as? String == "job_created" && $0["job_id"] as? String == ids[0] })

        // Pretty: time, level, logger, message, fields, ids last; without filters a non-JSON line passes as it is.
        let pretty = try await logs([], input: input)
        let output = pretty.standardOutput.split(separator: "\n").map(String.init)
        #expect(output.count == captured.count + 1)
        #expect(output.last == "a line that is not JSON")
        let failed = try #require(output.first { $0.contains(" ERROR ") })
        #expect(failed.contains(" spyglass.jobs job_completed "), "\(failed)")
        #expect(failed.contains("error.message=\"the source server answered 503\"") && failed.contains("status=failed") && failed.contains("job_id=\(ids[1])"))
        #expect(failed.hasPrefix(String((failedStart["timestamp"] as? String ?? "").prefix(10)) + " "), "\(failed)")
        #expect(failed.range(of: "request_id=[0-9a-v]+ trace_id=\(trace) span_id=[0-9a-f]+$", options: .regularExpression) != nil, "\(failed)")
        #expect(!failed.contains("service=") && !failed.contains("\u{1B}["), "constant fields and colour are left out")
    }

    @Test func aBadFilterIsRefusedWithWhatIsAllowed() async throws {
        let level = try await logs(["--level", "verbose"], input: "")
        #expect(level.status == 64)
        #expect(level.standardError.contains("--level verbose is not one of trace, debug, info, notice, warning, error, critical"))
        let since = try await logs(["--since", "yesterday"], input: "")
        #expect(since.status == 64)
        #expect(since.standardError.contains("--since yesterday is neither a timestamp like 2026-12-01T10:30:00Z nor a duration like 90s, 15m, 2h, 1d"))
        let missing = try await logs(["/nonexistent/service.log"], input: "")
        #expect(missing.status == 2 && missing.standardError == "spyglass: cannot read /nonexistent/service.log\n")
    }
}
