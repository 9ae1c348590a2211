import Foundation
import Logging
import SpyglassCore
import SpyglassMetrics
import SpyglassDashboard
import SpyglassTestSupport
import SpyglassTracing
import Synchronization
import Testing
import Tracing

@testable import SpyglassJobs

/// A wait that, unlike an `AsyncStream`'s, ignores cancellation: work that does not stop when asked.
private final class Latch: Sendable {
    private let state = Mutex<(isOpen: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func wait() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state in
                if !state.isOpen { state.waiter = continuation }
                return state.isOpen
            }
            if isOpen { continuation.resume() }
        }
    }

    func open() {
        state.withLock { state in
            state.isOpen = true
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }
}

@Suite struct JobTelemetryTests {
    let registry = MetricRegistry()
    let store = SpanStore(capacity: 100)
    let logs: LogCapture

    init() throws {
        logs = try LogCapture()
    }

    private var metrics: String { String(decoding: registry.render(), as: UTF8.self) }

    struct Unreachable: Error, CustomStringConvertible {
        var description: String { "the image API answered 503" }
    }

    @Test func aJobLogsItsLifecycleWithItsIDsAndLinksToTheRequest() async throws {
        let history = JobHistory()
        let jobs = JobTelemetry(metrics: registry, history: history, logger: logs.logger("jobs"))
        let tracer = SpyglassTracer(store: store)
        let task = try await withTracer(tracer) {
            try await withSpan("POST /v1/commands", ofKind: .server) { _ in
                SpyglassContext.with({ $0.requestID = "req-42" }) {
                    jobs.start("research", id: "job_1") { run in
                        run.progress(0.5, message: "sources read")
                        return "done"
                    }
                }
            }
        }
        #expect(try await task.value == "done")

        let lines = try logs.lines()
        #expect(lines.compactMap { $0["message"] as? String } == ["job_created", "job_started", "job_progress", "job_completed"])
        for line in lines {
            #expect(line["job_id"] as? String == "job_1")
            #expect(line["request_id"] as? String == "req-42")
            #expect(line["job_type"] as? String == "research")
        }
        #expect(lines[2]["progress"] as? Double == 0.5)
        #expect(lines[2]["detail"] as? String == "sources read")
        #expect(lines[3]["status"] as? String == "completed")
        #expect(lines[3]["duration_ms"] is Double)

        let request = try #require(store.spans().first { $0.operationName == "POST /v1/commands" })
        let job = try #require(store.spans().first { $0.operationName == "job research" })
        #expect(job.kind == .consumer)
        #expect(job.parentSpanID == nil && job.traceIDLow != request.traceIDLow, "a trace of its own")
        #expect(job.links.map(\.spanID) == [request.spanID])
        #expect(job.attributes.get("job.id") == .string("job_1"))
        #expect(job.attributes.get("job.status") == .string("completed"))
        // job_created is written in the request's trace, the rest in the job's.
        #expect(lines[0]["trace_id"] as? String == request.traceIDHex)
        #expect(lines[1]["trace_id"] as? String == job.traceIDHex)

        let text = metrics
        #expect(text.contains(#"jobs_total{job_type="research",status="completed"} 1"#))
        #expect(text.contains(#"job_duration_seconds_count{job_type="research",status="completed"} 1"#))
        #expect(text.contains(#"active_jobs{job_type="research"} 0"#))

        let kept = try #require(history.ended(limit: 10).first, "the dashboard's job history")
        #expect(kept.id == "job_1" && kept.type == "research" && kept.status == "completed" && kept.progress == 0.5)
        #expect(kept.traceID == job.traceIDHex && (kept.endedNanoseconds ?? 0) >= kept.startedNanoseconds)
        #expect(history.running().isEmpty)
    }

    @Test func failedAndCancelledJobsEndWithTheirStatus() async throws {
        let history = JobHistory()
        let jobs = JobTelemetry(metrics: registry, history: history, logger: logs.logger("jobs"))
        let failing = withTracer(SpyglassTracer(store: store)) {
            jobs.start("creative", id: "job_f") { _ -> Int in throw Unreachable() }
        }
        await #expect(throws: Unreachable.self) { try await failing.value }

        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let cancelled = jobs.start("creative", id: "job_c") { _ -> Int in
            #expect(metrics.contains(#"active_jobs{job_type="creative"} 1"#))
            startedContinuation.finish()
            try await Task.sleep(for: .seconds(600))
            return 1
        }
        for await _ in started {}
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }

