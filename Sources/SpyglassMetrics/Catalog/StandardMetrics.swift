/// Every metric Spyglass itself emits, with the seeds' names: the one place they are defined. The instrumentation
/// declares its families from these, and `spyglass generate` writes dashboards, alerts and SLO rules from them.
public enum StandardMetrics {
    // MARK: HTTP (SpyglassMiddleware)

    public static let httpRequests = CounterDefinition(
        "http_requests_total", help: "HTTP requests by method, route template and status.", labels: ["method", "endpoint", "status"]
    )
    public static let httpRequestDuration = HistogramDefinition(
        "http_request_duration_seconds",
        help: "Time from receiving a request to writing the last byte of its response, failed requests included.",
        unit: "seconds",
        labels: ["method", "endpoint", "status"]
    )
    public static let httpRequestSize = HistogramDefinition(
        "http_request_size_bytes", help: "Request body sizes (Content-Length).", unit: "bytes", labels: ["method", "endpoint"],
        buckets: HistogramBuckets.bytes
    )
    public static let httpResponseSize = HistogramDefinition(
        "http_response_size_bytes", help: "Response body sizes as written.", unit: "bytes", labels: ["method", "endpoint", "status"],
        buckets: HistogramBuckets.bytes
    )
    public static let httpRequestsInProgress = GaugeDefinition("http_requests_in_progress", help: "HTTP requests being handled now.", labels: ["method"])

    // MARK: LLM calls (LLMTelemetry)

    public static let llmRequests = CounterDefinition(
        "llm_requests_total", help: "LLM calls by provider, model and outcome.", labels: ["provider", "model", "status"]
    )
    public static let llmRequestDuration = HistogramDefinition(
        "llm_request_duration_seconds", help: "LLM call duration, streams until their last chunk.", unit: "seconds",
        labels: ["provider", "model"], buckets: HistogramBuckets.llmSeconds
    )
    public static let llmTokens = CounterDefinition(
        "llm_tokens_used_total",
        help: "Tokens by kind: prompt and completion are all input and output tokens; cached and reasoning are the parts of them read from the cache and spent reasoning.",
        labels: ["provider", "model", "type"]
    )
    public static let llmCost = CounterDefinition(
        "llm_cost_usd_total", help: "What LLM calls cost in US dollars, from the price table.", labels: ["provider", "model"]
    )
    public static let llmTimeToFirstToken = HistogramDefinition(
        "llm_time_to_first_token_seconds", help: "Time from sending a streamed LLM request to its first content chunk.", unit: "seconds",
        labels: ["provider", "model"], buckets: HistogramBuckets.llmSeconds
    )
    public static let llmCostBudget = GaugeDefinition(
        "llm_cost_budget_usd", help: "The LLM spending limit of each budget's period, in US dollars.", labels: ["scope", "period"]
    )
    public static let llmCostBudgetSpent = GaugeDefinition(
        "llm_cost_budget_spent_usd", help: "What this process's LLM calls cost so far in each budget's current period, in US dollars.",
        labels: ["scope", "period"]
    )

    // MARK: Agents and tools (AgentTelemetry)

    public static let agentExecutions = CounterDefinition("agent_executions_total", help: "Agent runs by agent and outcome.", labels: ["agent", "status"])
    public static let agentExecutionDuration = HistogramDefinition(
        "agent_execution_duration_seconds", help: "Agent run time.", unit: "seconds", labels: ["agent"], buckets: HistogramBuckets.llmSeconds
    )
    public static let agentErrors = CounterDefinition("agent_errors_total", help: "Failed agent runs by agent and error type.", labels: ["agent", "error_type"])
    public static let activeAgents = GaugeDefinition("active_agents", help: "Agents running now.", labels: ["agent"])
    public static let toolExecutions = CounterDefinition("tool_executions_total", help: "Tool calls by tool and outcome.", labels: ["tool", "status"])
    public static let toolExecutionDuration = HistogramDefinition(
        "tool_execution_duration_seconds", help: "Tool call duration.", unit: "seconds", labels: ["tool"]
    )

    // MARK: Jobs and external APIs (JobTelemetry, ExternalCallTelemetry)

    public static let jobs = CounterDefinition("jobs_total", help: "Jobs by type and final status.", labels: ["job_type", "status"])
    public static let jobDuration = HistogramDefinition(
        "job_duration_seconds", help: "Job run time by type and final status.", unit: "seconds", labels: ["job_type", "status"],
        buckets: HistogramBuckets.jobSeconds
    )
    public static let activeJobs = GaugeDefinition("active_jobs", help: "Jobs running now.", labels: ["job_type"])
    public static let externalAPICalls = CounterDefinition(
        "external_api_calls_total", help: "Calls to external APIs by provider, operation and outcome.", labels: ["provider", "operation", "status"]
    )
    public static let externalAPIDuration = HistogramDefinition(
        "external_api_duration_seconds", help: "External API call duration.", unit: "seconds", labels: ["provider", "operation"]
    )

