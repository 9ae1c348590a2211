public import Logging
public import ServiceLifecycle
@_spi(Locking) public import SpyglassCore
@_spi(Export) public import SpyglassExport
public import SpyglassLogging
import AsyncHTTPClient
import Foundation
import Instrumentation

/// Reports errors to a Sentry, GlitchTip or Bugsink server over the Sentry envelope protocol.
///
/// As the log backend's ``ErrorLineSink`` it reports every line at `error` level and above that names an error
/// (`logger.error("…", error: error)`, a handler's error that became a 5xx, a failed job), with no code in the
/// service; ``capture(_:message:level:extra:file:line:)`` reports one explicitly. Lines at `error` level that
/// name no error are counted in the dashboard's groups only.
///
/// Reporting never holds the caller up: a captured event is sampled, checked against the server's rate limits
/// and appended to a bounded queue; a background task builds it (breadcrumbs, redaction), encodes it and sends it
/// in its own envelope. What cannot be sent is counted in ``drops`` by reason; at graceful shutdown what is queued
/// is sent within the export timeout. Run the reporter in the service group (``SpyglassService`` does).
public final class SentryReporter: ErrorLineSink, Service {
    /// What was configured: the DSN (shown without its key), environment, release, sample rate.
    public let configuration: SentryConfiguration
    /// Events lost, by reason: `queue_full`, `export_failed`, `rate_limited`.
    public var drops: ExportDropCounter { exporter.drops }

    private let exporter: BatchExporter<ErrorLine>
    private let rateLimits: SentryRateLimits
    private let redactor: Redactor
    private let trail = BreadcrumbTrail()
    private let filter = FilterSlot()

    /// Decides what is sent: changes the event in place and returns `true` to send it, `false` to drop it.
    public typealias EventFilter = @Sendable (_ event: inout SentryEvent) -> Bool

    /// The most breadcrumbs an event carries.
    public static let breadcrumbLimit = 30

    /// A reporter for `configuration`; `nil` when it has no DSN or a sample rate of 0, so nothing is ever sent.
    ///
    /// - Parameters:
    ///   - service: the environment and version events carry when the configuration names none.
    ///   - redactor: what explicitly captured errors and extra context are redacted with; the log backend's.
    ///   - breadcrumbs: the lines logged before an event in its request or job; `nil`: none.
    ///   - diagnostics: where lost events are reported, once per reason every `warningInterval`.
    ///   - batch: the queue size and the time one event may take, retries included; default
    ///     ``SpyglassExport/BatchConfiguration/errorEvents``.
    public init?(
        configuration: SentryConfiguration,
        service: ServiceIdentity,
        redactor: Redactor,
        breadcrumbs: (any BreadcrumbSource)?,
        diagnostics: Logger,
        batch: BatchConfiguration = .errorEvents,
        warningInterval: Duration = .seconds(10)
    ) {
        guard configuration.isEnabled, let dsn = configuration.dsn else { return nil }
        let rateLimits = SentryRateLimits()
        let transport = SentryHTTPTransport(dsn: dsn, client: "spyglass/\(service.version)", rateLimits: rateLimits)
        self.configuration = configuration
        self.rateLimits = rateLimits
        self.redactor = redactor
        let trail = trail
        let filter = filter
        let release = configuration.release ?? service.version
        let environment = configuration.environment ?? service.environment
        exporter = BatchExporter(
            batch: batch,
            requestTimeout: batch.exportTimeout,
            transport: transport,
            diagnostics: diagnostics,
            lossMessage: "error_events_dropped",
            warningInterval: warningInterval
        ) { lines throws(ExportFailure) in
            // One event per envelope: the batch is one line.
            guard let line = lines.first else { return [] }
            var event = SentryEvent(line: line, eventID: Self.eventID(), release: release, environment: environment)
            let logged = breadcrumbs?.breadcrumbs(
                traceID: line.traceID, requestID: line.entry.requestID,
                before: line.entry.nanosecondsSinceEpoch, limit: Self.breadcrumbLimit) ?? []
            let added = trail.crumbs(
                of: BreadcrumbTrail.Scope(traceID: line.traceID.flatMap(Hex.traceID), requestID: line.entry.requestID),
                before: line.entry.nanosecondsSinceEpoch, limit: Self.breadcrumbLimit
            ).map { Self.breadcrumb($0, redactor: redactor) }
            let crumbs = (logged + added).sorted { $0.timestamp < $1.timestamp }.suffix(Self.breadcrumbLimit)
            if !crumbs.isEmpty { event.breadcrumbs = SentryEvent.Breadcrumbs(values: Array(crumbs)) }
            if let keep = filter.current.withLock({ $0 }), !keep(&event) { return [] }
            do {
                return try SentryEnvelope.encode(event, sentAt: Date().timeIntervalSince1970)
            } catch {
                throw ExportFailure(reason: "the event could not be encoded: \(error)", isRetryable: false)
            }
        }
    }

    /// Takes an error line from the log backend: reported when it names an error.
    public func record(_ line: ErrorLine) {
        guard line.hasError else { return }
        submit(line)
    }

