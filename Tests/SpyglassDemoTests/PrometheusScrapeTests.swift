import Foundation
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real Prometheus server (Debian package `prometheus`) scrapes the demo while its traffic generator runs;
/// PromQL over Prometheus's HTTP API must find request rates and latency quantiles for the demo's endpoints.
@Suite(.serialized) struct PrometheusScrapeTests {
    @Test(arguments: DemoServer.allCases)
    func prometheusScrapesTheDemoAndAnswersPromQL(server: DemoServer) async throws {
        let demo = try ChildProcess(arguments: ["--server", server.rawValue, "--port", "0", "--traffic", "--traffic-interval", "20", "--job-step-milliseconds", "5"], environment: [:])
        defer { demo.process.terminate() }
        let started = try JSONSerialization.jsonObject(with: Data(try await demo.waitForLine { $0.contains("\"server_started\"") }.utf8)) as? [String: Any]
        let demoPort = try #require(started?["port"] as? Int)

        let prometheus = try PrometheusServer(scraping: demoPort)
        defer { prometheus.stop() }

        let rates = try await prometheus.query("rate(http_requests_total[1m]) > 0", until: { $0.count >= 3 })
        let endpoints = Set(rates.compactMap { $0.labels["endpoint"] })
        #expect(endpoints.isSuperset(of: ["/v1/commands", "/v1/jobs", "/v1/jobs/{id}"]))

        let quantiles = try await prometheus.query(
            "histogram_quantile(0.95, sum by (le, endpoint) (rate(http_request_duration_seconds_bucket[1m])))",
            until: { results in results.contains { $0.labels["endpoint"] == "/v1/commands" && $0.value.isFinite } }
        )
        let commands = try #require(quantiles.first { $0.labels["endpoint"] == "/v1/commands" })
        #expect(commands.value > 0 && commands.value <= 10)
    }

    /// Prometheus with native histograms scrapes over protobuf; the quantiles it computes from the native series
    /// agree with the exact quantiles of the requests' own durations (their `duration_ms`, the same clock reading
    /// the histogram observed, logged to the microsecond) within the stated relative error, for a route that
    /// answers in a fraction of a millisecond, where the classic buckets can only say "under 5 ms". Without the
    /// feature flag the same demo is scraped as text and its classic series answer.
    @Test(arguments: [true, false])
    func nativeHistogramQuantilesAgreeWithTheRequestsOwnDurations(nativeHistograms: Bool) async throws {
        let demo = try ChildProcess(arguments: ["--port", "0"], environment: ["SPYGLASS_LOG_SAMPLING": "off"])  // every request's line
        defer { demo.process.terminate() }
        let started = try JSONSerialization.jsonObject(with: Data(try await demo.waitForLine { $0.contains("\"server_started\"") }.utf8)) as? [String: Any]
        let demoPort = try #require(started?["port"] as? Int)
        let prometheus = try PrometheusServer(scraping: demoPort, nativeHistograms: nativeHistograms)
        defer { prometheus.stop() }

        let requests = 400
        for index in 0..<requests {
            _ = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(demoPort)/v1/echo/word\(index)")!)
        }
        let lines = await demo.waitForLines(requests) { $0.contains("\"request_completed\"") && $0.contains("\"/v1/echo/{word}\"") }
        let durations = lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["duration_ms"] as? Double
        }.map { $0 / 1000 }.sorted()
        try #require(durations.count == requests)

