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
        let (_, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return Answer(traceID: try #require(http.value(forHTTPHeaderField: "X-Trace-ID")), status: http.statusCode)
    }

    /// Runs the demo exporting to `endpoint` over `transport`, sends `count` requests plus one continuing a caller's
    /// trace and one rejected, stops it with SIGTERM, and returns its answers and log lines.
    private func runDemo(
        endpoint: String,
        transport: String,
        count: Int,
        callerTrace: String
    ) async throws -> (listed: [Answer], continued: Answer, rejected: Answer, lines: [[String: Any]]) {
        let demo = try DemoProcess(
            arguments: ["--port", "0"],
            environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": transport]
        )
        let started = try json(try await demo.waitForLine { $0.contains("\"server_started\"") })
        let port = try #require(started["port"] as? Int)
        var listed: [Answer] = []
        for _ in 0..<count { listed.append(try await request(port, "GET", "/v1/jobs")) }
        let continued = try await request(port, "GET", "/v1/jobs", traceparent: "00-\(callerTrace)-00f067aa0ba902b7-01")
        let rejected = try await request(port, "POST", "/v1/commands", body: #"{"kind":"poetry","prompt":"x"}"#)
        // Every span is still in the batch processor (it exports every 5 s): SIGTERM must send them all.
        demo.process.terminate()
        #expect(await demo.waitForExit() == 0)
        return (listed, continued, rejected, try demo.lines.map(json))
    }

    @Test func theDemoExportsItsSpansToPhoenixOverHTTPAndGRPC() async throws {
        let phoenix = try await PhoenixServer()
        defer { phoenix.stop() }

        for (transport, endpoint, callerTrace) in [
            ("http/protobuf", "http://127.0.0.1:\(phoenix.httpPort)", "4bf92f3577b34da6a3ce929d0e0e4736"),
            ("grpc", "http://127.0.0.1:\(phoenix.grpcPort)", "5cf92f3577b34da6a3ce929d0e0e4737"),
        ] {
            let count = 25
            let run = try await runDemo(endpoint: endpoint, transport: transport, count: count, callerTrace: callerTrace)
            let expected = Set(run.listed.map(\.traceID) + [run.continued.traceID, run.rejected.traceID])
            #expect(expected.count == count + 2, "every request has its own trace")

            let spans = try await phoenix.spans { spans in expected.isSubset(of: Set(spans.map(\.traceID))) }
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

            // The request_completed line of each request carries the ids of the span Phoenix received.
            let completed = run.lines.filter { $0["message"] as? String == "request_completed" }
            #expect(completed.count == count + 2)
            for line in completed {
                let traceID = try #require(line["trace_id"] as? String)
                let span = try #require(byTrace[traceID]?.first, "\(transport): logged trace \(traceID) not in Phoenix")
                #expect(line["span_id"] as? String == span.spanID)
            }
        }
    }
}
