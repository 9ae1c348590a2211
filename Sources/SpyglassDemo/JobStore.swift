import Foundation
import Logging
import Spyglass
import Synchronization
import Tracing

/// What a job is, as the API shows it.
struct Job: Codable, Sendable {
    enum Kind: String, Codable, Sendable { case research, creative }
    enum Status: String, Codable, Sendable { case queued, running, completed, failed, cancelled }

    let id: String
    let kind: Kind
    let prompt: String
    var status: Status
    var progress: Double
    var result: String?
    var error: String?
    let createdAt: Date
    var finishedAt: Date?
}

/// The demo's jobs, run in the background like the seeds' job runners: each one logs its lifecycle with its
/// `job_id` and the id of the request that created it, and records `jobs_total`, `job_duration_seconds` and
/// `active_jobs`.
final class JobStore: Sendable {
    private let jobs = Mutex<[String: Job]>([:])
    private let tasks = Mutex<[String: Task<Void, any Error>]>([:])
    private let logger = Logger(label: "spyglass.demo.jobs")
    private let total: CounterFamily
    private let duration: HistogramFamily
    private let active: GaugeFamily
    /// How long one step of a job takes; tests shorten it.
    private let stepDuration: Duration

    init(metrics: MetricRegistry, stepDuration: Duration) {
        self.stepDuration = stepDuration
        total = metrics.counter("jobs_total", help: "Jobs by type and final status.", labels: ["job_type", "status"])
        duration = metrics.histogram(
            "job_duration_seconds",
            help: "Job run time by type and final status.",
            unit: "seconds",
            labels: ["job_type", "status"],
            buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
        )
        active = metrics.gauge("active_jobs", help: "Jobs running now.", labels: ["job_type"])
    }

    var all: [Job] { jobs.withLock { Array($0.values) }.sorted { $0.createdAt < $1.createdAt } }

    func job(_ id: String) -> Job? { jobs.withLock { $0[id] } }

    /// How many jobs the store holds.
    var count: Int { jobs.withLock { $0.count } }

    /// Creates a job and starts it in the background, carrying the caller's request context.
    func create(kind: Job.Kind, prompt: String) -> Job {
        let job = Job(
            id: "job_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16),
            kind: kind,
            prompt: prompt,
            status: .queued,
            progress: 0,
            createdAt: Date()
        )
        jobs.withLock { $0[job.id] = job }
        SpyglassContext.with({ $0.jobID = job.id }) {
            logger.info("job_created", metadata: ["job_type": "\(kind.rawValue)"])
            // Its own trace, linked to the request's span; its log lines keep the request id and the job id.
            let task = BackgroundWork.start(
                "job \(kind.rawValue)",
                attributes: ["job.id": .string(job.id), "job.type": .string(kind.rawValue)]
            ) { [self] span in
                try await run(job, span: span)
            }
            tasks.withLock { $0[job.id] = task }
        }
        return job
    }

    /// Waits until the job `id` has finished (completed, failed or cancelled) and returns it.
    func finished(_ id: String) async -> Job? {
        _ = await tasks.withLock { $0[id] }?.result
        return job(id)
    }

    /// Cancels a queued or running job; `nil` when there is no such job.
    func cancel(_ id: String) -> Job? {
        guard job(id) != nil else { return nil }
        tasks.withLock { $0[id] }?.cancel()
        return job(id)
    }

    private func update(_ id: String, _ change: (inout Job) -> Void) {
        jobs.withLock { jobs in
            if var job = jobs[id] {
                change(&job)
                jobs[id] = job
            }
        }
    }

    private func run(_ job: Job, span: any Span) async throws {
        let kind = job.kind.rawValue
        let start = ContinuousClock.now
        let steps = job.kind == .research ? 5 : 3
        update(job.id) { $0.status = .running }
        active.labels(kind).increment()
        logger.info("job_started", metadata: ["job_type": "\(kind)", "steps": .stringConvertible(steps)])
        var status = Job.Status.completed
        do {
            for step in 1...steps {
                try await Task.sleep(for: stepDuration)
                let progress = Double(step) / Double(steps)
                update(job.id) { $0.progress = progress }
                logger.info("job_progress", metadata: ["job_type": "\(kind)", "progress": .stringConvertible(progress)])
                if job.prompt.contains("fail"), step == steps - 1 { throw JobFailure() }
            }
            update(job.id) {
                $0.result = "\(kind) result for \"\($0.prompt)\""
                $0.status = .completed
            }
        } catch is CancellationError {
            status = .cancelled
            update(job.id) { $0.status = .cancelled }
        } catch {
            status = .failed
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error, message: "\(error)"))
            update(job.id) {
                $0.status = .failed
                $0.error = "\(error)"
            }
        }
        update(job.id) { $0.finishedAt = Date() }
        active.labels(kind).decrement()
        total.labels(kind, status.rawValue).increment()
        duration.labels(kind, status.rawValue).observe(ContinuousClock.now - start)
        span.attributes["job.status"] = status.rawValue
        let level: Logger.Level = status == .failed ? .error : .info
        logger.log(level: level, "job_completed", metadata: ["job_type": "\(kind)", "status": "\(status.rawValue)"])
    }

    struct JobFailure: Error, CustomStringConvertible {
        var description: String { "the model gave up" }
    }
}
