import Foundation
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Credentials sent to the demo the ways an attacker or a careless client would (in paths, query strings,
/// bodies and headers, as written and percent-encoded) reach none of the places telemetry goes: standard output,
/// the dashboard's logs, traces, error groups and jobs.
@Suite struct CredentialLeakProbeTests {
    /// One way a credential arrives. Every secret is unique and needs no percent-encoding itself, so it shows
    /// verbatim wherever it leaks, however the text around it was encoded.
    struct Shape: Sendable, CustomStringConvertible {
        let name: String
        let secret: String
        let request: @Sendable (String) -> URLRequest
        var description: String { name }
    }

    static func secret(_ index: Int) -> String { "S3cretPassw0rd\(index)XYZ" }

    static func get(_ path: String, headers: [String: String] = [:]) -> @Sendable (String) -> URLRequest {
        { base in
            var request = URLRequest(url: URL(string: base + path)!)
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            return request
        }
    }

    static func post(_ path: String, json: String) -> @Sendable (String) -> URLRequest {
        { base in
            var request = URLRequest(url: URL(string: base + path)!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
            return request
        }
    }

    static let shapes: [Shape] = {
        let s = (0..<16).map(secret)
        return [
            Shape(name: "URL password in a path, encoded", secret: s[0], request: get("/v1/jobs/postgres%3A%2F%2Fadmin%3A\(s[0])%40db%3A5432%2Fapp")),
            Shape(name: "URL password in a path, encoded twice", secret: s[1], request: get("/v1/jobs/redis%253A%252F%252F%253A\(s[1])%2540cache")),
            Shape(name: "password= in a path, encoded", secret: s[2], request: get("/v1/jobs/password%3D\(s[2])")),
            Shape(name: "JSON api_key in a path, encoded", secret: s[3], request: get("/v1/jobs/%7B%22api_key%22%3A%20%22\(s[3])%22%7D")),
            Shape(name: "token: in an echoed path word", secret: s[4], request: get("/v1/echo/token%3A\(s[4])")),
            Shape(name: "password= in a query", secret: s[5], request: get("/v1/jobs?password=\(s[5])")),
            Shape(name: "JSON api_key in a query, + for spaces", secret: s[6], request: get("/v1/jobs?q=%7B%22api_key%22%3A+%22\(s[6])%22%7D")),
            Shape(name: "URL password in an unmatched path", secret: s[7], request: get("/nowhere/postgres%3A%2F%2Fu%3A\(s[7])%40h")),
            Shape(name: "password= in User-Agent", secret: s[8], request: get("/v1/echo/ua", headers: ["User-Agent": "probe/1 password=\(s[8])"])),
            Shape(name: "password= in User-Agent, encoded", secret: s[9], request: get("/v1/echo/ua2", headers: ["User-Agent": "probe/1 password%3D\(s[9])"])),
            Shape(name: "token in X-Request-ID", secret: s[10], request: get("/v1/echo/rid", headers: ["X-Request-ID": "token=\(s[10])"])),
            Shape(name: "credential in traceparent and tracestate", secret: s[11], request: get("/v1/echo/tp", headers: [
                "traceparent": "00-\(s[11])-password=\(s[11])-01", "tracestate": "vendor=password%3D\(s[11])",
            ])),
            Shape(name: "Bearer in Authorization", secret: s[12], request: get("/v1/echo/auth", headers: ["Authorization": "Bearer \(s[12])"])),
            Shape(name: "URL password in a job prompt", secret: s[13], request: post("/v1/commands", json: #"{"kind":"research","prompt":"read postgres://admin:\#(s[13])@db/app"}"#)),
            Shape(name: "password= in a failing job's prompt, encoded", secret: s[14], request: post("/v1/commands", json: #"{"kind":"research","prompt":"fail at password%3D\#(s[14])","wait":true}"#)),
            Shape(name: "api_key in a chat message, encoded", secret: s[15], request: post("/v1/chat", json: #"{"message":"my %22api_key%22%3A%20%22\#(s[15])%22"}"#)),
        ]
    }()

    @Test func noCredentialReachesAnySink() async throws {
        let token = "probe-dashboard-token-0123456789"
        let demo = try ChildProcess(arguments: ["--port", "0", "--job-step-milliseconds", "1"], environment: ["SPYGLASS_DASHBOARD_TOKEN": token])
        let started = try JSONSerialization.jsonObject(with: Data(try await demo.waitForLine { $0.contains("\"server_started\"") }.utf8)) as? [String: Any]
        let port = try #require(started?["port"] as? Int)
        let base = "http://127.0.0.1:\(port)"
        for shape in Self.shapes {
            let (_, response) = try await URLSession.shared.data(for: shape.request(base))
            #expect(response is HTTPURLResponse, "\(shape)")
        }
        // The failing job was waited for; the other one is let finish so its lines are in.
        _ = try await demo.waitForLine { $0.contains("\"job_completed\"") }

        func dashboard(_ path: String) async throws -> String {
            var request = URLRequest(url: URL(string: base + "/spyglass/api/" + path)!)
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            let (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(path)")
            return String(decoding: body, as: UTF8.self)
        }
        var sinks: [(name: String, text: String)] = []
        sinks.append(("dashboard logs", try await dashboard("logs?limit=10000")))
        sinks.append(("dashboard errors", try await dashboard("errors")))
        sinks.append(("dashboard jobs", try await dashboard("jobs")))
        let summaries = try await dashboard("traces?limit=1000")
        let traces = try #require(try JSONSerialization.jsonObject(with: Data(summaries.utf8)) as? [String: Any])["traces"] as? [[String: Any]]
        var traceText = summaries
        for trace in traces ?? [] {
            traceText += try await dashboard("traces/\(try #require(trace["trace_id"] as? String))")
        }
        sinks.append(("dashboard traces", traceText))
        #expect((traces ?? []).count >= 14, "a trace per request that was not refused before routing")

        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
        sinks.insert(("standard output", demo.lines.joined(separator: "\n")), at: 0)
        #expect(demo.lines.contains { $0.contains("[REDACTED]") }, "the probes' credentials were seen and replaced")

        var leaks: [String] = []
        for sink in sinks {
            for shape in Self.shapes where sink.text.contains(shape.secret) {
                leaks.append("\(sink.name): \(shape.name)")
            }
        }
        #expect(leaks.isEmpty, "\(leaks.count) leaks:\n\(leaks.joined(separator: "\n"))")
    }
}
