import SpyglassCore
import SpyglassDashboard
import SpyglassLogging
import Testing

/// The error groups, job history and metric history behind the dashboard keep their bounds and their order.
@Suite struct DashboardStoresTests {
    func errorLine(type: String, source: String, message: String, logger: String, traceID: String?, timestampNanoseconds: UInt64) -> ErrorLine {
        ErrorLine(
            type: type, source: source, message: message, traceID: traceID, spanID: nil,
            entry: LogEntry(nanosecondsSinceEpoch: timestampNanoseconds, level: .error, label: logger, message: message, redactor: try! Redactor())
        )
    }

    @Test func errorsAreGroupedByTypeAndSource() {
        let errors = ErrorGroups(capacity: 2)
        errors.record(errorLine(type: "Timeout", source: "GET /v1/jobs", message: "first", logger: "api", traceID: "a", timestampNanoseconds: 10))
        errors.record(errorLine(type: "Timeout", source: "GET /v1/jobs", message: "second", logger: "api", traceID: nil, timestampNanoseconds: 30))
        errors.record(errorLine(type: "Timeout", source: "Api/Jobs.swift:12", message: "elsewhere", logger: "api", traceID: "b", timestampNanoseconds: 20))
        let groups = errors.all()
        #expect(groups.map(\.source) == ["GET /v1/jobs", "Api/Jobs.swift:12"], "the most recently seen first")
        let first = groups[0]
        #expect(first.count == 2 && first.firstSeenNanoseconds == 10 && first.lastSeenNanoseconds == 30)
        #expect(first.message == "second", "the latest message")
        #expect(first.sampleTraceID == "a", "an occurrence without a trace keeps the last sample trace")

        errors.record(errorLine(type: "Refused", source: "job research", message: String(repeating: "é", count: 400), logger: "jobs", traceID: "c", timestampNanoseconds: 40))
        #expect(errors.all().map(\.type) == ["Refused", "Timeout"])
        #expect(errors.all().map(\.source) == ["job research", "GET /v1/jobs"], "the group seen least recently made room")
        #expect(errors.all()[0].message.utf8.count <= ErrorGroups.messageLimit)
        // An odd cut would fall inside a two-byte character.
        errors.record(errorLine(type: "Refused", source: "job research", message: "x" + String(repeating: "é", count: 400), logger: "jobs", traceID: nil, timestampNanoseconds: 50))
        let cut = errors.all()[0].message
        #expect(cut.utf8.count <= ErrorGroups.messageLimit && cut == "x" + String(repeating: "é", count: 255), "\(cut.utf8.count) bytes")
    }

    @Test func jobsMoveFromRunningToEndedNewestFirst() {
        let jobs = JobHistory(capacity: 2)
        for index in 1...3 {
            jobs.started(id: "job-\(index)", type: "research", traceID: nil, startedNanoseconds: UInt64(index))
        }
        jobs.progressed(id: "job-2", fraction: 0.5)
        #expect(jobs.running().map(\.id) == ["job-1", "job-2", "job-3"])
        #expect(jobs.running()[1].progress == 0.5)
        jobs.ended(id: "job-1", status: "completed", errorType: nil, endedNanoseconds: 10)
        jobs.ended(id: "job-2", status: "failed", errorType: "Timeout", endedNanoseconds: 11)
        jobs.ended(id: "job-3", status: "cancelled", errorType: nil, endedNanoseconds: 12)
        jobs.ended(id: "job-unknown", status: "completed", errorType: nil, endedNanoseconds: 13)
        #expect(jobs.running().isEmpty)
        let ended = jobs.ended(limit: 10)
        #expect(ended.map(\.id) == ["job-3", "job-2"], "newest first, within the capacity")
        #expect(ended[1].status == "failed" && ended[1].errorType == "Timeout" && ended[1].endedNanoseconds == 11)
    }

    @Test func metricHistoryKeepsTheLatestPointsOfALimitedNumberOfSeries() {
        let history = MetricHistory(pointsPerSeries: 3, seriesLimit: 2)
        let rate = MetricSeriesKey(chart: "rate", series: "GET /a")
        for time in 1...5 {
            history.record([rate: Double(time), MetricSeriesKey(chart: "rate", series: "all"): .infinity], at: UInt64(time))
        }
        history.record([MetricSeriesKey(chart: "latency", series: "GET /a"): 1], at: 6)
        history.record([MetricSeriesKey(chart: "latency", series: "GET /b"): 1], at: 7)
        let series = history.series(chart: "rate")
        #expect(series.map(\.series) == ["GET /a"], "an infinite value is not kept")
        #expect(series[0].points.map(\.value) == [3, 4, 5])
        #expect(history.series(chart: "rate", sinceNanoseconds: 5)[0].points.map(\.timestampNanoseconds) == [5])
        #expect(history.series(chart: "latency").map(\.series) == ["GET /a"], "past the series limit")
        #expect(history.rejectedSeries == 1)
        // NaN is an interval without a value: kept, so the chart shows a gap there.
        history.record([rate: .nan], at: 8)
        #expect(history.series(chart: "rate")[0].points.last?.value.isNaN == true)
    }
}
