import SpyglassMetrics
import Testing

@testable import SpyglassHTTP

@Suite struct HTTPMetricsTests {
    @Test func routeSeriesAreSharedAndStillRecordPastTheCacheLimit() {
        let registry = MetricRegistry(configuration: MetricsConfiguration(seriesLimit: 10_000))
        let metrics = HTTPMetrics(registry: registry)
        #expect(metrics.series(method: "GET", endpoint: "/a", status: "200") === metrics.series(method: "GET", endpoint: "/a", status: "200"))
        #expect(metrics.series(method: "GET", endpoint: "/a", status: "200") !== metrics.series(method: "GET", endpoint: "/a", status: "404"))
        // Label values that only differ in where one ends and the next begins are different series.
        #expect(metrics.series(method: "GET", endpoint: "/ab", status: "200") !== metrics.series(method: "GET", endpoint: "/a", status: "b200"))
        for index in 0..<(HTTPMetrics.cachedRouteLimit + 10) {
            metrics.series(method: "GET", endpoint: "/route/\(index)", status: "200").requests.increment()
        }
        let beyond = "/route/\(HTTPMetrics.cachedRouteLimit + 5)"
        metrics.series(method: "GET", endpoint: beyond, status: "200").requests.increment()
        let text = String(decoding: registry.render(), as: UTF8.self)
        #expect(text.contains(#"http_requests_total{method="GET",endpoint="\#(beyond)",status="200"} 2"#))
        #expect(text.contains(#"http_requests_total{method="GET",endpoint="/route/0",status="200"} 1"#))
    }

    /// Any token is a method a client may send: past the cache's 64 methods each still has its gauge, not kept.
    @Test func inProgressGaugesAreSharedPerMethodAndStillRecordPastTheCacheLimit() {
        let registry = MetricRegistry(configuration: MetricsConfiguration(seriesLimit: 10_000))
        let metrics = HTTPMetrics(registry: registry)
        #expect(metrics.inProgress(method: "GET") === metrics.inProgress(method: "GET"))
        #expect(metrics.inProgress(method: "GET") !== metrics.inProgress(method: "POST"))
        for index in 0..<100 { metrics.inProgress(method: "M\(index)").increment() }
        metrics.inProgress(method: "M99").increment()
        metrics.inProgress(method: "M0").increment()
        let text = String(decoding: registry.render(), as: UTF8.self)
        #expect(text.contains(#"http_requests_in_progress{method="M99"} 2"#))
        #expect(text.contains(#"http_requests_in_progress{method="M0"} 2"#))
    }
}

@Suite struct RequestIDTests {
    @Test func generatedIDsAreValidAndDistinct() {
        let ids = (0..<100_000).map { _ in RequestID.generate() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.wholeMatch(of: /[0-9a-v]{15}/) != nil })
        #expect(ids.allSatisfy(RequestID.isValid))
    }

    @Test(arguments: ["a", "abc-123.def:9_Z", String(repeating: "x", count: 128)])
    func validIncomingIDsAreKept(id: String) {
        #expect(RequestID.accepting(id) == id)
    }
}

@Suite struct StatusLabelTests {
    @Test func everyCodeIsItsDecimalOrItsClass() {
        let codes = HTTPInstrumentationConfiguration()
        let classes = HTTPInstrumentationConfiguration(groupsStatusCodes: true)
        for code in [0, 1, 99, 600, 999, 1_000, -5] + Array(100...599) {
            #expect(codes.statusLabel(code) == "\(code)")
            #expect(classes.statusLabel(code) == "\(code / 100)xx")
        }
    }
}
