import Foundation
import SpyglassStack
import SpyglassTestSupport
import Testing

/// Every generated alert, run by `promtool test rules` on synthetic series: each fires, with its labels and
/// annotations exactly, on series that should trigger it, and stays quiet on series that should not. The
/// specification uses the default thresholds and a namespace, so the names the rules query are the prefixed ones.
@Suite struct RuleUnitTests {
    static let specification = StackSpecification(
        service: "agent-hub",
        namespace: "skillmeat",
        slos: [
            ServiceLevelObjective(name: "availability", indicator: .availability, objective: 0.999),
            ServiceLevelObjective(name: "jobs_latency", indicator: .latency(thresholdSeconds: 0.25), objective: 0.99, endpoint: "/v1/jobs"),
        ]
    )

    /// Writes the rules and `tests` into a temporary folder and runs `promtool test rules` on them.
    private func promtoolTest(_ tests: String, evaluationInterval: String = "1m") async throws -> Peers.Output {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let generator = StackGenerator(Self.specification, specificationPath: "test")
        for file in generator.files where file.path.hasPrefix("prometheus/rules/") {
            try Data(file.contents.utf8).write(to: folder.appendingPathComponent(URL(fileURLWithPath: file.path).lastPathComponent))
        }
        let testFile = folder.appendingPathComponent("tests.yml")
        try Data(("rule_files: [alerts.yml, slo.yml]\nevaluation_interval: \(evaluationInterval)\ntests:\n" + tests).utf8).write(to: testFile)
        return try await Peers.run(try Peers.promtool, ["test", "rules", testFile.path], input: [])
    }

