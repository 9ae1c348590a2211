public import Logging
public import ServiceLifecycle
@_spi(Locking) import SpyglassCore

/// Items waiting for export, sent in batches by a background task: the request path only appends to a bounded
/// queue under a lock, and wakes the task once per full batch, never per item. OTLP's span and log export and the
/// Sentry reporter are each one.
///
/// A batch is sent when it is full or when its oldest item has waited ``BatchConfiguration/scheduleDelay``. A
/// transient failure is retried with exponential backoff and jitter (or after the delay the receiver asks for),
/// within ``BatchConfiguration/exportTimeout``; then, or on a permanent failure, the batch is counted lost. At
/// graceful shutdown everything queued is sent once more, within one export timeout in all, before the transport's
/// connections close.
@_spi(Export)
public final class BatchExporter<Item: Sendable>: Service, Sendable {
    private struct State {
        var queue: [Item] = []
        /// The export task, when it waits for a delay or shutdown, and for a full batch unless it is backing off.
        var waiter: CheckedContinuation<Void, Never>?
        var waiterWantsFullBatch = false
        var isShuttingDown = false
    }

    private enum Admission {
        case queued
        case wakeExporter(CheckedContinuation<Void, Never>)
        case dropped
    }

    private let batch: BatchConfiguration
    /// How long one request may take (`OTEL_EXPORTER_OTLP_TIMEOUT`).
    private let requestTimeout: Duration
    private let transport: any ExportTransport
    private let encode: @Sendable ([Item]) throws(ExportFailure) -> [UInt8]
    private let retry: RetryPolicy
    /// What was lost, by reason.
    public let drops = ExportDropCounter()
    private let warnings: DropWarnings
    private let diagnostics: Logger
    /// The warning a loss is reported with: `spans_dropped`, `log_records_dropped`, `error_events_dropped`.
    private let lossMessage: Logger.Message
    private let state = Locked(State())

    /// - Parameters:
    ///   - requestTimeout: how long one request may take.
    ///   - lossMessage: the warning a loss is reported with, once per reason and `warningInterval`.
    ///   - encode: the export request for a batch, encoded in the background, once however often it is sent; empty
    ///     when the owner keeps nothing of the batch (a filter dropped it), which is then not sent.
    public init(
        batch: BatchConfiguration,
        requestTimeout: Duration,
        transport: any ExportTransport,
        retry: RetryPolicy = RetryPolicy(),
        diagnostics: Logger,
        lossMessage: Logger.Message,
        warningInterval: Duration,
        encode: @escaping @Sendable ([Item]) throws(ExportFailure) -> [UInt8]
    ) {
        // A configuration made in code is not checked as the variables are: keep the loop from spinning or stalling.
        var batch = batch
        batch.scheduleDelay = max(batch.scheduleDelay, .milliseconds(1))
        batch.exportTimeout = max(batch.exportTimeout, .milliseconds(1))
        batch.maxQueueSize = max(batch.maxQueueSize, 1)
        batch.maxExportBatchSize = min(max(batch.maxExportBatchSize, 1), batch.maxQueueSize)
        self.batch = batch
        self.requestTimeout = requestTimeout
        self.transport = transport
        self.encode = encode
        self.retry = retry
        warnings = DropWarnings(interval: warningInterval)
        self.diagnostics = diagnostics
        self.lossMessage = lossMessage
    }

    /// Queues `item`, or counts it lost when the queue is full.
    public func enqueue(_ item: Item) {
        let admission = state.withLock { state -> Admission in
            guard state.queue.count < batch.maxQueueSize else { return .dropped }
            state.queue.append(item)
            guard state.queue.count >= batch.maxExportBatchSize, state.waiterWantsFullBatch, let waiter = state.waiter else {
                return .queued
            }
            state.waiter = nil
            return .wakeExporter(waiter)
        }
        switch admission {
        case .queued: break
        case .wakeExporter(let waiter): waiter.resume()
        case .dropped: lose(1, .queueFull, because: "the export queue is full")
        }
    }

