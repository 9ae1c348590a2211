import Foundation
import Logging
import ServiceLifecycle
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Drives realistic load against the demo itself (`--traffic`), so every telemetry view has data: commands
/// of both kinds (some failing), chat messages (some refused by the model), job reads and listings,
/// cancellations, unknown jobs, unmatched paths and readiness probes.
///
/// A service listed after the application: it starts sending once told the server's port, and stops at the
/// start of graceful shutdown, before the server drains. It finishes the request in flight instead of cancelling
/// it: cancelling a `URLSession` request from another task can deadlock swift-corelibs-foundation (the demo hung
/// on SIGTERM that way).
struct TrafficGenerator: Service {
    /// Pause between rounds of requests.
    let interval: Duration
    private let ports: AsyncStream<Int>
    private let portContinuation: AsyncStream<Int>.Continuation
    private let logger = Logger(label: "spyglass.demo.traffic")

    init(interval: Duration) {
        self.interval = interval
        (ports, portContinuation) = AsyncStream.makeStream()
    }

    /// Starts the traffic against `port`, where the server now listens.
    func serverStarted(port: Int) {
        portContinuation.yield(port)
        portContinuation.finish()
    }

    func run() async {
        let stopping = StopSignal()
        await withGracefulShutdownHandler {
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            await drive(URL(string: "http://127.0.0.1:\(port)")!, until: stopping)
        } onGracefulShutdown: {
            stopping.stop()
            portContinuation.finish()
        }
    }

    private func drive(_ baseURL: URL, until stopping: StopSignal) async {
        logger.info("traffic_started", metadata: ["target": "\(baseURL.absoluteString)"])
        let session = URLSession(configuration: .ephemeral)
        var round = 0
        var jobIDs: [String] = []
        while !stopping.isStopped, !Task.isCancelled {
            round += 1
            do {
                let kind = round.isMultiple(of: 2) ? "research" : "creative"
                let prompt = round.isMultiple(of: 7) ? "please fail this one" : "topic \(round)"
                if let id = try await command(kind: kind, prompt: prompt, baseURL: baseURL, session: session) { jobIDs.append(id) }
                if round.isMultiple(of: 3) {
                    // The assistant agent inside the request; now and then the model refuses (429) or fails (500).
                    // A few questions asked again and again, so the answer cache has hits and misses.
                    let questions = ["which jobs ran?", "which jobs failed?", "how long do research jobs take?", "what did the last job find in round \(round / 30)?"]
                    let message = round.isMultiple(of: 30) ? "rate-limit check" : round.isMultiple(of: 51) ? "overload check" : questions[round % questions.count]
                    let body = try JSONSerialization.data(withJSONObject: ["message": message])
                    _ = try await send("POST", "/v1/chat", body: body, baseURL: baseURL, session: session)
                }
                if let id = jobIDs.randomElement() { _ = try await send("GET", "/v1/jobs/\(id)", baseURL: baseURL, session: session) }
                _ = try await send("GET", "/v1/jobs", baseURL: baseURL, session: session)
                if round.isMultiple(of: 5) {
                    _ = try await send("GET", "/v1/jobs/job_unknown", baseURL: baseURL, session: session)
                    // As a Kubernetes readiness probe would: the health checks run and record their status.
                    _ = try await send("GET", "/health/ready", baseURL: baseURL, session: session)
                }
                if round.isMultiple(of: 11) { _ = try await send("GET", "/v1/nothing/\(round)", baseURL: baseURL, session: session) }
                if round.isMultiple(of: 13), let id = jobIDs.last {
                    _ = try await send("DELETE", "/v1/jobs/\(id)", baseURL: baseURL, session: session)
                }
                if jobIDs.count > 50 { jobIDs.removeFirst(25) }
                try await Task.sleep(for: interval)
            } catch is CancellationError {
                break
            } catch {
                guard !stopping.isStopped else { break }
                logger.warning("traffic_request_failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func command(kind: String, prompt: String, baseURL: URL, session: URLSession) async throws -> String? {
        let body = try JSONSerialization.data(withJSONObject: ["kind": kind, "prompt": prompt])
        let data = try await send("POST", "/v1/commands", body: body, baseURL: baseURL, session: session)
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["id"] as? String
    }

    private func send(_ method: String, _ path: String, body: Data? = nil, baseURL: URL, session: URLSession) async throws -> Data {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        request.setValue("spyglass-demo-traffic/1.0", forHTTPHeaderField: "User-Agent")
        return try await session.data(for: request).0
    }
}

/// Set once, when graceful shutdown begins.
private final class StopSignal: Sendable {
    private let stopped = Atomic(false)

    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    func stop() { stopped.store(true, ordering: .releasing) }
}
