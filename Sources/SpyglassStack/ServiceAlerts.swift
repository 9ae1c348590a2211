import SpyglassMetrics

/// The alerts the seeds name whose metrics Spyglass emits, with the thresholds of a ``StackSpecification``.
public struct ServiceAlerts: Sendable {
    /// One alert: its rule and its runbook entry.
    public struct Alert: Sendable, Hashable {
        public let name: String
        /// `critical` (page) or `warning` (ticket).
        public let severity: String
        /// What the alert measures: a PromQL expression with a value whenever the service emits the metric (0 when
        /// there are requests but no errors), so dashboards can plot it and tests can ask for it.
        public let query: String
        /// The alerting condition: ``query`` compared with the threshold.
        public let expr: String
        public let duration: String
        public let summary: String
        public let description: String
        /// What to look at first, for the runbook.
        public let firstSteps: [String]

        init(
            name: String, severity: String, query: String, when condition: String, duration: String, summary: String, description: String,
            firstSteps: [String]
        ) {
            self.name = name
            self.severity = severity
            self.query = query
            expr = "\(query) \(condition)"
            self.duration = duration
            self.summary = summary
            self.description = description
            self.firstSteps = firstSteps
        }
    }

    public let alerts: [Alert]
    private let specification: StackSpecification

    public init(_ specification: StackSpecification) {
        self.specification = specification
        let query = MetricQuery(specification)
        let limits = specification.alerts
        let n = MetricQuery.number
        let http = StandardMetrics.httpRequests
        let duration = StandardMetrics.httpRequestDuration
        let llm = StandardMetrics.llmRequests
        let cost = StandardMetrics.llmCost
        let agents = StandardMetrics.agentExecutions
        let hits = StandardMetrics.cacheHits
        let misses = StandardMetrics.cacheMisses
        let costPerHour = { (window: String) in "sum by (job) (rate(\(query.select(cost))[\(window)])) * 3600" }
        let failures = { (metric: CounterDefinition, failed: String, by: String) in query.failures(metric, failed, by: by, window: "5m") }
        alerts = [
            Alert(
                name: "HighErrorRate", severity: "critical",
                query: "\(failures(http, "status=~\"5..\"", "job")) / sum by (job) (rate(\(query.select(http))[5m]))",
                when: "> \(n(limits.errorRate))",
                duration: "5m",
                summary: "{{ $labels.job }} answers more than \(n(limits.errorRate * 100))% of requests with 5xx",
                description: "{{ $value | humanizePercentage }} of {{ $labels.job }}'s requests failed with a 5xx status over the last 5 minutes.",
                firstSteps: ["Which endpoints fail: `sum by (endpoint, status) (rate(\(query.name(http)){status=~\"5..\"}[5m]))`.", "Error log lines (`level=error`) carry `error.type` and the `trace_id` of a failing request.", "Check the dependencies on `/health/detailed`."]
            ),
            Alert(
                name: "HighLatency", severity: "warning",
                query: query.quantile(0.95, duration, by: "job", window: "5m"),
                when: "> \(n(limits.latencyP95Seconds))",
                duration: "5m",
                summary: "{{ $labels.job }}'s p95 latency is above \(n(limits.latencyP95Seconds)) s",
                description: "95% of {{ $labels.job }}'s requests took up to {{ $value | humanizeDuration }} over the last 5 minutes.",
                firstSteps: ["The slowest endpoints: `histogram_quantile(0.95, sum by (endpoint) (rate(\(query.name(duration))[5m])))` (native histograms), or `histogram_quantile(0.95, sum by (endpoint, le) (rate(\(query.name(duration))_bucket[5m])))` (classic).", "Exemplars on the latency panel link to slow traces.", "Database and LLM latency: `db_query_duration_seconds`, `llm_request_duration_seconds`."]
            ),
            Alert(
                name: "ServiceDown", severity: "critical",
                query: "max by (job) (up{job=\(MetricQuery.quoted(specification.service))})",
                when: "== 0 or absent(up{job=\(MetricQuery.quoted(specification.service))})",
                duration: "1m",
                summary: "{{ $labels.job }} cannot be scraped",
                description: "Prometheus has not scraped {{ $labels.job }} for a minute: it is down, unreachable, or its target is gone.",
                firstSteps: ["The target's error on Prometheus's Targets page.", "`/health/live` of the service.", "The last log lines before it stopped (`shutdown_complete` means it stopped cleanly)."]
            ),
            Alert(
                name: "DependencyUnhealthy", severity: "warning",
                query: "min by (job, check) (\(query.select(StandardMetrics.healthCheckStatus)))",
                when: "== 0",
                duration: "2m",
                summary: "Health check {{ $labels.check }} of {{ $labels.job }} fails",
                description: "The {{ $labels.check }} check has been unhealthy for 2 minutes; readiness fails while a critical check does.",
                firstSteps: ["`/health/detailed` (with the details credential) shows the check's message, such as `connection refused by db:5432`.", "`health_check_changed` log lines say when it changed."]
            ),
            Alert(
                name: "HighMemoryUsage", severity: "warning",
                query: "max by (job, instance) (\(query.select(StandardMetrics.processResidentMemory)))",
                when: "> \(n(limits.memoryBytes))",
                duration: "5m",
                summary: "{{ $labels.instance }} of {{ $labels.job }} uses more than \(n(limits.memoryBytes / 1_048_576)) MiB",
                description: "{{ $labels.instance }} has {{ $value | humanize1024 }}B resident.",
                firstSteps: ["Memory over time: `process_resident_memory_bytes` — a steady climb is a leak, a step is a load change.", "`/monitoring/info` shows the process's memory, threads and open files."]
            ),
            Alert(
                name: "LowCacheHitRate", severity: "warning",
                query: "sum by (job, cache) (rate(\(query.select(hits))[10m])) / (sum by (job, cache) (rate(\(query.select(hits))[10m])) + sum by (job, cache) (rate(\(query.select(misses))[10m])))",
                when: "< \(n(limits.cacheHitRate))",
                duration: "10m",
                summary: "Cache {{ $labels.cache }} of {{ $labels.job }} hits less than \(n(limits.cacheHitRate * 100))% of lookups",
                description: "Cache {{ $labels.cache }} answered {{ $value | humanizePercentage }} of lookups over the last 10 minutes.",
                firstSteps: ["Did a deploy change cache keys or TTLs?", "Is the cache server evicting (Redis `INFO stats`: evicted_keys)?"]
            ),
            Alert(
                name: "LLMProviderErrors", severity: "critical",
                query: "\(failures(llm, "status=\"error\"", "job, provider")) * 60",
                when: "> \(n(limits.llmErrorsPerMinute))",
                duration: "5m",
                summary: "LLM calls to {{ $labels.provider }} fail more than \(n(limits.llmErrorsPerMinute)) times a minute",
                description: "{{ $value | humanize }} calls a minute to {{ $labels.provider }} failed over the last 5 minutes.",
                firstSteps: ["The `error.type` of failing LLM spans: 429 is a rate limit, 5xx the provider, other types the client.", "The provider's status page.", "Spend against budgets: `llm_cost_budget_spent_usd`."]
            ),
            Alert(
                name: "HighLLMLatency", severity: "warning",
                query: query.quantile(0.95, StandardMetrics.llmRequestDuration, by: "job, provider, model", window: "5m"),
                when: "> \(n(limits.llmLatencyP95Seconds))",
                duration: "5m",
                summary: "{{ $labels.model }} of {{ $labels.provider }} takes more than \(n(limits.llmLatencyP95Seconds)) s at p95",
                description: "95% of calls to {{ $labels.model }} took up to {{ $value | humanizeDuration }} over the last 5 minutes.",
                firstSteps: ["Time to first token (`llm_time_to_first_token_seconds`) tells queueing at the provider from long answers.", "Output tokens per call: `rate(llm_tokens_used_total{type=\"completion\"}[5m]) / rate(llm_requests_total[5m])`."]
            ),
            Alert(
                name: "HighAgentErrorRate", severity: "warning",
                query: "\(failures(agents, "status=\"error\"", "job, agent")) / sum by (job, agent) (rate(\(query.select(agents))[5m]))",
                when: "> \(n(limits.agentErrorRate))",
                duration: "5m",
                summary: "Agent {{ $labels.agent }} fails more than \(n(limits.agentErrorRate * 100))% of its runs",
                description: "{{ $value | humanizePercentage }} of {{ $labels.agent }}'s runs failed over the last 5 minutes.",
                firstSteps: ["Its errors by type: `sum by (error_type) (rate(agent_errors_total{agent=\"…\"}[5m]))`.", "The failing `invoke_agent` spans show which tool or LLM call failed."]
            ),
            Alert(
                name: "ExternalAPIFailures", severity: "warning",
                query: failures(StandardMetrics.externalAPICalls, "status=\"error\"", "job, provider, operation"),
                when: "> \(n(limits.externalAPIErrorsPerSecond))",
                duration: "5m",
                summary: "{{ $labels.operation }} on {{ $labels.provider }} fails more than \(n(limits.externalAPIErrorsPerSecond)) times a second",
                description: "{{ $value | humanize }} failed calls a second to {{ $labels.provider }} {{ $labels.operation }} over the last 5 minutes.",
                firstSteps: ["`external_api_call` log lines with `success=false` carry the error.", "The provider's status page."]
            ),
            Alert(
                name: "HighJobFailureRate", severity: "warning",
                query: "\(failures(StandardMetrics.jobs, "status=\"failed\"", "job, job_type")) / sum by (job, job_type) (rate(\(query.select(StandardMetrics.jobs))[5m]))",
                when: "> \(n(limits.jobFailureRate))",
                duration: "5m",
                summary: "More than \(n(limits.jobFailureRate * 100))% of {{ $labels.job_type }} jobs fail",
                description: "{{ $value | humanizePercentage }} of the {{ $labels.job_type }} jobs that finished over the last 5 minutes failed.",
                firstSteps: ["`job_completed` lines with `status=failed` carry `error.type` and `error.message`.", "The failed jobs' traces: the `job {type}` span links to the request that created it."]
            ),
            Alert(
                name: "StuckJobs", severity: "warning",
                query: "sum by (job, job_type) (\(query.select(StandardMetrics.activeJobs)))",
                when: "> \(n(limits.stuckJobs))",
                duration: "30m",
                summary: "More than \(n(limits.stuckJobs)) {{ $labels.job_type }} jobs have been running for 30 minutes",
                description: "{{ $value }} {{ $labels.job_type }} jobs are running and the count has stayed above \(n(limits.stuckJobs)) for 30 minutes.",
                firstSteps: ["`job_progress` lines of the running jobs: which step they are in.", "Are their external calls or LLM calls timing out?"]
            ),
            Alert(
                name: "LLMCostSpike", severity: "warning",
                query: costPerHour("1h"),
                when: "> \(n(limits.costSpikeFactor)) * \(costPerHour("7d")) and \(costPerHour("1h")) > \(n(limits.costSpikeMinimumUSDPerHour))",
                duration: "15m",
                summary: "{{ $labels.job }} spends on LLMs more than \(n(limits.costSpikeFactor))× its 7-day average",
                description: "{{ $labels.job }} spent at {{ $value | humanize }} USD per hour over the last hour, more than \(n(limits.costSpikeFactor)) times its 7-day average.",
                firstSteps: ["Spend by model: `sum by (model) (rate(llm_cost_usd_total[1h]))`.", "Tokens per call by model: a prompt that grew, or a loop that calls the model again and again."]
            ),
            Alert(
                name: "LLMBudgetExhausted", severity: "critical",
                query: "max by (job, scope, period) (\(query.select(StandardMetrics.llmCostBudgetSpent)) / \(query.select(StandardMetrics.llmCostBudget)))",
                when: ">= 1",
                duration: "0m",
                summary: "LLM budget {{ $labels.scope }} per {{ $labels.period }} is spent",
                description: "{{ $labels.job }} has spent {{ $value | humanizePercentage }} of its {{ $labels.scope }} budget for this {{ $labels.period }}.",
                firstSteps: ["`llm_budget_exceeded` log lines name the call that crossed the limit.", "Raise the limit (`SPYGLASS_LLM_BUDGETS`) or find what spends: `LLMCostSpike`'s steps."]
            ),
        ]
    }

    /// The alerts as one rule group, with `severity` and `service` labels and summary, description and runbook
    /// annotations.
    public var ruleFile: PrometheusRuleFile {
        PrometheusRuleFile(groups: [
            .init(name: "\(specification.service)-alerts", interval: nil, rules: alerts.map { alert in
                .alerting(
                    alert.name, alert.expr, for: alert.duration,
                    labels: [("severity", alert.severity), ("service", specification.service)],
                    annotations: [
                        ("summary", alert.summary), ("description", alert.description),
                        ("runbook_url", "\(specification.alerts.runbookBaseURL)#\(alert.name.lowercased())"),
                    ]
                )
            })
        ])
    }

    /// A runbook with a section per alert: what it means, its query, and what to look at first.
    public var runbook: String {
        var text = "# Runbook: \(specification.service)\n\nGenerated by `spyglass generate`; one section per alert of `prometheus/rules/alerts.yml` and `slo.yml`.\n"
        for alert in alerts {
            text += "\n## \(alert.name)\n\n**Severity:** \(alert.severity). **Fires after:** \(alert.duration).\n\n"
            text += "> \(alert.summary)\n\n"
            text += "```promql\n\(alert.expr)\n```\n\nFirst steps:\n\n" + alert.firstSteps.map { "- \($0)" }.joined(separator: "\n") + "\n"
        }
        return text
    }
}