    private func expectSuccess(_ output: Peers.Output, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status == 0, "promtool test rules failed:\n\(output.standardOutput)\n\(output.standardError)", sourceLocation: sourceLocation)
    }

    @Test func serviceAlertsFireOnTheirSymptomsAndStayQuietOtherwise() async throws {
        let tests = #"""
              # HighErrorRate: 10% of requests fail (fires), 1% fail (quiet).
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_http_requests_total{job="agent-hub",method="GET",endpoint="/v1/jobs",status="500"}', values: '0+6x30'}
                  - {series: 'skillmeat_http_requests_total{job="agent-hub",method="GET",endpoint="/v1/jobs",status="200"}', values: '0+54x30'}
                alert_rule_test:
                  - eval_time: 15m
                    alertname: HighErrorRate
                    exp_alerts:
                      - exp_labels: {severity: critical, service: agent-hub, job: agent-hub}
                        exp_annotations:
                          summary: agent-hub answers more than 5% of requests with 5xx
                          description: 10% of agent-hub's requests failed with a 5xx status over the last 5 minutes.
                          runbook_url: runbooks.md#higherrorrate
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_http_requests_total{job="agent-hub",method="GET",endpoint="/v1/jobs",status="500"}', values: '0+1x30'}
                  - {series: 'skillmeat_http_requests_total{job="agent-hub",method="GET",endpoint="/v1/jobs",status="200"}', values: '0+99x30'}
                alert_rule_test:
                  - {eval_time: 15m, alertname: HighErrorRate, exp_alerts: []}

              # HighLatency: every request between 5 and 7.5 s (p95 7.375 s, fires); all under 100 ms (quiet).
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_http_request_duration_seconds_bucket{job="agent-hub",le="5.0"}', values: '0x30'}
                  - {series: 'skillmeat_http_request_duration_seconds_bucket{job="agent-hub",le="7.5"}', values: '0+10x30'}
                  - {series: 'skillmeat_http_request_duration_seconds_bucket{job="agent-hub",le="10.0"}', values: '0+10x30'}
                  - {series: 'skillmeat_http_request_duration_seconds_bucket{job="agent-hub",le="+Inf"}', values: '0+10x30'}
                alert_rule_test:
                  - eval_time: 15m
                    alertname: HighLatency
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, job: agent-hub}
                        exp_annotations:
                          summary: agent-hub's p95 latency is above 5 s
                          description: 95% of agent-hub's requests took up to 7.375s over the last 5 minutes.
                          runbook_url: runbooks.md#highlatency
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_http_request_duration_seconds_bucket{job="agent-hub",le="0.1"}', values: '0+10x30'}
                  - {series: 'skillmeat_http_request_duration_seconds_bucket{job="agent-hub",le="+Inf"}', values: '0+10x30'}
                alert_rule_test:
                  - {eval_time: 15m, alertname: HighLatency, exp_alerts: []}

              # ServiceDown: the target answers no scrape (fires); it has no target at all (fires); it is up (quiet).
              - interval: 1m
                input_series:
                  - {series: 'up{job="agent-hub",instance="api-1:8080"}', values: '0x10'}
                alert_rule_test:
                  - eval_time: 5m
                    alertname: ServiceDown
                    exp_alerts:
                      - exp_labels: {severity: critical, service: agent-hub, job: agent-hub}
                        exp_annotations:
                          summary: agent-hub cannot be scraped
                          description: 'Prometheus has not scraped agent-hub for a minute: it is down, unreachable, or its target is gone.'
                          runbook_url: runbooks.md#servicedown
              - interval: 1m
                input_series:
                  - {series: 'up{job="another-service",instance="other:8080"}', values: '1x10'}
                alert_rule_test:
                  - eval_time: 5m
                    alertname: ServiceDown
                    exp_alerts:
                      - exp_labels: {severity: critical, service: agent-hub, job: agent-hub}
                        exp_annotations:
                          summary: agent-hub cannot be scraped
                          description: 'Prometheus has not scraped agent-hub for a minute: it is down, unreachable, or its target is gone.'
                          runbook_url: runbooks.md#servicedown
              - interval: 1m
                input_series:
                  - {series: 'up{job="agent-hub",instance="api-1:8080"}', values: '1x10'}
                alert_rule_test:
                  - {eval_time: 5m, alertname: ServiceDown, exp_alerts: []}

              # HighMemoryUsage: 5 GiB resident (fires); 1 GiB (quiet). process_* names take no namespace.
              - interval: 1m
                input_series:
                  - {series: 'process_resident_memory_bytes{job="agent-hub",instance="api-1:8080"}', values: '5368709120x10'}
                  - {series: 'process_resident_memory_bytes{job="agent-hub",instance="api-2:8080"}', values: '1073741824x10'}
                alert_rule_test:
                  - eval_time: 10m
                    alertname: HighMemoryUsage
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, job: agent-hub, instance: 'api-1:8080'}
                        exp_annotations:
                          summary: api-1:8080 of agent-hub uses more than 4096 MiB
                          description: api-1:8080 has 5GiB resident.
                          runbook_url: runbooks.md#highmemoryusage

              # LowCacheHitRate: half the lookups hit (fires); 90% hit (quiet).
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_cache_hits_total{job="agent-hub",cache="sessions"}', values: '0+5x40'}
                  - {series: 'skillmeat_cache_misses_total{job="agent-hub",cache="sessions"}', values: '0+5x40'}
                  - {series: 'skillmeat_cache_hits_total{job="agent-hub",cache="prompts"}', values: '0+9x40'}
                  - {series: 'skillmeat_cache_misses_total{job="agent-hub",cache="prompts"}', values: '0+1x40'}
                alert_rule_test:
                  - eval_time: 30m
                    alertname: LowCacheHitRate
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, job: agent-hub, cache: sessions}
                        exp_annotations:
                          summary: Cache sessions of agent-hub hits less than 70% of lookups
                          description: Cache sessions answered 50% of lookups over the last 10 minutes.
                          runbook_url: runbooks.md#lowcachehitrate

              # LLMProviderErrors: 20 failed calls a minute to openai (fires), 5 to anthropic (quiet).
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_llm_requests_total{job="agent-hub",provider="openai",model="gpt-4o-mini",status="error"}', values: '0+20x30'}
                  - {series: 'skillmeat_llm_requests_total{job="agent-hub",provider="anthropic",model="claude-3-5-haiku",status="error"}', values: '0+5x30'}
                alert_rule_test:
                  - eval_time: 15m
                    alertname: LLMProviderErrors
                    exp_alerts:
                      - exp_labels: {severity: critical, service: agent-hub, job: agent-hub, provider: openai}
                        exp_annotations:
                          summary: LLM calls to openai fail more than 10 times a minute
                          description: 20 calls a minute to openai failed over the last 5 minutes.
                          runbook_url: runbooks.md#llmprovidererrors

              # HighLLMLatency: calls between 30 and 60 s (p95 58.5 s, fires); calls under 15 s (quiet).
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_llm_request_duration_seconds_bucket{job="agent-hub",provider="openai",model="o3",le="30.0"}', values: '0x30'}
                  - {series: 'skillmeat_llm_request_duration_seconds_bucket{job="agent-hub",provider="openai",model="o3",le="60.0"}', values: '0+10x30'}
                  - {series: 'skillmeat_llm_request_duration_seconds_bucket{job="agent-hub",provider="openai",model="o3",le="+Inf"}', values: '0+10x30'}
                  - {series: 'skillmeat_llm_request_duration_seconds_bucket{job="agent-hub",provider="openai",model="gpt-4o-mini",le="15.0"}', values: '0+10x30'}
                  - {series: 'skillmeat_llm_request_duration_seconds_bucket{job="agent-hub",provider="openai",model="gpt-4o-mini",le="+Inf"}', values: '0+10x30'}
                alert_rule_test:
                  - eval_time: 15m
                    alertname: HighLLMLatency
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, job: agent-hub, provider: openai, model: o3}
                        exp_annotations:
                          summary: o3 of openai takes more than 30 s at p95
                          description: 95% of calls to o3 took up to 58.5s over the last 5 minutes.
                          runbook_url: runbooks.md#highllmlatency

              # HighAgentErrorRate: research fails 20% of its runs (fires); creative 5% (quiet).
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_agent_executions_total{job="agent-hub",agent="research",status="error"}', values: '0+2x30'}
                  - {series: 'skillmeat_agent_executions_total{job="agent-hub",agent="research",status="success"}', values: '0+8x30'}
                  - {series: 'skillmeat_agent_executions_total{job="agent-hub",agent="creative",status="error"}', values: '0+1x30'}
                  - {series: 'skillmeat_agent_executions_total{job="agent-hub",agent="creative",status="success"}', values: '0+19x30'}
                alert_rule_test:
                  - eval_time: 15m
                    alertname: HighAgentErrorRate
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, job: agent-hub, agent: research}
                        exp_annotations:
                          summary: Agent research fails more than 10% of its runs
                          description: 20% of research's runs failed over the last 5 minutes.
                          runbook_url: runbooks.md#highagenterrorrate

              # ExternalAPIFailures: one failed call a second (fires); one a minute (quiet).
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_external_api_calls_total{job="agent-hub",provider="yutori",operation="create_task",status="error"}', values: '0+60x30'}
                  - {series: 'skillmeat_external_api_calls_total{job="agent-hub",provider="freepik",operation="generate",status="error"}', values: '0+1x30'}
                alert_rule_test:
                  - eval_time: 15m
                    alertname: ExternalAPIFailures
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, job: agent-hub, provider: yutori, operation: create_task}
                        exp_annotations:
                          summary: create_task on yutori fails more than 0.5 times a second
                          description: 1 failed calls a second to yutori create_task over the last 5 minutes.
                          runbook_url: runbooks.md#externalapifailures

              # DependencyUnhealthy: the redis check fails (fires); the database check is degraded (quiet).
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_health_check_status{job="agent-hub",instance="api-1:8080",check="redis"}', values: '0x10'}
                  - {series: 'skillmeat_health_check_status{job="agent-hub",instance="api-1:8080",check="database"}', values: '0.5x10'}
                alert_rule_test:
                  - eval_time: 5m
                    alertname: DependencyUnhealthy
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, job: agent-hub, check: redis}
                        exp_annotations:
                          summary: Health check redis of agent-hub fails
                          description: The redis check has been unhealthy for 2 minutes; readiness fails while a critical check does.
                          runbook_url: runbooks.md#dependencyunhealthy

              # HighJobFailureRate: a quarter of research jobs fail (fires); no creative job fails (quiet).
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_jobs_total{job="agent-hub",job_type="research",status="failed"}', values: '0+1x30'}
                  - {series: 'skillmeat_jobs_total{job="agent-hub",job_type="research",status="completed"}', values: '0+3x30'}
                  - {series: 'skillmeat_jobs_total{job="agent-hub",job_type="creative",status="completed"}', values: '0+4x30'}
                alert_rule_test:
                  - eval_time: 15m
                    alertname: HighJobFailureRate
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, job: agent-hub, job_type: research}
                        exp_annotations:
                          summary: More than 10% of research jobs fail
                          description: 25% of the research jobs that finished over the last 5 minutes failed.
                          runbook_url: runbooks.md#highjobfailurerate

              # StuckJobs: 12 research jobs running for 40 minutes (fires); 12 only for 20 minutes (quiet).
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_active_jobs{job="agent-hub",instance="api-1:8080",job_type="research"}', values: '12x40'}
                  - {series: 'skillmeat_active_jobs{job="agent-hub",instance="api-1:8080",job_type="creative"}', values: '2x20 12x20'}
                alert_rule_test:
                  - eval_time: 40m
                    alertname: StuckJobs
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, job: agent-hub, job_type: research}
                        exp_annotations:
                          summary: More than 10 research jobs have been running for 30 minutes
                          description: 12 research jobs are running and the count has stayed above 10 for 30 minutes.
                          runbook_url: runbooks.md#stuckjobs

              # LLMBudgetExhausted: 120% of the daily budget spent (fires); 50% of the monthly one (quiet).
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_llm_cost_budget_spent_usd{job="agent-hub",instance="api-1:8080",scope="*",period="day"}', values: '1.2x5'}
                  - {series: 'skillmeat_llm_cost_budget_usd{job="agent-hub",instance="api-1:8080",scope="*",period="day"}', values: '1x5'}
                  - {series: 'skillmeat_llm_cost_budget_spent_usd{job="agent-hub",instance="api-1:8080",scope="openai",period="month"}', values: '50x5'}
                  - {series: 'skillmeat_llm_cost_budget_usd{job="agent-hub",instance="api-1:8080",scope="openai",period="month"}', values: '100x5'}
                alert_rule_test:
                  - eval_time: 2m
                    alertname: LLMBudgetExhausted
                    exp_alerts:
                      - exp_labels: {severity: critical, service: agent-hub, job: agent-hub, scope: '*', period: day}
                        exp_annotations:
                          summary: LLM budget * per day is spent
                          description: agent-hub has spent 120% of its * budget for this day.
                          runbook_url: runbooks.md#llmbudgetexhausted
            """#
        expectSuccess(try await promtoolTest(tests))
    }

    /// A week at $0.60 an hour, then $6 an hour for two hours: ten times the baseline (fires). The same week with
    /// no spike stays quiet.
    @Test func aCostSpikeIsMeasuredAgainstTheWeeksAverage() async throws {
        let tests = #"""
              - interval: 10m
                input_series:
                  - {series: 'skillmeat_llm_cost_usd_total{job="agent-hub",provider="openai",model="gpt-4o"}', values: '0+0.1x1008 100.8+1x12'}
                alert_rule_test:
                  - eval_time: 170h
                    alertname: LLMCostSpike
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, job: agent-hub}
                        exp_annotations:
                          summary: agent-hub spends on LLMs more than 2× its 7-day average
                          description: agent-hub spent at 6 USD per hour over the last hour, more than 2 times its 7-day average.
                          runbook_url: runbooks.md#llmcostspike
              - interval: 10m
                input_series:
                  - {series: 'skillmeat_llm_cost_usd_total{job="agent-hub",provider="openai",model="gpt-4o"}', values: '0+0.1x1020'}
                alert_rule_test:
                  - {eval_time: 170h, alertname: LLMCostSpike, exp_alerts: []}
            """#
        // Rules evaluated every 10 minutes: a week at every minute is 10,000 evaluations of every rule.
        expectSuccess(try await promtoolTest(tests, evaluationInterval: "10m"))
    }

    /// The SRE workbook's burn rates on a 99.9% availability SLO (budget 0.1%) and a 99% latency SLO.
    @Test func errorBudgetBurnPagesFastBurnsTicketsSlowOnesAndNoticesAMissingSLI() async throws {
        let tests = #"""
              # 2% of requests fail for an hour: 20 times the budget, over 14.4 in the 5m and 1h windows: page.
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_http_requests_total{job="agent-hub",endpoint="/v1/chat",status="503"}', values: '0+2x70'}
                  - {series: 'skillmeat_http_requests_total{job="agent-hub",endpoint="/v1/chat",status="200"}', values: '0+98x70'}
                  - {series: 'skillmeat_http_request_duration_seconds_bucket{job="agent-hub",endpoint="/v1/jobs",le="0.25"}', values: '0+100x70'}
                  - {series: 'skillmeat_http_request_duration_seconds_count{job="agent-hub",endpoint="/v1/jobs"}', values: '0+100x70'}
                alert_rule_test:
                  - eval_time: 65m
                    alertname: ErrorBudgetBurn
                    exp_alerts:
                      - exp_labels: {severity: critical, service: agent-hub, slo: availability, job: agent-hub}
                        exp_annotations:
                          summary: agent-hub burns the error budget of SLO availability fast
                          description: 'SLO availability (99.9% of requests not answered 5xx over 30d): at this rate 2% of the budget goes within an hour or 5% within 6 hours.'
                          runbook_url: runbooks.md#errorbudgetburn
                promql_expr_test:
                  - expr: slo:sli_error:ratio_rate1h{slo="availability"}
                    eval_time: 65m
                    exp_samples:
                      - {labels: 'slo:sli_error:ratio_rate1h{job="agent-hub",slo="availability"}', value: 0.02}

              # 0.5% fail for three hours: 5 times the budget, under the page's 6 and over the ticket's 3: ticket only.
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_http_requests_total{job="agent-hub",endpoint="/v1/chat",status="500"}', values: '0+1x200'}
                  - {series: 'skillmeat_http_requests_total{job="agent-hub",endpoint="/v1/chat",status="200"}', values: '0+199x200'}
                  - {series: 'skillmeat_http_request_duration_seconds_bucket{job="agent-hub",endpoint="/v1/jobs",le="0.25"}', values: '0+100x200'}
                  - {series: 'skillmeat_http_request_duration_seconds_count{job="agent-hub",endpoint="/v1/jobs"}', values: '0+100x200'}
                alert_rule_test:
                  - {eval_time: 3h, alertname: ErrorBudgetBurn, exp_alerts: []}
                  - eval_time: 3h
                    alertname: ErrorBudgetBurnSlow
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, slo: availability, job: agent-hub}
                        exp_annotations:
                          summary: agent-hub burns the error budget of SLO availability steadily
                          description: 'SLO availability (99.9% of requests not answered 5xx over 30d): at this rate 10% of the budget goes within a day or within 3 days.'
                          runbook_url: runbooks.md#errorbudgetburnslow

              # 0.05% fail: within budget, half of it left; nothing fires.
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_http_requests_total{job="agent-hub",endpoint="/v1/chat",status="500"}', values: '0+1x70'}
                  - {series: 'skillmeat_http_requests_total{job="agent-hub",endpoint="/v1/chat",status="200"}', values: '0+1999x70'}
                  - {series: 'skillmeat_http_request_duration_seconds_bucket{job="agent-hub",endpoint="/v1/jobs",le="0.25"}', values: '0+100x70'}
                  - {series: 'skillmeat_http_request_duration_seconds_count{job="agent-hub",endpoint="/v1/jobs"}', values: '0+100x70'}
                alert_rule_test:
                  - {eval_time: 65m, alertname: ErrorBudgetBurn, exp_alerts: []}
                  - {eval_time: 65m, alertname: ErrorBudgetBurnSlow, exp_alerts: []}
                  - {eval_time: 65m, alertname: SLIMissing, exp_alerts: []}
                promql_expr_test:
                  - expr: slo:error_budget_remaining:ratio{slo="availability"}
                    eval_time: 65m
                    exp_samples:
                      - {labels: 'slo:error_budget_remaining:ratio{job="agent-hub",slo="availability"}', value: 0.5}

              # A fifth of /v1/jobs takes longer than 250 ms: 20 times the latency SLO's 1% budget: page.
              - interval: 1m
                input_series:
                  - {series: 'skillmeat_http_requests_total{job="agent-hub",endpoint="/v1/jobs",status="200"}', values: '0+100x70'}
                  - {series: 'skillmeat_http_request_duration_seconds_bucket{job="agent-hub",endpoint="/v1/jobs",le="0.25"}', values: '0+80x70'}
                  - {series: 'skillmeat_http_request_duration_seconds_count{job="agent-hub",endpoint="/v1/jobs"}', values: '0+100x70'}
                alert_rule_test:
                  - eval_time: 65m
                    alertname: ErrorBudgetBurn
                    exp_alerts:
                      - exp_labels: {severity: critical, service: agent-hub, slo: jobs_latency, job: agent-hub}
                        exp_annotations:
                          summary: agent-hub burns the error budget of SLO jobs_latency fast
                          description: 'SLO jobs_latency (99% of requests within 0.25 s over 30d): at this rate 2% of the budget goes within an hour or 5% within 6 hours.'
                          runbook_url: runbooks.md#errorbudgetburn

              # No HTTP metrics at all: both SLIs are missing.
              - interval: 1m
                input_series:
                  - {series: 'up{job="agent-hub",instance="api-1:8080"}', values: '1x20'}
                alert_rule_test:
                  - eval_time: 15m
                    alertname: SLIMissing
                    exp_alerts:
                      - exp_labels: {severity: warning, service: agent-hub, slo: availability, job: agent-hub}
                        exp_annotations:
                          summary: SLO availability of agent-hub has no data
                          description: skillmeat_http_requests_total has had no series for agent-hub for 10 minutes, so the SLO cannot be judged.
                          runbook_url: runbooks.md#slimissing
                      - exp_labels: {severity: warning, service: agent-hub, slo: jobs_latency, job: agent-hub, endpoint: /v1/jobs}
                        exp_annotations:
                          summary: SLO jobs_latency of agent-hub has no data
                          description: skillmeat_http_request_duration_seconds has had no series for agent-hub /v1/jobs for 10 minutes, so the SLO cannot be judged.
                          runbook_url: runbooks.md#slimissing
            """#
        expectSuccess(try await promtoolTest(tests))
    }
}
