import Foundation
import Logging
import SpyglassCore
import SpyglassHealth
import SpyglassTracing
import Tracing

/// The bodies of the dashboard's JSON API (documented in `docs/dashboard-api.md`). Times are milliseconds since
/// the Unix epoch, durations milliseconds, ids lowercase hex as in `traceparent`. The bodies' property names are
/// the JSON's field names (snake_case): a key strategy would also rewrite the attribute names inside them.
extension Dashboard {
    // MARK: Overview and GenAI charts

    package struct Chart: Encodable {
        struct Series: Encodable {
            let name: String
            /// `[time, value]` pairs; the value is `null` for an interval without one.
            let points: [[Double?]]
        }

        let name: String
        let series: [Series]
    }

    package struct ChartsBody: Encodable {
        let service: String
        let version: String
        let environment: String
        let sample_interval_seconds: Double
        let charts: [Chart]
    }

    package func charts(_ names: [String], minutes: Int) -> ChartsBody {
        let since = DefaultTracerClock.now.nanosecondsSinceEpoch &- UInt64(minutes) * 60_000_000_000
        let charts = names.map { name in
            Chart(name: name, series: metrics.series(chart: name, sinceNanoseconds: since).map { series in
                Chart.Series(name: series.series, points: series.points.map { [Self.milliseconds($0.timestampNanoseconds), $0.value.isNaN ? nil : $0.value] })
            })
        }
        return ChartsBody(
            service: service, version: version, environment: environment, sample_interval_seconds: sampleInterval / .seconds(1), charts: charts
        )
    }

    package static var overviewCharts: [String] {
        [DashboardCharts.requestRate, DashboardCharts.errorRatio] + DashboardCharts.latency.map(\.chart)
    }

    // MARK: Traces

    package struct TraceSummary: Encodable {
        let trace_id: String
        let name: String
        let start_time: Double
        let duration_ms: Double
        let span_count: Int
        let is_error: Bool
        let status_code: Int64?
    }

    package struct TracesBody: Encodable {
        let traces: [TraceSummary]
        /// Traces in the store that matched, before `limit`.
        let matched: Int
        let endpoints: [String]
    }

    package func traces(_ filter: TraceFilter) -> TracesBody {
        struct TraceKey: Hashable {
            let high: UInt64
            let low: UInt64
        }
        /// One trace while the spans are walked: its size, whether a span failed, and its root (the earliest span
        /// whose parent is not in the store).
        struct Walk {
            var spanCount = 0
            var hasErrorSpan = false
            var root: Int?
        }
        let spans = spans.spans()
        var ids = Set<UInt64>(minimumCapacity: spans.count)
        for span in spans { ids.insert(span.spanID) }
        var walks: [TraceKey: Walk] = [:]
        walks.reserveCapacity(spans.count / 4)
        for (index, span) in spans.enumerated() {
            let key = TraceKey(high: span.traceIDHigh, low: span.traceIDLow)
            var walk = walks[key] ?? Walk()
            walk.spanCount += 1
            if span.status?.code == .error { walk.hasErrorSpan = true }
            if span.parentSpanID.map({ !ids.contains($0) }) ?? true,
                walk.root.map({ span.startNanosecondsSinceEpoch < spans[$0].startNanosecondsSinceEpoch }) ?? true
            {
                walk.root = index
            }
            walks[key] = walk
        }
        var endpoints: Set<String> = []
        var matched: [(root: SpanRecord, walk: Walk, status: Int64?, isError: Bool, milliseconds: Double)] = []
        for walk in walks.values {
            guard let index = walk.root else { continue }
            let root = spans[index]
            if root.kind == .server { endpoints.insert(root.operationName) }
            let status = root.attribute("http.response.status_code").flatMap { JSONValue($0).number }.map { Int64($0) }
            let isError = walk.hasErrorSpan || (status ?? 0) >= 500
            let milliseconds = root.duration.roundedMilliseconds
            if filter.accepts(name: root.operationName, isError: isError, milliseconds: milliseconds) {
                matched.append((root, walk, status, isError, milliseconds))
            }
        }
        switch filter.order {
        case .recent:
            matched.sort { ($0.root.startNanosecondsSinceEpoch, $0.root.spanID) > ($1.root.startNanosecondsSinceEpoch, $1.root.spanID) }
        case .slowest:
            matched.sort { ($0.milliseconds, $0.root.spanID) > ($1.milliseconds, $1.root.spanID) }
        }
        // Only what is answered gets its ids written out.
        let summaries = matched.prefix(filter.limit).map { trace in
            TraceSummary(
                trace_id: trace.root.traceIDHex, name: trace.root.operationName,
                start_time: Self.milliseconds(trace.root.startNanosecondsSinceEpoch), duration_ms: trace.milliseconds,
                span_count: trace.walk.spanCount, is_error: trace.isError, status_code: trace.status
            )
        }
        return TracesBody(traces: summaries, matched: matched.count, endpoints: endpoints.sorted())
    }