    // MARK: Data (DatabaseMetrics, CacheMetrics)

    public static let dbQueries = CounterDefinition("db_queries_total", help: "Database queries by operation and table.", labels: ["operation", "table"])
    public static let dbQueryDuration = HistogramDefinition(
        "db_query_duration_seconds", help: "Database query duration by operation and table, failed queries included.", unit: "seconds",
        labels: ["operation", "table"]
    )
    public static let cacheHits = CounterDefinition("cache_hits_total", help: "Cache lookups that found a value.", labels: ["cache"])
    public static let cacheMisses = CounterDefinition("cache_misses_total", help: "Cache lookups that found nothing.", labels: ["cache"])

    // MARK: Health (HealthMonitor)

    public static let healthCheckStatus = GaugeDefinition(
        "health_check_status", help: "Result of each health check's last run: 1 healthy, 0.5 degraded, 0 unhealthy.", labels: ["check"]
    )
    public static let healthCheckDuration = HistogramDefinition(
        "health_check_duration_seconds", help: "How long each health check took.", unit: "seconds", labels: ["check"]
    )

    // MARK: Process and build (registerProcessMetrics, registerAppInfo)

    public static let processResidentMemory = GaugeDefinition("process_resident_memory_bytes", help: "Resident memory size in bytes.", unit: "bytes")
    public static let processVirtualMemory = GaugeDefinition("process_virtual_memory_bytes", help: "Virtual memory size in bytes.", unit: "bytes")
    public static let processCPUSeconds = CounterDefinition(
        "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.", unit: "seconds"
    )
    public static let processOpenFDs = GaugeDefinition("process_open_fds", help: "Number of open file descriptors.")
    public static let processMaxFDs = GaugeDefinition("process_max_fds", help: "Maximum number of open file descriptors.")
    public static let processStartTime = GaugeDefinition(
        "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.", unit: "seconds"
    )
    public static let appInfo = GaugeDefinition(
        "app_info", help: "The running service: its name, version and environment. Always 1.", labels: ["service", "version", "environment"]
    )

    // MARK: Spyglass itself

    public static let seriesRejected = CounterDefinition(
        "spyglass_metric_series_rejected_total",
        help: "Label sets a metric turned away: over its series limit (counted into its overflow series) or with the wrong number of values.",
        labels: ["metric"]
    )
    public static let registrationsRejected = CounterDefinition(
        "spyglass_metric_registrations_rejected_total",
        help: "Declarations of a metric that conflicted with its first declaration (type, labels or buckets).",
        labels: ["metric"]
    )
    public static let logEventsDropped = CounterDefinition(
        "spyglass_log_events_dropped_total",
        help: "Log lines not written, by reason (sampling: repetitive messages sampled out; output_stalled: the log output accepted nothing for 5 s; export_failed, export_queue_full: OTLP log records lost).",
        labels: ["reason"]
    )
    public static let spansDropped = CounterDefinition(
        "spyglass_spans_dropped_total",
        help: "Spans the OTLP export lost, by reason (export_failed: the collector did not take a batch; queue_full: the export queue was full; rate_limited: the collector asked for a longer wait than is followed).",
        labels: ["reason"]
    )

    public static let errorEventsDropped = CounterDefinition(
        "spyglass_error_events_dropped_total",
        help: "Error events the Sentry reporter lost, by reason (export_failed: the server did not take one; queue_full: the queue was full; rate_limited: the server's rate limit was in force).",
        labels: ["reason"]
    )

    public static let storeEntries = GaugeDefinition(
        "spyglass_store_entries", help: "Spans and log lines kept in process for the built-in dashboard, by store.", labels: ["store"]
    )
    public static let storeBytes = GaugeDefinition(
        "spyglass_store_bytes", help: "What the kept log lines take, in bytes (lines and entry overhead), by store.", unit: "bytes", labels: ["store"]
    )
    public static let storeEvicted = CounterDefinition(
        "spyglass_store_evicted_total", help: "Spans and log lines dropped from a full store to make room, by store.", labels: ["store"]
    )

    /// Every definition above, in the order listed.
    public static let all: [any DefinesMetric] = [
        httpRequests, httpRequestDuration, httpRequestSize, httpResponseSize, httpRequestsInProgress,
        llmRequests, llmRequestDuration, llmTokens, llmCost, llmTimeToFirstToken, llmCostBudget, llmCostBudgetSpent,
        agentExecutions, agentExecutionDuration, agentErrors, activeAgents, toolExecutions, toolExecutionDuration,
        jobs, jobDuration, activeJobs, externalAPICalls, externalAPIDuration,
        dbQueries, dbQueryDuration, cacheHits, cacheMisses,
        healthCheckStatus, healthCheckDuration,
        processResidentMemory, processVirtualMemory, processCPUSeconds, processOpenFDs, processMaxFDs, processStartTime, appInfo,
        seriesRejected, registrationsRejected, logEventsDropped, spansDropped, errorEventsDropped, storeEntries, storeBytes, storeEvicted,
    ]
}
