import Foundation
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Drives realistic load against the demo itself (`--traffic`), so every telemetry view has data: commands
/// of both kinds (some failing), job reads and listings, cancellations, unknown jobs and unmatched paths.
struct TrafficGenerator: Sendable {
    let baseURL: URL
    /// Pause between requests.
    let interval: Duration
    private let logger = Logger(label: "spyglass.demo.traffic")

    init(port: Int, interval: Duration) {
        baseURL = URL(string: "http://127.0.0.1:\(port)")!
        self.interval = interval
    }

    func run() async {
        logger.info("traffic_started", metadata: ["target": "\(baseURL.absoluteString)"])
        let session = URLSession(configuration: .ephemeral)
        var round = 0
        var jobIDs: [String] = []
        while !Task.isCancelled {
            round += 1
            do {
                let kind = round.isMultiple(of: 2) ? "research" : "creative"
                let prompt = round.isMultiple(of: 7) ? "please fail this one" : "topic \(round)"
                if let id = try await command(kind: kind, prompt: prompt, session: session) { jobIDs.append(id) }
                if let id = jobIDs.randomElement() { _ = try await send("GET", "/v1/jobs/\(id)", session: session) }
                _ = try await send("GET", "/v1/jobs", session: session)
                if round.isMultiple(of: 5) { _ = try await send("GET", "/v1/jobs/job_unknown", session: session) }
                if round.isMultiple(of: 11) { _ = try await send("GET", "/v1/nothing/\(round)", session: session) }
                if round.isMultiple(of: 13), let id = jobIDs.last { _ = try await send("DELETE", "/v1/jobs/\(id)", session: session) }
                if jobIDs.count > 50 { jobIDs.removeFirst(25) }
                try await Task.sleep(for: interval)
            } catch is CancellationError {
                break
            } catch {
                logger.warning("traffic_request_failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func command(kind: String, prompt: String, session: URLSession) async throws -> String? {
        let body = try JSONSerialization.data(withJSONObject: ["kind": kind, "prompt": prompt])
        let data = try await send("POST", "/v1/commands", body: body, session: session)
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["id"] as? String
    }

    private func send(_ method: String, _ path: String, body: Data? = nil, session: URLSession) async throws -> Data {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        request.setValue("spyglass-demo-traffic/1.0", forHTTPHeaderField: "User-Agent")
        return try await session.data(for: request).0
    }
}