    /// Reports `error` as an event of its own, without logging it: what Sentry's `capture_exception` does.
    ///
    /// The event carries what a logged error carries: the current ``SpyglassContext`` (its user as the user, its ids
    /// as tags), the active span's trace, breadcrumbs from the request or job, and `extra`, redacted.
    ///
    /// ```swift
    /// reporter.capture(error, extra: ["document_id": id, "stage": "parse"])
    /// ```
    ///
    /// - Parameters:
    ///   - message: what was being done; default the error's description.
    ///   - level: `error` (the default) or `critical` (sent as `fatal`).
    ///   - extra: context for this event alone.
    public func capture(
        _ error: any Error,
        message: String? = nil,
        level: Logger.Level = .error,
        extra: [String: String] = [:],
        file: String = #fileID,
        line: UInt = #line
    ) {
        let serviceContext = ServiceContext.current
        let span = serviceContext?.spanIdentity
        let entry = LogEntry(
            nanosecondsSinceEpoch: UInt64(Date().timeIntervalSince1970 * 1e9),
            level: level,
            label: "spyglass.sentry",
            message: message ?? String(describing: error),
            error: error,
            metadata: extra.mapValues { .string($0) },
            context: serviceContext?.spyglass,
            span: span,
            file: file,
            line: line,
            redactor: redactor
        )
        submit(ErrorLine(
            type: qualifiedTypeName(of: error), source: "\(file):\(line)", message: "", traceID: span?.traceIDHex,
            spanID: span?.spanIDHex, entry: entry))
    }

    /// Filters every event before it is sent, as Sentry's `before_send` does: `filter` sees the event as built
    /// (redacted, with its breadcrumbs) and may change it, or return `false` to drop it. It runs on the reporter's
    /// background task, never on the caller's; a dropped event is not counted lost. Setting a filter replaces the one
    /// set before.
    ///
    /// ```swift
    /// reporter.beforeSend { event in
    ///     guard event.exception?.values.first?.type.hasSuffix("CancellationError") != true else { return false }
    ///     event.tags?["team"] = "search"
    ///     return true
    /// }
    /// ```
    public func beforeSend(_ filter: @escaping EventFilter) {
        self.filter.current.withLock { $0 = filter }
    }

    /// Records that something happened, for the next error event of the current request or job: what Sentry's
    /// `add_breadcrumb` does, for what is not logged (or is logged below the log level).
    ///
    /// The breadcrumb belongs to the task's unit of work: the active span's trace, else the bound request id;
    /// outside any, to events outside any. An event carries at most ``breadcrumbLimit`` breadcrumbs, these and the
    /// lines logged before it together, newest kept. The reporter keeps the newest 1,000 across the process; the
    /// message is cut at 1 KiB and `data` at 16 entries, and both are redacted when the event is built.
    ///
    /// ```swift
    /// reporter.addBreadcrumb("cache miss", category: "cache", data: ["key_prefix": "doc:"])
    /// ```
    public func addBreadcrumb(
        _ message: String, category: String = "default", level: Logger.Level = .info, data: [String: String] = [:]
    ) {
        let serviceContext = ServiceContext.current
        let span = serviceContext?.spanIdentity
        let scope = BreadcrumbTrail.Scope(
            traceID: span.map { (high: $0.traceIDHigh, low: $0.traceIDLow) }, requestID: serviceContext?.spyglass?.requestID)
        trail.add(BreadcrumbTrail.Crumb(
            scope: scope,
            nanosecondsSinceEpoch: UInt64(Date().timeIntervalSince1970 * 1e9),
            category: category.prefix(utf8Bytes: 64),
            level: level,
            message: message.prefix(utf8Bytes: BreadcrumbTrail.messageLimit),
            data: BreadcrumbTrail.bounded(data)
        ))
    }

    private static func breadcrumb(_ crumb: BreadcrumbTrail.Crumb, redactor: Redactor) -> SentryEvent.Breadcrumb {
        let data = crumb.data.reduce(into: [String: String]()) { redacted, entry in
            redacted[entry.key] = redactor.isSensitiveKey(entry.key) ? RedactionConfiguration.replacement : redactor.redact(entry.value)
        }
        return SentryEvent.Breadcrumb(
            timestamp: Double(crumb.nanosecondsSinceEpoch) / 1e9, category: crumb.category, level: crumb.level,
            message: redactor.redact(crumb.message), data: data.isEmpty ? nil : data)
    }

    /// Events waiting to be sent.
    public var queued: Int { exporter.queued }

    public func run() async throws {
        try await exporter.run()
    }

    private func submit(_ line: ErrorLine) {
        if configuration.sampleRate < 1, Double.random(in: 0..<1) >= configuration.sampleRate { return }
        guard !rateLimits.isLimited else {
            exporter.lose(1, .rateLimited, because: "the server's rate limit is in force")
            return
        }
        exporter.enqueue(line)
    }

    private static func eventID() -> String {
        Hex.digits(high: UInt64.random(in: .min ... .max), low: UInt64.random(in: .min ... .max))
    }
}

/// The reporter's ``SentryReporter/EventFilter``, shared with its export task.
private final class FilterSlot: Sendable {
    let current = Locked<SentryReporter.EventFilter?>(nil)
}
