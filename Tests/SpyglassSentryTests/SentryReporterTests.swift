import Foundation
import Instrumentation
import Logging
import ServiceLifecycle
import SpyglassCore
import SpyglassExport
import Testing

@testable import SpyglassSentry

/// The reporter against a Sentry envelope endpoint on loopback: what an explicitly captured event carries, explicit
/// breadcrumbs, and the rate limits a server sets.
@Suite(.timeLimit(.minutes(5))) struct SentryReporterTests {
    static let secret = "sk-live-9f8e7d6c5b4a39281706"
    static let trace = SpanIdentity(traceIDHigh: 0x4bf9_2f35_77b3_4da6, traceIDLow: 0xa3ce_929d_0e0e_4736, spanID: 0x00f0_67aa_0ba9_02b7, isSampled: true)

    /// Runs a reporter for a server answering `answers`, until `body` returns.
    private func withReporter(
        answers: [SentryServer.Answer] = [],
        _ body: @Sendable (SentryReporter, AsyncStream<SentryServer.Received>.AsyncIterator) async throws -> Void
    ) async throws {
        let server = SentryServer(answers: answers)
        try await server.run { dsn in
            let reporter = try #require(try Self.reporter(SentryConfiguration(dsn: SentryDSN(dsn), environment: "test", release: "9.9.9")))
            let running = Task { try await reporter.run() }
            defer { running.cancel() }
            try await body(reporter, server.received.makeAsyncIterator())
        }
    }

    private static func reporter(_ configuration: SentryConfiguration) throws -> SentryReporter? {
        SentryReporter(
            configuration: configuration, service: ServiceIdentity(name: "api", version: "1.0.0", environment: "staging"),
            redactor: try Redactor(), breadcrumbs: nil, diagnostics: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    /// A context with a request, a user and a span, as a request's handler runs in.
    private static func inRequest<Result>(
        _ requestID: String, trace: SpanIdentity? = trace, _ operation: () throws -> Result
    ) rethrows -> Result {
        var context = ServiceContext.topLevel
        context.spanIdentity = trace
        return try ServiceContext.withValue(context) {
            try SpyglassContext.with({ $0.requestID = requestID; $0.userID = "user-9"; $0.workspaceID = "ws-1" }, operation: operation)
        }
    }

    struct DocumentUnreadable: Error, CustomStringConvertible {
        var description: String { "cannot read postgres://ada:\(SentryReporterTests.secret)@db/docs" }
    }

    @Test func aCapturedErrorCarriesItsContextUserExtraAndBreadcrumbsRedacted() async throws {
        try await withReporter { reporter, received in
            var received = received
            Self.inRequest("req-42") {
                reporter.addBreadcrumb("cache miss", category: "cache", level: .debug, data: ["key": "doc:7", "api_key": Self.secret])
                reporter.addBreadcrumb("parsed with token=\(Self.secret)", category: "parser")
            }
            Self.inRequest("req-other", trace: nil) { reporter.addBreadcrumb("another request's step") }
            var otherTrace = Self.trace
            otherTrace.traceIDLow += 1
            Self.inRequest("req-42", trace: otherTrace) { reporter.addBreadcrumb("another trace's step") }
            reporter.addBreadcrumb("outside any request")
            let line = #line + 2
            Self.inRequest("req-42") {
                reporter.capture(DocumentUnreadable(), extra: ["stage": "parse", "password": "hunter2", "note": "Bearer \(Self.secret)"])
            }
            let envelope = try #require(await received.next())
            #expect(envelope.project == "7")
            #expect(envelope.contentType == "application/x-sentry-envelope")
            #expect(envelope.auth?.contains("sentry_key=publickey0123") == true)
            let event = try envelope.event
            #expect(event["environment"] as? String == "test" && event["release"] as? String == "9.9.9")
            #expect(event["level"] as? String == "error")
            #expect(event["culprit"] as? String == "SpyglassSentryTests/SentryReporterTests.swift:\(line)")
            let exception = try #require(((event["exception"] as? [String: Any])?["values"] as? [[String: Any]])?.first)
            #expect((exception["type"] as? String)?.hasSuffix("DocumentUnreadable") == true)
            #expect((exception["value"] as? String)?.hasPrefix("cannot read postgres://") == true)
            #expect((event["user"] as? [String: Any])?["id"] as? String == "user-9")
            let tags = try #require(event["tags"] as? [String: String])
            #expect(tags["request_id"] == "req-42" && tags["workspace_id"] == "ws-1")
            let extra = try #require(event["extra"] as? [String: String])
            #expect(extra["stage"] == "parse" && extra["password"] == "[REDACTED]")
            let trace = try #require((event["contexts"] as? [String: Any])?["trace"] as? [String: Any])
            #expect(trace["trace_id"] as? String == Self.trace.traceIDHex && trace["span_id"] as? String == Self.trace.spanIDHex)
            let crumbs = try #require((event["breadcrumbs"] as? [String: Any])?["values"] as? [[String: Any]])
            #expect(crumbs.map { $0["category"] as? String } == ["cache", "parser"], "its own request's, in order: \(crumbs)")
            #expect(crumbs.first?["level"] as? String == "debug")
            #expect((crumbs.first?["data"] as? [String: String]) == ["key": "doc:7", "api_key": "[REDACTED]"])
            let sent = envelope.lines.joined(separator: "\n")
            #expect(!sent.contains(Self.secret) && !sent.contains("hunter2"), "nothing secret is sent: \(sent)")
        }
    }

    @Test func anEventOutsideAnyRequestTakesTheBreadcrumbsAddedOutsideAny() async throws {
        try await withReporter { reporter, received in
            var received = received
            Self.inRequest("req-1") { reporter.addBreadcrumb("inside") }
            reporter.addBreadcrumb("started batch", category: "batch")
            reporter.capture(DocumentUnreadable(), level: .critical)
            let event = try #require(await received.next()).event
            #expect(event["level"] as? String == "fatal")
            #expect(event["user"] == nil && event["tags"] == nil && event["contexts"] == nil)
            let crumbs = try #require((event["breadcrumbs"] as? [String: Any])?["values"] as? [[String: Any]])
            #expect(crumbs.map { $0["message"] as? String } == ["started batch"])
        }
    }

    @Test func aTooManyRequestsAnswerHoldsEventsBackForItsRetryAfter() async throws {
        try await withReporter(answers: [.init(status: .tooManyRequests, retryAfter: "120")]) { reporter, received in
            var received = received
            reporter.capture(DocumentUnreadable())
            _ = try #require(await received.next())
            while reporter.drops.count(.rateLimited) < 1 { await Task.yield() }
            // Held back without being queued or sent.
            reporter.capture(DocumentUnreadable())
            reporter.capture(DocumentUnreadable())
            #expect(reporter.drops.count(.rateLimited) == 3 && reporter.queued == 0)
            #expect(reporter.drops.count(.exportFailed) == 0)
        }
    }

    @Test func rateLimitsForOtherCategoriesLetErrorsThrough() async throws {
        try await withReporter(answers: [.init(status: .ok, rateLimits: "3600:transaction;session:organization")]) { reporter, received in
            var received = received
            reporter.capture(DocumentUnreadable())
            _ = try #require(await received.next())
            reporter.capture(DocumentUnreadable(), message: "second")
            let second = try #require(await received.next()).event
            #expect((second["message"] as? [String: Any])?["formatted"] as? String == "second")
            #expect(reporter.drops.count(.rateLimited) == 0)
        }
    }

    @Test func aRateLimitOnErrorsInAnOKAnswerHoldsLaterEventsBack() async throws {
        try await withReporter(answers: [.init(status: .ok, rateLimits: "60:error;default:key")]) { reporter, received in
            var received = received
            reporter.capture(DocumentUnreadable())
            _ = try #require(await received.next())
            // The server has the event before the reporter has its answer: until then a capture is still sent (and
            // awaited here); from then on it is held back.
            var held = false
            for _ in 0..<1_000 where !held {
                reporter.capture(DocumentUnreadable())
                held = reporter.drops.count(.rateLimited) > 0
                if !held { _ = await received.next() }
            }
            #expect(held)
        }
    }

    /// Events captured before a graceful shutdown are sent before the reporter stops, and none is counted lost.
    @Test func aGracefulShutdownSendsWhatIsQueued() async throws {
        let server = SentryServer()
        try await server.run { dsn in
            let reporter = try #require(try Self.reporter(SentryConfiguration(dsn: SentryDSN(dsn))))
            for number in 1...5 { reporter.capture(DocumentUnreadable(), message: "queued \(number)") }
            #expect(reporter.queued == 5)
            let group = ServiceGroup(services: [reporter], logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            try await withThrowingTaskGroup { tasks in
                tasks.addTask { try await group.run() }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(reporter.queued == 0)
            #expect(ExportDropCounter.Reason.allCases.allSatisfy { reporter.drops.count($0) == 0 })
        }
        var messages: [String] = []
        for await envelope in server.received {
            messages.append(try #require((try envelope.event["message"] as? [String: Any])?["formatted"] as? String))
        }
        #expect(messages.sorted() == (1...5).map { "queued \($0)" })
    }

    @Test func withoutADSNOrWithASampleRateOfZeroThereIsNoReporter() throws {
        #expect(try Self.reporter(SentryConfiguration()) == nil)
        #expect(try Self.reporter(SentryConfiguration(dsn: SentryDSN("http://k@127.0.0.1:9/1"), sampleRate: 0)) == nil)
        #expect(try Self.reporter(SentryConfiguration(dsn: SentryDSN("http://k@127.0.0.1:9/1"), sampleRate: 0.5)) != nil)
    }

    @Test func anAddedBreadcrumbIsBoundedWhenAdded() {
        let data = Dictionary(uniqueKeysWithValues: (0..<40).map { (String(format: "k%02d", $0), String(repeating: "v", count: 5_000)) })
        let bounded = BreadcrumbTrail.bounded(data)
        #expect(bounded.count == BreadcrumbTrail.dataLimit)
        #expect(bounded.keys.sorted() == (0..<BreadcrumbTrail.dataLimit).map { String(format: "k%02d", $0) })
        #expect(bounded.values.allSatisfy { $0.utf8.count == BreadcrumbTrail.messageLimit })
    }

    struct ExpectedCancellation: Error {}

    @Test func beforeSendChangesOrDropsEventsWithoutCountingThemLost() async throws {
        try await withReporter { reporter, received in
            var received = received
            reporter.beforeSend { event in
                guard event.exception?.values.first?.type.hasSuffix("ExpectedCancellation") != true else { return false }
                event.tags = (event.tags ?? [:]).merging(["team": "search"]) { _, new in new }
                return true
            }
            reporter.capture(ExpectedCancellation(), message: "dropped")
            reporter.capture(DocumentUnreadable(), message: "kept")
            // Events are sent in order: the first to arrive is the kept one only if the dropped one was not sent.
            let event = try #require(await received.next()).event
            #expect((event["message"] as? [String: Any])?["formatted"] as? String == "kept")
            #expect((event["tags"] as? [String: String])?["team"] == "search")
            #expect(ExportDropCounter.Reason.allCases.allSatisfy { reporter.drops.count($0) == 0 })
        }
    }
}
