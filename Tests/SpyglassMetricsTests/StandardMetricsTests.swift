import SpyglassCore
import SpyglassMetrics
import Testing

@Suite struct StandardMetricsTests {
    @Test func everyDefinitionHasAUniqueValidNameAndFollowsTheNamingRules() {
        let names = StandardMetrics.all.map(\.definition.name)
        #expect(Set(names).count == names.count, "a name is defined twice")
        for definition in StandardMetrics.all.map(\.definition) {
            #expect(definition.name.wholeMatch(of: /[a-z_][a-z0-9_]*/) != nil, "\(definition.name)")
            #expect((definition.kind == .counter) == definition.name.hasSuffix("_total"), "\(definition.name): counters, and only counters, end in _total")
            if let unit = definition.unit {
                #expect(definition.name.hasSuffix("_" + unit) || definition.name.hasSuffix("_\(unit)_total"), "\(definition.name) does not end in its unit \(unit)")
            }
            #expect((definition.kind == .histogram) == !definition.buckets.isEmpty, "\(definition.name)")
        }
    }

    @Test func theRegistryDeclaresADefinitionAsDefined() {
        let registry = MetricRegistry(configuration: MetricsConfiguration(namespace: "skillmeat"))
        registry.counter(StandardMetrics.llmTokens).labels("openai", "gpt-4o-mini", "prompt").increment(by: 12)
        registry.histogram(StandardMetrics.jobDuration).labels("research", "completed").observe(0.7)
        registry.observeGauge(StandardMetrics.appInfo, labels: ["agent-hub", "1.4.2", "production"]) { 1 }
        let text = String(decoding: registry.render(), as: UTF8.self)
        #expect(text.contains("# HELP skillmeat_llm_tokens_used_total \(StandardMetrics.llmTokens.definition.help)\n# TYPE skillmeat_llm_tokens_used_total counter"))
        #expect(text.contains(#"skillmeat_llm_tokens_used_total{provider="openai",model="gpt-4o-mini",type="prompt"} 12"#))
        #expect(text.contains(#"skillmeat_job_duration_seconds_bucket{job_type="research",status="completed",le="1.0"} 1"#))
        #expect(text.contains(#"skillmeat_job_duration_seconds_bucket{job_type="research",status="completed",le="1800.0"} 1"#), "the definition's buckets")
        #expect(text.contains(#"skillmeat_app_info{service="agent-hub",version="1.4.2",environment="production"} 1"#))
        #expect(StandardMetrics.processCPUSeconds.definition.exposedName(namespace: "skillmeat") == "process_cpu_seconds_total")
        #expect(HistogramBuckets.label(for: 1) == "1.0" && HistogramBuckets.label(for: 0.25) == "0.25")
    }
}