    package struct TraceSpan: Encodable {
        struct Event: Encodable {
            let name: String
            let offset_ms: Double
            let attributes: [String: JSONValue]
        }

        struct Link: Encodable {
            let trace_id: String
            let span_id: String
        }

        let span_id: String
        let parent_span_id: String?
        let name: String
        let kind: String
        /// Nesting below the trace's root(s), 0 for a root.
        let depth: Int
        let offset_ms: Double
        let duration_ms: Double
        let status: String
        let status_message: String?
        let attributes: [String: JSONValue]
        let events: [Event]
        let links: [Link]
    }

    package struct TraceBody: Encodable {
        let trace_id: String
        let start_time: Double
        let duration_ms: Double
        /// Depth first: each span followed by its children, by start time.
        let spans: [TraceSpan]
    }

    /// One trace as a waterfall, or `nil` when the store holds none of its spans.
    package func trace(id: String) -> TraceBody? {
        guard let (high, low) = Hex.traceID(id) else { return nil }
        let spans = spans.spans(traceIDHigh: high, traceIDLow: low)
        guard let start = spans.map(\.startNanosecondsSinceEpoch).min(), let end = spans.map(\.endNanosecondsSinceEpoch).max() else {
            return nil
        }
        let ids = Set(spans.map(\.spanID))
        var children: [UInt64: [SpanRecord]] = [:]
        var roots: [SpanRecord] = []
        for span in spans.sorted(by: { ($0.startNanosecondsSinceEpoch, $0.spanID) < ($1.startNanosecondsSinceEpoch, $1.spanID) }) {
            if let parent = span.parentSpanID, ids.contains(parent) { children[parent, default: []].append(span) } else { roots.append(span) }
        }
        var ordered: [TraceSpan] = []
        func visit(_ span: SpanRecord, depth: Int) {
            ordered.append(TraceSpan(
                span_id: span.spanIDHex,
                parent_span_id: span.parentSpanID.map { Hex.digits($0) },
                name: span.operationName,
                kind: "\(span.kind)",
                depth: depth,
                offset_ms: Self.milliseconds(span.startNanosecondsSinceEpoch &- start),
                duration_ms: span.duration.roundedMilliseconds,
                status: span.status.map { $0.code == .error ? "error" : "ok" } ?? "unset",
                status_message: span.status?.message.map(redactor.redact),
                attributes: JSONValue.attributes(span.attributes),
                events: span.events.map { event in
                    TraceSpan.Event(
                        name: event.name,
                        offset_ms: Self.milliseconds(event.nanosecondsSinceEpoch &- min(start, event.nanosecondsSinceEpoch)),
                        attributes: JSONValue.attributes(event.attributes)
                    )
                },
                links: span.links.map { TraceSpan.Link(trace_id: Hex.digits(high: $0.traceIDHigh, low: $0.traceIDLow), span_id: Hex.digits($0.spanID)) }
            ))
            // The store keeps whatever ids tracers gave: two spans sharing an id would make one its own descendant.
            guard depth < 64 else { return }
            for child in children[span.spanID] ?? [] { visit(child, depth: depth + 1) }
        }
        for root in roots { visit(root, depth: 0) }
        return TraceBody(trace_id: Hex.digits(high: high, low: low), start_time: Self.milliseconds(start), duration_ms: Self.milliseconds(end &- start), spans: ordered)
    }

    // MARK: Logs