        let text = metrics
        #expect(text.contains(#"jobs_total{job_type="creative",status="failed"} 1"#))
        #expect(text.contains(#"jobs_total{job_type="creative",status="cancelled"} 1"#))
        #expect(text.contains(#"active_jobs{job_type="creative"} 0"#))
        let completed = try logs.lines().filter { $0["message"] as? String == "job_completed" }
        let failed = try #require(completed.first { $0["job_id"] as? String == "job_f" })
        #expect(failed["level"] as? String == "error")
        #expect(failed["status"] as? String == "failed")
        #expect(failed["error.message"] as? String == "the image API answered 503")
        #expect(failed["error.source"] as? String == "job creative", "where the dashboard groups the error")
        #expect(completed.first { $0["job_id"] as? String == "job_c" }?["error.source"] == nil)
        #expect(Set(history.ended(limit: 10).map { "\($0.id) \($0.status) \($0.errorType ?? "-")" }) == ["job_f failed Unreachable", "job_c cancelled -"])
        #expect(completed.first { $0["job_id"] as? String == "job_c" }?["status"] as? String == "cancelled")
        let span = try #require(store.spans().first { $0.attributes.get("job.id") == .string("job_f") })
        #expect(span.status?.code == .error)
        #expect(span.events.map(\.name) == ["exception"])
    }

    /// At graceful shutdown the jobs still running are waited for: the job's span has ended and its last line is
    /// written when ``JobTelemetry/finishRunningJobs()`` returns, so Spyglass's export, which comes after, sends them.
    @Test func shutdownWaitsForARunningJobUntilItsSpanHasEnded() async throws {
        let jobs = JobTelemetry(metrics: registry, shutdownTimeout: .seconds(600), logger: logs.logger("jobs"))
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let (gate, opener) = AsyncStream<Void>.makeStream()
        let job = withTracer(SpyglassTracer(store: store)) {
            jobs.start("research", id: "job_s") { _ in
                startedContinuation.finish()
                for await _ in gate {}
                return "done"
            }
        }
        for await _ in started {}
        let finished = Task {
            await jobs.finishRunningJobs()
            return (store.spans().map(\.operationName), try logs.lines().compactMap { $0["message"] as? String })
        }
        opener.finish()
        let (spans, messages) = try await finished.value
        #expect(spans == ["job research"])
        #expect(messages == ["job_created", "job_started", "job_completed"], "nothing cancelled")
        #expect(try await job.value == "done")
    }

    /// A job still running when the shutdown timeout ends is cancelled, and ends `cancelled` with its span; one
    /// that ignores cancellation is reported still running a second later, not waited for.
    @Test func shutdownCancelsTheJobsStillRunningAfterItsTimeout() async throws {
        let jobs = JobTelemetry(metrics: registry, shutdownTimeout: .zero, logger: logs.logger("jobs"))
        let (started, startedContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .unbounded)
        let release = Latch()
        let tracer = SpyglassTracer(store: store)
        let waiting = withTracer(tracer) {
            jobs.start("research", id: "job_w") { _ -> Int in
                startedContinuation.yield()
                try await Task.sleep(for: .seconds(3600))
                return 1
            }
        }
        let stubborn = withTracer(tracer) {
            jobs.start("creative", id: "job_x") { _ -> Int in
                startedContinuation.yield()
                await release.wait()
                return 2
            }
        }
        var count = 0
        for await _ in started {
            count += 1
            if count == 2 { break }
        }
        await jobs.finishRunningJobs()

        await #expect(throws: CancellationError.self) { try await waiting.value }
        let lines = try logs.lines()
        let cancelled = try #require(lines.first { $0["message"] as? String == "job_completed" && $0["job_id"] as? String == "job_w" })
        #expect(cancelled["status"] as? String == "cancelled")
        #expect(store.spans().first { $0.attributes.get("job.id") == .string("job_w") }?.attributes.get("job.status") == .string("cancelled"))
        let warning = try #require(lines.first { $0["message"] as? String == "jobs_cancelled_at_shutdown" })
        #expect(warning["level"] as? String == "warning")
        #expect(warning["count"] as? String == "2" && warning["still_running"] as? String == "1")
        release.open()
        #expect(try await stubborn.value == 2)
    }

    @Test func externalCallsAreCountedByProviderOperationAndOutcome() async throws {
        let calls = ExternalCallTelemetry(metrics: registry, logger: logs.logger("external"))
        try await withTracer(SpyglassTracer(store: store)) {
            let found = try await calls.track(provider: "yutori", operation: "create_task") { 3 }
            #expect(found == 3)
            await #expect(throws: Unreachable.self) {
                try await calls.track(provider: "freepik", operation: "generate") { () async throws -> Int in throw Unreachable() }
            }
        }
        let text = metrics
        #expect(text.contains(#"external_api_calls_total{provider="yutori",operation="create_task",status="success"} 1"#))
        #expect(text.contains(#"external_api_calls_total{provider="freepik",operation="generate",status="error"} 1"#))
        #expect(text.contains(#"external_api_duration_seconds_count{provider="freepik",operation="generate"} 1"#))
        let lines = try logs.lines()
        #expect(lines.map { $0["message"] as? String } == ["external_api_call", "external_api_call"])
        #expect(lines[0]["success"] as? Bool == true && lines[0]["level"] as? String == "info")
        #expect(lines[1]["success"] as? Bool == false && lines[1]["level"] as? String == "warning")
        #expect(lines[1]["error.message"] as? String == "the image API answered 503")
        let span = try #require(store.spans().first { $0.operationName == "freepik generate" })
        #expect(span.kind == .client && span.status?.code == .error)
        #expect(span.attributes.get("error.type") == .string("Unreachable"))
    }
}
