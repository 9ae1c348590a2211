import Foundation
import SpyglassTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Arize Phoenix (`phoenix serve`, PyPI `arize-phoenix`) on free loopback ports: OTLP/HTTP at `/v1/traces` on its
/// web port, OTLP/gRPC on a second port, its database in a temporary folder. Its HTTP API lists the spans it
/// received.
final class PhoenixServer {
    /// A span as Phoenix's `GET /v1/projects/{project}/spans` returns it.
    struct Span {
        let name: String
        let traceID: String
        let spanID: String
        let parentID: String?
        /// Phoenix's classification (OpenInference): `LLM`, `AGENT`, `TOOL`, `UNKNOWN`…
        let spanKind: String
        let statusCode: String
        let attributes: [String: Any]
        let eventNames: [String]
    }

    let httpPort: Int
    let grpcPort: Int
    private let process = Process()
    private let directory: URL

    /// Starts Phoenix and waits until it answers; `httpPort` `nil` takes a free port.
    init(httpPort: Int? = nil) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("phoenix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.httpPort = try httpPort ?? Peers.freeLoopbackPort()
        grpcPort = try Peers.freeLoopbackPort()
        process.executableURL = URL(fileURLWithPath: try Peers.phoenix)
        process.arguments = ["serve"]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OTEL_") && !$0.key.hasPrefix("PHOENIX_") }
        environment["PHOENIX_HOST"] = "127.0.0.1"
        environment["PHOENIX_PORT"] = String(self.httpPort)
        environment["PHOENIX_GRPC_PORT"] = String(grpcPort)
        environment["PHOENIX_WORKING_DIR"] = directory.path
        environment["PHOENIX_TELEMETRY_ENABLED"] = "false"
        process.environment = environment
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try await waitUntilHealthy()
    }

    /// Phoenix's own output, for a failure message.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    private var logFile: URL { directory.appendingPathComponent("phoenix.log") }

    /// Kills Phoenix: nothing of its state is kept, and it does not exit on SIGTERM while it holds connections.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Phoenix can only be observed by asking: this asks `/healthz` every 250 ms, for up to two minutes (it
    /// migrates its database first).
    private func waitUntilHealthy() async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        let url = URL(string: "http://127.0.0.1:\(httpPort)/healthz")!
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw PhoenixFailed(reason: "phoenix exited", log: log) }
            if let (_, response) = try? await URLSession.shared.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw PhoenixFailed(reason: "phoenix did not become healthy within 120 s", log: log)
    }

    /// The spans of the default project, asked for every 250 ms until `accept` is satisfied, for at most `timeout`
    /// (Phoenix writes what it receives to its database in the background).
    func spans(timeout: Duration = .seconds(180), until accept: ([Span]) -> Bool) async throws -> [Span] {
        let deadline = ContinuousClock.now + timeout
        var last: [Span] = []
        while ContinuousClock.now < deadline {
            if let spans = try? await allSpans() {
                last = spans
                if accept(spans) { return spans }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw PhoenixFailed(reason: "the spans Phoenix lists never satisfied the test (\(last.count) spans: \(last.map(\.name)))", log: log)
    }

    private func allSpans() async throws -> [Span] {
        var spans: [Span] = []
        var cursor: String?
        repeat {
            var components = URLComponents(string: "http://127.0.0.1:\(httpPort)/v1/projects/default/spans")!
            components.queryItems = [URLQueryItem(name: "limit", value: "1000")] + (cursor.map { [URLQueryItem(name: "cursor", value: $0)] } ?? [])
            let (data, _) = try await URLSession.shared.data(from: components.url!)
            guard let page = try JSONSerialization.jsonObject(with: data) as? [String: Any], let items = page["data"] as? [[String: Any]] else {
                throw PhoenixFailed(reason: "unexpected answer: \(String(decoding: data, as: UTF8.self))", log: "")
            }
            spans += items.compactMap(Self.span)
            cursor = page["next_cursor"] as? String
        } while cursor != nil
        return spans
    }

    private static func span(_ item: [String: Any]) -> Span? {
        guard let name = item["name"] as? String, let context = item["context"] as? [String: Any],
            let traceID = context["trace_id"] as? String, let spanID = context["span_id"] as? String
        else { return nil }
        return Span(
            name: name,
            traceID: traceID,
            spanID: spanID,
            parentID: item["parent_id"] as? String,
            spanKind: item["span_kind"] as? String ?? "",
            statusCode: item["status_code"] as? String ?? "",
            attributes: item["attributes"] as? [String: Any] ?? [:],
            eventNames: (item["events"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        )
    }

    struct PhoenixFailed: Error, CustomStringConvertible {
        let reason: String
        let log: String
        var description: String { "\(reason)\n--- phoenix output ---\n\(log.suffix(4000))" }
    }
}
