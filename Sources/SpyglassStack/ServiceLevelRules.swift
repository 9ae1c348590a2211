import SpyglassMetrics

/// Recording rules and multi-window, multi-burn-rate alerts for the SLOs of a ``StackSpecification``, as the
/// Google SRE workbook ("Alerting on SLOs") builds them.
///
/// Per SLO, `slo:sli_error:ratio_rate{window}{slo,job}` is the share of bad requests over 5m, 30m, 1h, 2h, 6h,
/// 1d, 3d and the SLO's period; `slo:error_budget_remaining:ratio` is the share of the period's budget left
/// (negative once overspent). `ErrorBudgetBurn` pages when 2% of the budget burns within an hour (5m and 1h
/// windows) or 5% within 6 hours (30m and 6h); `ErrorBudgetBurnSlow` opens a ticket when 10% burns within a day
/// (2h and 1d) or within 3 days (6h and 3d). For a 30-day period these are the workbook's 14.4×, 6×, 3× and 1×.
/// `SLIMissing` fires when the SLI's metric is absent, so a silent SLO does not pass for a healthy one.
public struct ServiceLevelRules: Sendable {
    /// A burn-rate condition: both windows over `factor` times the budget.
    struct Burn: Sendable {
        let short: String
        let long: String
        /// The share of the period's budget this condition catches burning within `long`.
        let budgetShare: Double
        let longHours: Double
    }

