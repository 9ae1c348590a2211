import SpyglassCore
import Testing

@testable import SpyglassMetrics

@Suite struct ExpositionTests {
    let fixedSpan = ExemplarSpan(traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7")

    @Test func textFormatHasHelpTypeTotalsAndCumulativeBuckets() {
        let registry = MetricRegistry()
        let requests = registry.counter("http_requests_total", help: "HTTP requests.", labels: ["method", "status"])
        requests.labels("POST", "500").increment()
        requests.labels("GET", "200").increment(by: 3)
        let latency = registry.histogram("job_duration_seconds", help: "Job time.", unit: "seconds", buckets: [0.1, 1])
        latency.labels().observe(0.05)
        latency.labels().observe(0.5)
        latency.labels().observe(0.5)
        latency.labels().observe(7)
        registry.gauge("active_jobs", help: "Jobs running.", labels: ["job_type"]).labels("export").set(2.5)

        #expect(registry.text() == """
            # HELP active_jobs Jobs running.
            # TYPE active_jobs gauge
            active_jobs{job_type="export"} 2.5
            # HELP http_requests_total HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{method="GET",status="200"} 3
            http_requests_total{method="POST",status="500"} 1
            # HELP job_duration_seconds Job time.
            # TYPE job_duration_seconds histogram
            job_duration_seconds_bucket{le="0.1"} 1
            job_duration_seconds_bucket{le="1.0"} 3
            job_duration_seconds_bucket{le="+Inf"} 4
            job_duration_seconds_count 4
            job_duration_seconds_sum 8.05

            """)
    }

    @Test func openMetricsNamesCounterFamiliesWithoutTotalAndCarriesExemplars() {
        let span = fixedSpan
        let registry = MetricRegistry(exemplars: ExemplarSource { span })
        registry.counter("llm_cost_usd_total", help: "Spend.", labels: ["model"]).labels("gpt-4o").increment(by: 0.25)
        registry.histogram("llm_request_duration_seconds", help: "LLM time.", unit: "seconds", buckets: [1]).labels().observe(0.4)

        let text = registry.text(.openMetrics)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("# TYPE llm_cost_usd counter"))
        #expect(lines.contains("# HELP llm_cost_usd Spend."))
        #expect(lines.contains("# UNIT llm_request_duration_seconds seconds"))
        let costLine = lines.first { $0.hasPrefix("llm_cost_usd_total{") } ?? ""
        #expect(costLine.hasPrefix(#"llm_cost_usd_total{model="gpt-4o"} 0.25 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"} 0.25 "#))
        let bucket = lines.first { $0.hasPrefix(#"llm_request_duration_seconds_bucket{le="1.0"}"#) } ?? ""
        #expect(bucket.contains(#"# {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"} 0.4 "#))
        // The +Inf bucket got no observation of its own, so no exemplar.
        #expect(lines.contains(#"llm_request_duration_seconds_bucket{le="+Inf"} 1"#))
        #expect(lines.last == "# EOF")
        // Exemplars exist only in OpenMetrics.
        #expect(!registry.text().contains("trace_id"))
    }

    @Test func labelValuesAreEscaped() {
        let registry = MetricRegistry()
        registry.counter("odd_total", help: "Odd \\ help\nsecond line.", labels: ["value"])
            .labels("quote \" backslash \\ newline \n tab \t emoji 🚀 ü").increment()
        let text = registry.text()
        #expect(text.contains(#"odd_total{value="quote \" backslash \\ newline \n tab "# + "\t" + #" emoji 🚀 ü"} 1"#))
        #expect(text.contains(#"# HELP odd_total Odd \\ help\nsecond line."#))
    }

    @Test func orderIsDeterministicWhateverTheOrderOfUse() {
        func build(_ order: [String]) -> String {
            let registry = MetricRegistry()
            for name in order {
                let family = registry.counter("\(name)_total", help: name, labels: ["key"])
                for key in order.reversed() { family.labels(key).increment() }
            }
            return registry.text()
        }
        let names = ["zeta", "alpha", "mid", "beta"]
        let expected = build(names)
        #expect(build(names.reversed()) == expected)
        #expect(build(names.shuffled()) == expected)
        #expect(expected.range(of: "alpha_total")!.lowerBound < expected.range(of: "beta_total")!.lowerBound)
    }

    @Test func seriesAddedBetweenRendersAreMergedInOrder() {
        let registry = MetricRegistry()
        let family = registry.gauge("queue_depth", help: "Depth.", labels: ["queue"])
        family.labels("m").set(1)
        family.labels("c").set(1)
        _ = registry.render()
        family.labels("a").set(1)
        family.labels("x").set(1)
        family.labels("d").set(1)
        let queues = registry.text().split(separator: "\n").filter { $0.hasPrefix("queue_depth{") }.map { $0.split(separator: "\"")[1] }
        #expect(queues == ["a", "c", "d", "m", "x"])
    }

    @Test func acceptHeaderChoosesTheFormat() {
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
        #expect(ExpositionFormat(accept: prometheus) == .openMetrics)
        #expect(ExpositionFormat(accept: "text/plain") == .prometheusText)
        #expect(ExpositionFormat(accept: nil) == .prometheusText)
        #expect(ExpositionFormat(accept: "*/*") == .prometheusText)
        #expect(ExpositionFormat(accept: "application/openmetrics-text; q=0") == .prometheusText)
        #expect(ExpositionFormat(accept: "text/plain;q=0.9, application/openmetrics-text;q=0.5") == .prometheusText)
        #expect(ExpositionFormat.openMetrics.contentType.hasPrefix("application/openmetrics-text; version=1.0.0"))
    }

    @Test func namespacePrefixesEverythingButProcessMetrics() {
        let registry = MetricRegistry(configuration: MetricsConfiguration(namespace: "skillmeat"))
        registry.counter("http_requests_total", help: "Requests.").labels().increment()
        registry.registerProcessMetrics()
        let text = registry.text()
        #expect(text.contains("\nskillmeat_http_requests_total 1\n"))
        #expect(text.contains("\nprocess_open_fds "))
        #expect(!text.contains("skillmeat_process"))
    }

    @Test func unlabeledMetricsAppearAtZeroBeforeFirstUse() {
        let registry = MetricRegistry()
        _ = registry.counter("started_total", help: "Starts.")
        _ = registry.counter("labelled_total", help: "Has labels.", labels: ["kind"])
        let text = registry.text()
        #expect(text.contains("\nstarted_total 0\n"))
        #expect(!text.contains("labelled_total"))
    }
}
