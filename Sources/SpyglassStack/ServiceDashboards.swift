import SpyglassMetrics

/// The Grafana dashboards of a service, written from ``StandardMetrics`` so every query names a series the
/// service emits: overview, GenAI, agents/tools/jobs, cache and database.
public struct ServiceDashboards: Sendable {
    public let dashboards: [GrafanaDashboard]

    public init(_ specification: StackSpecification) {
        let q = MetricQuery(dashboardOf: specification)
        let service = specification.service
        let rate = "$__rate_interval"
        func quantiles(_ metric: HistogramDefinition, by labels: String, legend: String) -> [(String, String)] {
            [0.5, 0.95, 0.99].map { quantile in
                (q.quantile(quantile, metric, by: labels, window: rate), "p\(Int(quantile * 100)) \(legend)")
            }
        }
        func failures(_ metric: CounterDefinition, _ failed: String, by labels: String) -> String {
            q.failures(metric, failed, by: labels, window: rate)
        }
        typealias Spec = DashboardBuilder.PanelSpec
        let http = StandardMetrics.httpRequests
        let duration = StandardMetrics.httpRequestDuration

        var overview = DashboardBuilder()
        overview.add(Spec(title: "Requests per second", description: "All requests the service answered.", kind: .stat, unit: "reqps", width: 6,
                          queries: [("sum(rate(\(q.select(http))[\(rate)]))", "requests/s")]))
        overview.add(Spec(title: "Error rate", description: "Share of requests answered 5xx.", kind: .stat, unit: "percentunit", width: 6,
                          queries: [("sum(\(failures(http, "status=~\"5..\"", by: "job"))) / sum(rate(\(q.select(http))[\(rate)]))", "5xx")]))
        overview.add(Spec(title: "In flight", description: "Requests being handled now.", kind: .stat, unit: "short", width: 6,
                          queries: [("sum(\(q.select(StandardMetrics.httpRequestsInProgress)))", "in flight")]))
        overview.add(Spec(title: "Resident memory", description: "Per instance.", kind: .stat, unit: "bytes", width: 6,
                          queries: [("max(\(q.select(StandardMetrics.processResidentMemory)))", "RSS")]))
        overview.add(Spec(title: "Request rate by endpoint", description: "Route templates, by status.", kind: .timeseries, unit: "reqps", width: 12,
                          queries: [("sum by (endpoint, status) (rate(\(q.select(http))[\(rate)]))", "{{endpoint}} {{status}}")]))
        overview.add(Spec(title: "Error rate by endpoint", description: "Share of each endpoint's requests answered 5xx.", kind: .timeseries, unit: "percentunit", width: 12,
                          queries: [("\(failures(http, "status=~\"5..\"", by: "endpoint")) / sum by (endpoint) (rate(\(q.select(http))[\(rate)]))", "{{endpoint}}")]))
        overview.add(Spec(title: "Latency by endpoint", description: "p50, p95 and p99 of request duration.", kind: .timeseries, unit: "s", width: 12,
                          queries: quantiles(duration, by: "endpoint", legend: "{{endpoint}}")))
        overview.add(Spec(title: "Slowest endpoints", description: "The five endpoints with the highest p95 now.", kind: .table, unit: "s", width: 12,
                          queries: [("topk(5, \(q.quantile(0.95, duration, by: "endpoint", window: rate)))", "{{endpoint}}")]))
        overview.add(Spec(title: "CPU", description: "CPU seconds per second, per instance.", kind: .timeseries, unit: "percentunit", width: 8,
                          queries: [("rate(\(q.select(StandardMetrics.processCPUSeconds))[\(rate)])", "{{instance}}")]))
        overview.add(Spec(title: "Memory", description: "Resident memory per instance.", kind: .timeseries, unit: "bytes", width: 8,
                          queries: [("\(q.select(StandardMetrics.processResidentMemory))", "{{instance}}")]))
        overview.add(Spec(title: "Health checks", description: "1 healthy, 0.5 degraded, 0 unhealthy.", kind: .timeseries, unit: "short", width: 8,
                          queries: [("max by (check) (\(q.select(StandardMetrics.healthCheckStatus)))", "{{check}}")], min: 0, max: 1))

        let llm = StandardMetrics.llmRequests
        var genAI = DashboardBuilder()
        genAI.add(Spec(title: "LLM calls per second", description: "By model and outcome.", kind: .timeseries, unit: "reqps", width: 12,
                       queries: [("sum by (provider, model, status) (rate(\(q.select(llm))[\(rate)]))", "{{provider}} {{model}} {{status}}")]))
        genAI.add(Spec(title: "Errors by model", description: "Failed LLM calls per second.", kind: .timeseries, unit: "reqps", width: 12,
                       queries: [(failures(llm, "status=\"error\"", by: "provider, model"), "{{provider}} {{model}}")]))
        genAI.add(Spec(title: "Tokens per second", description: "prompt and completion are all tokens; cached and reasoning are parts of them.", kind: .timeseries, unit: "short", width: 12,
                       queries: [("sum by (model, type) (rate(\(q.select(StandardMetrics.llmTokens))[\(rate)]))", "{{model}} {{type}}")]))
        genAI.add(Spec(title: "Cost per hour", description: "US dollars per hour, from the price table.", kind: .timeseries, unit: "currencyUSD", width: 12,
                       queries: [("sum by (provider, model) (rate(\(q.select(StandardMetrics.llmCost))[\(rate)])) * 3600", "{{provider}} {{model}}")]))
        genAI.add(Spec(title: "Time to first token", description: "Streamed calls: from sending to the first content.", kind: .timeseries, unit: "s", width: 12,
                       queries: quantiles(StandardMetrics.llmTimeToFirstToken, by: "model", legend: "{{model}}")))
        genAI.add(Spec(title: "LLM call duration", description: "Streams until their last chunk.", kind: .timeseries, unit: "s", width: 12,
                       queries: quantiles(StandardMetrics.llmRequestDuration, by: "model", legend: "{{model}}")))
        genAI.add(Spec(title: "Budget spent", description: "This period's spend against each budget's limit.", kind: .timeseries, unit: "percentunit", width: 24,
                       queries: [("max by (scope, period) (\(q.select(StandardMetrics.llmCostBudgetSpent)) / \(q.select(StandardMetrics.llmCostBudget)))", "{{scope}} per {{period}}")]))

        let agents = StandardMetrics.agentExecutions
        let tools = StandardMetrics.toolExecutions
        let jobs = StandardMetrics.jobs
        let external = StandardMetrics.externalAPICalls
        var work = DashboardBuilder()
        work.add(Spec(title: "Agent runs", description: "Per second, by agent and outcome.", kind: .timeseries, unit: "ops", width: 8,
                      queries: [("sum by (agent, status) (rate(\(q.select(agents))[\(rate)]))", "{{agent}} {{status}}")]))
        work.add(Spec(title: "Agent error rate", description: "Share of each agent's runs that failed.", kind: .timeseries, unit: "percentunit", width: 8,
                      queries: [("\(failures(agents, "status=\"error\"", by: "agent")) / sum by (agent) (rate(\(q.select(agents))[\(rate)]))", "{{agent}}")]))
        work.add(Spec(title: "Active agents", description: "Running now.", kind: .timeseries, unit: "short", width: 8,
                      queries: [("sum by (agent) (\(q.select(StandardMetrics.activeAgents)))", "{{agent}}")]))
        work.add(Spec(title: "Agent run time", description: "p50, p95, p99.", kind: .timeseries, unit: "s", width: 12,
                      queries: quantiles(StandardMetrics.agentExecutionDuration, by: "agent", legend: "{{agent}}")))
        work.add(Spec(title: "Tool calls", description: "Per second, by tool and outcome.", kind: .timeseries, unit: "ops", width: 12,
                      queries: [("sum by (tool, status) (rate(\(q.select(tools))[\(rate)]))", "{{tool}} {{status}}")]))
        work.add(Spec(title: "Tool duration", description: "p95 by tool.", kind: .timeseries, unit: "s", width: 12,
                      queries: [(q.quantile(0.95, StandardMetrics.toolExecutionDuration, by: "tool", window: rate), "{{tool}}")]))
        work.add(Spec(title: "Jobs", description: "Finished per second, by type and status.", kind: .timeseries, unit: "ops", width: 12,
                      queries: [("sum by (job_type, status) (rate(\(q.select(jobs))[\(rate)]))", "{{job_type}} {{status}}")]))
        work.add(Spec(title: "Active jobs", description: "Running now.", kind: .timeseries, unit: "short", width: 8,
                      queries: [("sum by (job_type) (\(q.select(StandardMetrics.activeJobs)))", "{{job_type}}")]))
        work.add(Spec(title: "Job duration", description: "p95 by type and status.", kind: .timeseries, unit: "s", width: 16,
                      queries: [(q.quantile(0.95, StandardMetrics.jobDuration, by: "job_type, status", window: rate), "{{job_type}} {{status}}")]))
        work.add(Spec(title: "External API calls", description: "Per second, by provider, operation and outcome.", kind: .timeseries, unit: "ops", width: 12,
                      queries: [("sum by (provider, operation, status) (rate(\(q.select(external))[\(rate)]))", "{{provider}} {{operation}} {{status}}")]))
        work.add(Spec(title: "External API latency", description: "p95 by provider and operation.", kind: .timeseries, unit: "s", width: 12,
                      queries: [(q.quantile(0.95, StandardMetrics.externalAPIDuration, by: "provider, operation", window: rate), "{{provider}} {{operation}}")]))

        let hits = StandardMetrics.cacheHits
        let misses = StandardMetrics.cacheMisses
        var cache = DashboardBuilder()
        cache.add(Spec(title: "Hit rate", description: "hits / (hits + misses), by cache.", kind: .timeseries, unit: "percentunit", width: 12,
                       queries: [("sum by (cache) (rate(\(q.select(hits))[\(rate)])) / (sum by (cache) (rate(\(q.select(hits))[\(rate)])) + sum by (cache) (rate(\(q.select(misses))[\(rate)])))", "{{cache}}")],
                       min: 0, max: 1))
        cache.add(Spec(title: "Lookups per second", description: "Hits and misses, by cache.", kind: .timeseries, unit: "ops", width: 12,
                       queries: [("sum by (cache) (rate(\(q.select(hits))[\(rate)]))", "{{cache}} hits"), ("sum by (cache) (rate(\(q.select(misses))[\(rate)]))", "{{cache}} misses")]))

        var database = DashboardBuilder()
        database.add(Spec(title: "Queries per second", description: "By operation and table.", kind: .timeseries, unit: "ops", width: 12,
                          queries: [("sum by (operation, table) (rate(\(q.select(StandardMetrics.dbQueries))[\(rate)]))", "{{operation}} {{table}}")]))
        database.add(Spec(title: "Query duration", description: "p50, p95 and p99 by table.", kind: .timeseries, unit: "s", width: 12,
                          queries: quantiles(StandardMetrics.dbQueryDuration, by: "table", legend: "{{table}}")))

        dashboards = [
            overview.dashboard(uid: "\(service)-overview", title: "\(service): overview", service: service),
            genAI.dashboard(uid: "\(service)-genai", title: "\(service): GenAI", service: service),
            work.dashboard(uid: "\(service)-agents-jobs", title: "\(service): agents, tools and jobs", service: service),
            cache.dashboard(uid: "\(service)-cache", title: "\(service): cache", service: service),
            database.dashboard(uid: "\(service)-database", title: "\(service): database", service: service),
        ]
    }
}