    static let page = [
        Burn(short: "5m", long: "1h", budgetShare: 0.02, longHours: 1),
        Burn(short: "30m", long: "6h", budgetShare: 0.05, longHours: 6),
    ]
    static let ticket = [
        Burn(short: "2h", long: "1d", budgetShare: 0.1, longHours: 24),
        Burn(short: "6h", long: "3d", budgetShare: 0.1, longHours: 72),
    ]
    static let windows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]

    private let specification: StackSpecification

    public init(_ specification: StackSpecification) {
        self.specification = specification
    }

    /// The burn rate at which `burn` fires for a period of `periodDays`: 14.4, 6, 3 and 1 for 30 days.
    static func factor(_ burn: Burn, periodDays: Int) -> Double {
        burn.budgetShare * Double(periodDays) * 24 / burn.longHours
    }

    public var ruleFile: PrometheusRuleFile {
        let query = MetricQuery(specification)
        var groups: [PrometheusRuleFile.Group] = []
        var alerts: [PrometheusRuleFile.Rule] = []
        for slo in specification.slos {
            let endpoint = slo.endpoint.map { "endpoint=\(MetricQuery.quoted($0))" } ?? ""
            let sloLabels = [("slo", slo.name)]
            let period = "\(slo.periodDays)d"
            let recorded = { (window: String) in
                "slo:sli_error:ratio_rate\(window){slo=\(MetricQuery.quoted(slo.name)),job=\(MetricQuery.quoted(specification.service))}"
            }
            var rules = (Self.windows + (Self.windows.contains(period) ? [] : [period])).map { window in
                PrometheusRuleFile.Rule.recording("slo:sli_error:ratio_rate\(window)", errorRatio(slo, window: window, endpoint: endpoint, query: query), labels: sloLabels)
            }
            let budget = MetricQuery.number(slo.errorBudget)
            rules.append(.recording("slo:objective:ratio", "vector(\(MetricQuery.number(slo.objective)))", labels: sloLabels))
            rules.append(.recording("slo:error_budget_remaining:ratio", "1 - \(recorded(period)) / \(budget)", labels: sloLabels))
            groups.append(.init(name: "slo-\(slo.name)", interval: nil, rules: rules))

            func condition(_ burns: [Burn]) -> String {
                burns.map { burn in
                    let threshold = "(\(MetricQuery.number(Self.factor(burn, periodDays: slo.periodDays))) * \(budget))"
                    return "(\(recorded(burn.short)) > \(threshold) and \(recorded(burn.long)) > \(threshold))"
                }.joined(separator: " or ")
            }
            let objective = "\(MetricQuery.number(slo.objective * 100))% \(slo.indicatorDescription)"
            func alert(_ name: String, _ expr: String, for duration: String, severity: String, summary: String, description: String) -> PrometheusRuleFile.Rule {
                .alerting(
                    name, expr, for: duration,
                    labels: [("severity", severity), ("service", specification.service), ("slo", slo.name)],
                    annotations: [("summary", summary), ("description", description), ("runbook_url", "\(specification.alerts.runbookBaseURL)#\(name.lowercased())")]
                )
            }
            alerts.append(alert(
                "ErrorBudgetBurn", condition(Self.page), for: "2m", severity: "critical",
                summary: "{{ $labels.job }} burns the error budget of SLO \(slo.name) fast",
                description: "SLO \(slo.name) (\(objective) over \(period)): at this rate 2% of the budget goes within an hour or 5% within 6 hours."
            ))
            alerts.append(alert(
                "ErrorBudgetBurnSlow", condition(Self.ticket), for: "15m", severity: "warning",
                summary: "{{ $labels.job }} burns the error budget of SLO \(slo.name) steadily",
                description: "SLO \(slo.name) (\(objective) over \(period)): at this rate 10% of the budget goes within a day or within 3 days."
            ))
            alerts.append(alert(
                "SLIMissing", sliAbsent(slo, endpoint: endpoint, query: query), for: "10m", severity: "warning",
                summary: "SLO \(slo.name) of \(specification.service) has no data",
                description: "\(query.name(sliMetric(slo))) has had no series for \(specification.service)\(slo.endpoint.map { " \($0)" } ?? "") for 10 minutes, so the SLO cannot be judged."
            ))
        }
        if !alerts.isEmpty { groups.append(.init(name: "slo-alerts", interval: nil, rules: alerts)) }
        return PrometheusRuleFile(groups: groups)
    }

    /// The runbook's sections for the SLO alerts; empty without SLOs.
    public var runbook: String {
        guard !specification.slos.isEmpty else { return "" }
        let objectives = specification.slos.map { "`\($0.name)` (\(MetricQuery.number($0.objective * 100))% \($0.indicatorDescription) over \($0.periodDays)d)" }
        return """

            ## ErrorBudgetBurn

            **Severity:** critical. **Fires after:** 2m. SLOs: \(objectives.joined(separator: ", ")).

            > The error budget burns fast enough to be gone within days: 2% of it within an hour, or 5% within 6 hours.

            First steps:

            - `slo:sli_error:ratio_rate5m` and `_rate1h` by `slo`: which SLO, since when.
            - The alerts that fire with it (`HighErrorRate`, `HighLatency`, `DependencyUnhealthy`) usually name the cause.
            - `slo:error_budget_remaining:ratio`: how much of the period's budget is left.

            ## ErrorBudgetBurnSlow

            **Severity:** warning. **Fires after:** 15m.

            > The error budget burns steadily: 10% of it within a day, or within 3 days. Not an emergency; a ticket.

            First steps:

            - The SLI's error ratio over the last days (`slo:sli_error:ratio_rate1d`, `_rate3d`): a regression after a deploy, or a slow dependency.

            ## SLIMissing

            **Severity:** warning. **Fires after:** 10m.

            > An SLO's metric has no series, so the SLO cannot be judged: the service is not scraped, was renamed, or its route template changed.

            First steps:

            - Is the target up (`ServiceDown`)? Does `/metrics` still expose the metric and the `endpoint` the SLO names?

            """
    }

    private func sliMetric(_ slo: ServiceLevelObjective) -> any DefinesMetric {
        switch slo.indicator {
        case .availability: StandardMetrics.httpRequests
        case .latency: StandardMetrics.httpRequestDuration
        }
    }

    /// Whether the SLI's metric has no series: a latency SLI's histogram is present as native series or as
    /// classic `_count` ones, whichever the Prometheus keeps.
    private func sliAbsent(_ slo: ServiceLevelObjective, endpoint: String, query: MetricQuery) -> String {
        switch slo.indicator {
        case .availability:
            return "absent(\(query.select(StandardMetrics.httpRequests, endpoint)))"
        case .latency:
            let duration = StandardMetrics.httpRequestDuration
            return "absent(\(query.select(duration, suffix: "_count", endpoint))) and absent(\(query.select(duration, endpoint)))"
        }
    }

    /// The share of bad requests over `window`.
    private func errorRatio(_ slo: ServiceLevelObjective, window: String, endpoint: String, query: MetricQuery) -> String {
        switch slo.indicator {
        case .availability:
            let requests = StandardMetrics.httpRequests
            return "\(query.failures(requests, "status=~\"5..\"", by: "job", window: window, endpoint)) / sum by (job) (rate(\(query.select(requests, endpoint))[\(window)]))"
        case .latency(let threshold):
            // The native histogram's share at or under the threshold where Prometheus keeps one, else the classic
            // bucket whose bound the threshold is.
            let duration = StandardMetrics.httpRequestDuration
            let native = "1 - histogram_fraction(0, \(MetricQuery.number(threshold)), sum by (job) (rate(\(query.select(duration, endpoint))[\(window)])))"
            let bucket = query.select(duration, suffix: "_bucket", endpoint, "le=\(MetricQuery.quoted(HistogramBuckets.label(for: threshold)))")
            let classic = "1 - sum by (job) (rate(\(bucket)[\(window)])) / sum by (job) (rate(\(query.select(duration, suffix: "_count", endpoint))[\(window)]))"
            return "(\(native)) or (\(classic))"
        }
    }
}

extension ServiceLevelObjective {
    var indicatorDescription: String {
        switch indicator {
        case .availability: "of requests not answered 5xx"
        case .latency(let threshold): "of requests within \(MetricQuery.number(threshold)) s"
        }
    }
}