    /// Items waiting, for tests and the dashboard.
    public var queued: Int { state.withLock { $0.queue.count } }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.transport.run() }
            await withGracefulShutdownHandler {
                await exportUntilShutdown()
            } onGracefulShutdown: {
                self.beginShutdown()
            }
            await flush()
            transport.shutdown()
        }
    }

    private func exportUntilShutdown() async {
        while !Task.isCancelled {
            await wait(until: .now + batch.scheduleDelay, orFullBatch: true)
            guard let items = take(whenShuttingDown: false), !Task.isCancelled else { return }
            if !items.isEmpty { await export(items) }
        }
    }

    /// Sends what is queued, each batch once, until the export timeout has passed; what is left is counted lost.
    private func flush() async {
        let deadline = ContinuousClock.now + batch.exportTimeout
        while let items = take(whenShuttingDown: true), !items.isEmpty {
            guard ContinuousClock.now < deadline else {
                let left = items.count + state.withLock { state in defer { state.queue.removeAll() }; return state.queue.count }
                lose(left, .exportFailed, because: "shutdown: the export timeout passed")
                return
            }
            do throws(ExportFailure) {
                let request = try encode(items)
                if !request.isEmpty { try await transport.send(request, timeout: min(requestTimeout, deadline - .now)) }
            } catch {
                lose(items.count, error.loss, because: error.reason)
            }
        }
    }

    /// The next batch; `nil` when shutdown began and the loop should stop (or, with `whenShuttingDown`, as many as
    /// one batch holds whatever the state).
    private func take(whenShuttingDown: Bool) -> [Item]? {
        state.withLock { state in
            guard whenShuttingDown || !state.isShuttingDown else { return nil }
            let count = min(state.queue.count, batch.maxExportBatchSize)
            let items = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            return items
        }
    }

    /// Returns when `deadline` has passed, shutdown begins, the task is cancelled, or (`orFullBatch`) a batch is full.
    private func wait(until deadline: ContinuousClock.Instant, orFullBatch: Bool) async {
        let timer = Task {
            guard (try? await Task.sleep(until: deadline)) != nil else { return }
            self.wakeExporter()
        }
        defer { timer.cancel() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    guard !Task.isCancelled else { return true }
                    let full = orFullBatch && state.queue.count >= batch.maxExportBatchSize
                    guard !full, !state.isShuttingDown else { return true }
                    state.waiter = continuation
                    state.waiterWantsFullBatch = orFullBatch
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            wakeExporter()
        }
    }

    private func wakeExporter() {
        state.withLock { state in defer { state.waiter = nil }; return state.waiter }?.resume()
    }

    private func beginShutdown() {
        state.withLock { $0.isShuttingDown = true }
        wakeExporter()
    }

    /// Sends `items`, retrying transient failures; shutdown stops the retries and puts them back for the flush.
    private func export(_ items: [Item]) async {
        let deadline = ContinuousClock.now + batch.exportTimeout
        let request: [UInt8]
        do throws(ExportFailure) {
            request = try encode(items)
        } catch {
            return lose(items.count, .exportFailed, because: error.reason)
        }
        guard !request.isEmpty else { return }
        var attempt = 0
        while true {
            do throws(ExportFailure) {
                try await transport.send(request, timeout: min(requestTimeout, max(deadline - .now, .milliseconds(1))))
                return
            } catch {
                attempt += 1
                guard error.isRetryable, let delay = retry.delay(afterAttempt: attempt, advised: error.retryAfter),
                    ContinuousClock.now + delay < deadline
                else {
                    lose(items.count, error.loss, because: error.reason)
                    return
                }
                await wait(until: .now + delay, orFullBatch: false)
                let shuttingDown = state.withLock { state in
                    guard state.isShuttingDown else { return false }
                    state.queue.insert(contentsOf: items, at: 0)
                    return true
                }
                if shuttingDown || Task.isCancelled { return }
            }
        }
    }

    /// Counts `items` lost for `reason` before they reached the queue (an owner's own gate, such as a rate limit
    /// in force), with the same warning a loss in the queue gets.
    public func lose(_ items: Int, _ reason: ExportDropCounter.Reason, because cause: String) {
        drops.add(items, reason)
        guard let unreported = warnings.due(reason, adding: items) else { return }
        diagnostics.warning(lossMessage, metadata: [
            "reason": .string(reason.rawValue),
            "dropped": .stringConvertible(unreported),
            "dropped_total": .stringConvertible(drops.count(reason)),
            "cause": .string(cause),
        ])
    }
}