    /// `{"next_sequence":N,"lines":[{"sequence":n,"record":{…the JSON line…}},…]}`, the newest `limit` matching
    /// lines after `filter.after`, oldest first. The lines are embedded as they were written (redacted).
    package func logs(_ filter: LogFilter) -> [UInt8] {
        var body = Array(#"{"next_sequence":"#.utf8)
        guard let logs else {
            body += Array(#"0,"lines":[],"enabled":false}"#.utf8)
            return body
        }
        let next = logs.nextSequence
        let matching: [StoredLogLine]
        if let traceIDHigh = filter.traceIDHigh, let traceIDLow = filter.traceIDLow {
            // A trace's lines are few: found reading each entry's trace in place (the store's lock is held for the
            // scan, 0.6 ms through a predicate handed a copy of every line), then filtered.
            matching = Array(
                logs.newest(logs.capacity, inTrace: traceIDHigh, traceIDLow, before: .max).lazy
                    .filter { $0.sequence > filter.after && filter.accepts($0) }.prefix(filter.limit))
        } else {
            matching = logs.newest(filter.limit, after: filter.after) { filter.accepts($0) }
        }
        let lines = matching.reversed()
        body += Array("\(next),\"lines\":[".utf8)
        for (index, line) in lines.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += Array("{\"sequence\":\(line.sequence),\"record\":".utf8)
            body += line.line
            body.append(UInt8(ascii: "}"))
        }
        body += Array("],\"enabled\":true}".utf8)
        return body
    }

    // MARK: Health

    package struct HealthBody: Encodable {
        struct Check: Encodable {
            let name: String
            let status: String
            let critical: Bool
            let duration_ms: Double
            let message: String?
            let last_change: Double?
        }

        let status: String
        let uptime_seconds: Double
        let checks: [Check]
    }

    /// Every check's latest result. The monitor runs checks only when asked, so the dashboard runs them all, at most
    /// once per ``HealthRefresh/interval`` however many pages poll (each check's own cache still applies), and
    /// shows the last results in between.
    package func healthBody() async -> HealthBody {
        let report = healthRefresh.isDue() ? await health.detailed() : health.lastKnown()
        return HealthBody(
            status: report.status.rawValue,
            uptime_seconds: report.uptimeSeconds,
            checks: report.checks.map { check in
                HealthBody.Check(
                    name: check.name, status: check.status.rawValue, critical: check.isCritical,
                    duration_ms: check.durationMilliseconds, message: check.message.map(redactor.redact),
                    last_change: check.lastChange.map { ($0.timeIntervalSince1970 * 1000).rounded() }
                )
            }
        )
    }

    // MARK: GenAI

    package struct LLMCall: Encodable {
        let trace_id: String
        let span_id: String
        let name: String
        let provider: String?
        let model: String?
        let start_time: Double
        let duration_ms: Double
        let time_to_first_token_ms: Double?
        let input_tokens: Int64?
        let output_tokens: Int64?
        let cost_usd: Double?
        let error_type: String?
    }

    package struct GenAIBody: Encodable {
        let charts: [Chart]
        let calls: [LLMCall]
    }

    package func genAI(minutes: Int, limit: Int) -> GenAIBody {
        let calls = spans.newest(limit) { $0.attribute("gen_ai.operation.name") != nil && $0.attribute("gen_ai.request.model") != nil }
        return GenAIBody(
            charts: charts([DashboardCharts.tokenRate, DashboardCharts.costRate], minutes: minutes).charts,
            calls: calls.map { span in
                func attribute(_ key: String) -> JSONValue? { span.attribute(key).map(JSONValue.init) }
                let firstToken = span.events.first { $0.name == "gen_ai.first_token" }
                return LLMCall(
                    trace_id: span.traceIDHex, span_id: span.spanIDHex, name: span.operationName,
                    provider: attribute("gen_ai.provider.name")?.text, model: attribute("gen_ai.request.model")?.text,
                    start_time: Self.milliseconds(span.startNanosecondsSinceEpoch), duration_ms: span.duration.roundedMilliseconds,
                    time_to_first_token_ms: firstToken.map { Self.milliseconds($0.nanosecondsSinceEpoch &- span.startNanosecondsSinceEpoch) },
                    input_tokens: attribute("gen_ai.usage.input_tokens")?.number.map { Int64($0) },
                    output_tokens: attribute("gen_ai.usage.output_tokens")?.number.map { Int64($0) },
                    cost_usd: attribute("spyglass.cost_usd")?.number,
                    error_type: attribute("error.type")?.text
                )
            }
        )
    }

    // MARK: Jobs and errors

    package struct Job: Encodable {
        let id: String
        let type: String
        let status: String
        let trace_id: String?
        let start_time: Double
        let duration_ms: Double
        let progress: Double?
        let error_type: String?
    }

    package struct JobsBody: Encodable {
        let running: [Job]
        let ended: [Job]
    }

    package func jobsBody(limit: Int) -> JobsBody {
        let now = DefaultTracerClock.now.nanosecondsSinceEpoch
        func job(_ entry: JobEntry) -> Job {
            Job(
                id: entry.id, type: entry.type, status: entry.status, trace_id: entry.traceID,
                start_time: Self.milliseconds(entry.startedNanoseconds),
                duration_ms: Self.milliseconds((entry.endedNanoseconds ?? max(now, entry.startedNanoseconds)) &- entry.startedNanoseconds),
                progress: entry.progress, error_type: entry.errorType
            )
        }
        return JobsBody(running: jobs.running().map(job), ended: jobs.ended(limit: limit).map(job))
    }

    package struct ErrorsBody: Encodable {
        struct Group: Encodable {
            let type: String
            let source: String
            let count: Int
            let first_seen: Double
            let last_seen: Double
            let message: String
            let logger: String
            let sample_trace_id: String?
        }

        let groups: [Group]
    }

    package func errorsBody() -> ErrorsBody {
        ErrorsBody(groups: errors.all().map { group in
            ErrorsBody.Group(
                type: group.type, source: group.source, count: group.count,
                first_seen: Self.milliseconds(group.firstSeenNanoseconds), last_seen: Self.milliseconds(group.lastSeenNanoseconds),
                message: group.message, logger: group.logger, sample_trace_id: group.sampleTraceID
            )
        })
    }

    // MARK: Units

    package static func milliseconds(_ nanoseconds: UInt64) -> Double { (Double(nanoseconds) / 1_000).rounded() / 1_000 }
}