        let selector = #"http_request_duration_seconds{method="GET",endpoint="/v1/echo/{word}"}"#
        guard nativeHistograms else {
            // Text scrape: the classic series answer, and the native ones do not exist.
            _ = try await prometheus.query("sum(\(selector.replacingOccurrences(of: "seconds{", with: "seconds_count{")))", until: { $0.first?.value == Double(requests) })
            let classic = try await prometheus.query(
                #"histogram_quantile(0.5, sum by (le) (http_request_duration_seconds_bucket{method="GET",endpoint="/v1/echo/{word}"}))"#,
                until: { !$0.isEmpty })
            #expect(try #require(classic.first).value <= 0.005)
            #expect(try await prometheus.query("histogram_count(sum(\(selector)))", until: { _ in true }).isEmpty)
            return
        }
        // Every request scraped: the native series' count is the number sent.
        _ = try await prometheus.query("histogram_count(sum(\(selector)))", until: { $0.first?.value == Double(requests) })
        let bound = pow(2, 1.0 / 32) - 1  // schema 5: 2.2%
        for q in [0.5, 0.9, 0.99] {
            let answer = try await prometheus.query("histogram_quantile(\(q), sum(\(selector)))", until: { !$0.isEmpty })
            let estimate = try #require(answer.first).value
            let exact = durations[max(0, Int((q * Double(requests)).rounded(.up)) - 1)]
            // duration_ms is rounded to the microsecond: half of one more may separate it from what was observed.
            #expect(abs(estimate - exact) <= bound * exact + 0.5e-6, "q=\(q): Prometheus \(estimate) s, exact \(exact) s")
            if q == 0.5 { #expect(estimate < 0.001, "the median of a route answering in a fraction of a millisecond: \(estimate) s") }
        }
    }
}


/// `prometheus` started on a free loopback port with a one-second scrape of the demo, in a temporary folder.
final class PrometheusServer {
    struct Sample {
        let labels: [String: String]
        let value: Double
    }

    let port: Int
    private let process = Process()
    private let directory: URL

    /// - Parameters:
    ///   - target: the demo's port.
    ///   - ruleFiles: rule files to load, evaluated every second.
    ///   - nativeHistograms: run with `--enable-feature=native-histograms`, which scrapes over protobuf.
    init(scraping target: Int, ruleFiles: [URL] = [], nativeHistograms: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [\(ruleFiles.map { "\"\($0.path)\"" }.joined(separator: ", "))]
            scrape_configs:
              - job_name: spyglass-demo
                static_configs:
                  - targets: ["127.0.0.1:\(target)"]
            """
        let configurationFile = directory.appendingPathComponent("prometheus.yml")
        try configuration.write(to: configurationFile, atomically: true, encoding: .utf8)
        port = try Peers.freeLoopbackPort()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        process.arguments = [
            "--config.file=\(configurationFile.path)",
            "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
        ] + (nativeHistograms ? ["--enable-feature=native-histograms"] : [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `promql` until `accept` is satisfied by the result, for at most `timeout`. Prometheus can only be
    /// observed by asking, so this asks every 250 ms.
    func query(_ promql: String, timeout: Duration = .seconds(60), until accept: ([Sample]) -> Bool) async throws -> [Sample] {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: promql)]
        // URLComponents leaves `+` as is, which a form decoder (Prometheus's) reads as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        let deadline = ContinuousClock.now + timeout
        var last: [Sample] = []
        while ContinuousClock.now < deadline {
            if let (data, _) = try? await URLSession.shared.data(from: components.url!),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            {
                if object["status"] as? String == "error" {
                    throw QueryFailed(query: promql, error: "\(object["errorType"] ?? ""): \(object["error"] ?? "")")
                }
                let results = (object["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
                last = results.compactMap { result in
                    guard let labels = result["metric"] as? [String: String], let value = result["value"] as? [Any],
                        let text = value.last as? String, let number = Double(text)
                    else { return nil }
                    return Sample(labels: labels, value: number)
                }
                if accept(last) { return last }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw QueryTimedOut(query: promql, last: last.map { "\($0.labels) \($0.value)" })
    }

    struct QueryTimedOut: Error {
        let query: String
        let last: [String]
    }

    /// Prometheus refused the query (it does not parse, or cannot be evaluated).
    struct QueryFailed: Error {
        let query: String
        let error: String
    }

    /// Every rule Prometheus has loaded, with its health and last error (`GET /api/v1/rules`).
    func rules() async throws -> [(name: String, health: String, lastError: String)] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/api/v1/rules")!)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let groups = (object?["data"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
        return groups.flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }.map { rule in
            (rule["name"] as? String ?? "", rule["health"] as? String ?? "", rule["lastError"] as? String ?? "")
        }
    }
}
