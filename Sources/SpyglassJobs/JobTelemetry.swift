public import Logging
import SpyglassCore
public import ServiceLifecycle
public import SpyglassMetrics
import SpyglassTracing
public import Tracing

/// Follows background jobs through their lifecycle, like the job observer of the seeds' services: log events
/// `job_created`, `job_started`, `job_progress` and `job_completed` carrying the `job_id`, the metrics
/// `jobs_total{job_type,status}`, `job_duration_seconds{job_type,status}` and `active_jobs{job_type}`, and a span
/// per job in its own trace, linked to the request that created it.
///
/// ```swift
/// let task = jobs.start("research", id: job.id) { run in
///     run.progress(0.5, message: "sources read")
///     return try await research(prompt)
/// }
/// ```
///
/// A job ends `completed` when its work returns, `cancelled` when it throws `CancellationError` (its task was
/// cancelled) and `failed` on any other error, which is logged with `error.type` and `error.message`, recorded on
/// the span and rethrown through the task.
///
/// It is also a `Service`: at graceful shutdown (it stops after the application has drained its requests and
/// before the services the jobs call) it waits up to ``shutdownTimeout`` for the jobs still running, then cancels
/// the rest, so each job's last lines, metrics and span are recorded before Spyglass exports them.
public final class JobTelemetry: Service, Sendable {
    /// How a job ended: the `status` label and the `status` of `job_completed`.
    public enum Outcome: String, Sendable {
        case completed, failed, cancelled
    }

    private let total: CounterFamily
    private let duration: HistogramFamily
    private let active: GaugeFamily
    private let logger: Logger
    /// Where each job's lifecycle is also reported (the built-in dashboard's job history); `nil`: nowhere.
    public let history: (any JobSink)?
    /// How long graceful shutdown waits for running jobs before cancelling them.
    public let shutdownTimeout: Duration
    private let running = RunningJobs()

    /// - Parameters:
    ///   - metrics: where the job metrics are declared.
    ///   - history: where each job's lifecycle is also reported; `Spyglass.bootstrap` passes the dashboard's.
    ///     Default `nil`.
    ///   - shutdownTimeout: how long graceful shutdown waits for running jobs before cancelling them; default
    ///     10 seconds.
    ///   - logger: where the lifecycle events are logged; default label `spyglass.jobs`.
    public init(
        metrics: MetricRegistry,
        history: (any JobSink)? = nil,
        shutdownTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "spyglass.jobs")
    ) {
        total = metrics.counter(StandardMetrics.jobs)
        duration = metrics.histogram(StandardMetrics.jobDuration)
        active = metrics.gauge(StandardMetrics.activeJobs)
        self.history = history
        self.shutdownTimeout = shutdownTimeout
        self.logger = logger
    }

    /// Waits for graceful shutdown (or cancellation), then ``finishRunningJobs()``.
    public func run() async throws {
        try? await gracefulShutdown()
        await finishRunningJobs()
    }

    /// Waits up to ``shutdownTimeout`` for the running jobs to end, then cancels the rest and waits up to one
    /// second more for them to record it (a job that ignores cancellation is left running).
    ///
    /// Logs `jobs_cancelled_at_shutdown` (warning) with `count` and `still_running` when it cancelled any.
    public func finishRunningJobs() async {
        if await running.waitUntilIdle(for: shutdownTimeout) { return }
        let cancelled = running.cancelAll()
        let stillRunning = await running.waitUntilIdle(for: .seconds(1)) ? 0 : running.count
        logger.warning(
            "jobs_cancelled_at_shutdown",
            metadata: ["count": "\(cancelled)", "still_running": "\(stillRunning)"]
        )
    }

    /// Logs `job_created` and runs `work` in the background as job `id` of type `type`.
    ///
    /// The work runs in a detached task (see `BackgroundWork`), in a span `job {type}` of kind consumer that
    /// begins a new trace linked to the caller's span, with `job.id` and `job.type` attributes. The caller's
    /// request id and the job id are on every line it logs.
    ///
    /// - Returns: the job's task: cancel it to cancel the job; its value is the work's.
    @discardableResult
    public func start<Success: Sendable>(
        _ type: String,
        id: String,
        priority: TaskPriority? = nil,
        work: @escaping @Sendable (JobRun) async throws -> Success
    ) -> Task<Success, any Error> {
        SpyglassContext.with({ $0.jobID = id }) {
            logger.info("job_created", metadata: ["job_type": "\(type)"])
            let job = running.begin()
            let task = BackgroundWork.start(
                "job \(type)",
                attributes: ["job.id": .string(id), "job.type": .string(type)],
                priority: priority,
                ended: { [running] in running.end(job) }
            ) { [self] span in
                try await run(JobRun(id: id, type: type, span: span, logger: logger, history: history), work: work)
            }
            running.attach(job) { task.cancel() }
            return task
        }
    }

    private func run<Success>(_ job: JobRun, work: (JobRun) async throws -> Success) async throws -> Success {
        let start = ContinuousClock.now
        let running = active.labels(job.type)
        running.increment()
        history?.started(
            id: job.id, type: job.type, traceID: job.span.context.spanIdentity?.traceIDHex,
            startedNanoseconds: DefaultTracerClock.now.nanosecondsSinceEpoch
        )
        logger.info("job_started", metadata: ["job_type": "\(job.type)"])
        func finish(_ outcome: Outcome, error: (any Error)? = nil) {
            running.decrement()
            history?.ended(
                id: job.id, status: outcome.rawValue, errorType: error.map { errorType(of: $0) },
                endedNanoseconds: DefaultTracerClock.now.nanosecondsSinceEpoch
            )
            let elapsed = ContinuousClock.now - start
            total.labels(job.type, outcome.rawValue).increment()
            duration.labels(job.type, outcome.rawValue).observe(elapsed)
            job.span.attributes["job.status"] = outcome.rawValue
            var metadata: Logger.Metadata = [
                "job_type": "\(job.type)",
                "status": "\(outcome.rawValue)",
                "duration_ms": .stringConvertible(elapsed.roundedMilliseconds),
            ]
            // The dashboard groups a failed job's error under its job type: Swift errors carry no throw site.
            if error != nil { metadata["error.source"] = "job \(job.type)" }
            logger.log(
                level: outcome == .failed ? .error : .info,
                "job_completed",
                error: error,
                metadata: metadata
            )
        }
        do {
            let result = try await work(job)
            finish(.completed)
            return result
        } catch is CancellationError {
            finish(.cancelled)
            throw CancellationError()
        } catch {
            finish(.failed, error: error)
            throw error
        }
    }
}

/// One job while it runs: report its progress, or add to its span.
public struct JobRun: Sendable {
    public let id: String
    public let type: String
    /// The job's span (`job {type}`).
    public let span: any Span
    let logger: Logger
    let history: (any JobSink)?

    /// Logs `job_progress` with `progress` (0 to 1) and an optional message, and sets `job.progress` on the span.
    public func progress(_ fraction: Double, message: String? = nil) {
        let progress = min(max(fraction, 0), 1)
        span.attributes["job.progress"] = progress
        history?.progressed(id: id, fraction: progress)
        var metadata: Logger.Metadata = ["job_type": "\(type)", "progress": .stringConvertible(progress)]
        if let message { metadata["detail"] = "\(message)" }
        logger.info("job_progress", metadata: metadata)
    }
}
