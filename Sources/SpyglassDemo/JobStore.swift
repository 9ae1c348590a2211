import Foundation
import Spyglass
import SpyglassJobs
@_spi(Locking) import SpyglassCore

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

/// The demo's jobs, run in the background by its agents like the seeds' job runners, observed by Spyglass's
/// ``JobTelemetry``: lifecycle log lines with the `job_id` and the id of the request that created them,
/// `jobs_total`, `job_duration_seconds`, `active_jobs`, and a trace per job linked to that request. What is kept is
/// bounded by a ``JobLedger``.
final class JobStore: Sendable {
    private let ledger: Locked<JobLedger>
    /// The tasks of jobs in progress; a task leaves when its job ends.
    private let tasks = Locked<[String: Task<Void, any Error>]>([:])
    private let telemetry: JobTelemetry
    private let agents: DemoAgents
    /// The longest error text kept with a failed job.
    static let errorLimit = 1_000

    init(telemetry: JobTelemetry, agents: DemoAgents, ledger: JobLedger = JobLedger()) {
        self.telemetry = telemetry
        self.agents = agents
        self.ledger = Locked(ledger)
    }

    /// Up to `limit` jobs, newest first, after the cursor of an earlier page.
    func page(limit: Int, cursor: Int? = nil) -> JobLedger.Page { ledger.withLock { $0.page(limit: limit, cursor: cursor) } }

    func job(_ id: String) -> Job? { ledger.withLock { $0.job(id) } }

    /// How many jobs the store holds.
    var count: Int { ledger.withLock { $0.count } }

    /// Creates a job and starts it in the background, carrying the caller's request context.
    ///
    /// - Throws: ``JobLedger/LimitReached`` when as many jobs as the ledger allows are already in progress.
    func create(kind: Job.Kind, prompt: String) throws(JobLedger.LimitReached) -> Job {
        let job = Job(
            id: "job_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16),
            kind: kind,
            prompt: prompt,
            status: .queued,
            progress: 0,
            createdAt: Date()
        )
        try ledger.withLock { ledger throws(JobLedger.LimitReached) in try ledger.insert(job) }
        // The task is registered before it can end, under the same lock it removes itself with.
        tasks.withLock { tasks in
            tasks[job.id] = telemetry.start(kind.rawValue, id: job.id) { [self] run in
                defer { self.tasks.withLock { _ = $0.removeValue(forKey: job.id) } }
                try await self.run(job, run)
            }
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
        ledger.withLock { $0.update(id, change) }
    }

    private func run(_ job: Job, _ run: JobRun) async throws {
        update(job.id) { $0.status = .running }
        let progress: @Sendable (Double) -> Void = { [self] fraction in
            update(job.id) { $0.progress = fraction }
            run.progress(fraction)
        }
        do {
            let result = switch job.kind {
            case .research: try await agents.research(job.prompt, progress: progress)
            case .creative: try await agents.creative(job.prompt, progress: progress)
            }
            update(job.id) {
                $0.result = result
                $0.status = .completed
                $0.finishedAt = Date()
            }
        } catch is CancellationError {
            update(job.id) {
                $0.status = .cancelled
                $0.finishedAt = Date()
            }
            throw CancellationError()
        } catch {
            update(job.id) {
                $0.status = .failed
                $0.error = String("\(error)".prefix(Self.errorLimit))
                $0.finishedAt = Date()
            }
            throw error
        }
    }
}
