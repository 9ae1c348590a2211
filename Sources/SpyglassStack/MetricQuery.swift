import Foundation
import SpyglassMetrics

/// PromQL over the service's metrics: names as the service exposes them (namespace applied), selectors scoped to
/// its scrape job (rules) or to the dashboard's variables (dashboards).
struct MetricQuery: Sendable {
    let namespace: String?
    /// The matchers every selector starts with.
    let scope: [String]

    /// Scoped to the service's job, for rules.
    init(_ specification: StackSpecification) {
        namespace = specification.namespace
        scope = ["job=\(Self.quoted(specification.service))"]
    }

    /// Scoped to the dashboard variables `$job` and `$instance`.
    init(dashboardOf specification: StackSpecification) {
        namespace = specification.namespace
        scope = ["job=\"$job\"", "instance=~\"$instance\""]
    }

    func name(_ metric: some DefinesMetric) -> String { metric.definition.exposedName(namespace: namespace) }

    /// `metric{job="…",extra…}`; `suffix` for a histogram's `_bucket`, `_count` or `_sum`.
    func select(_ metric: some DefinesMetric, suffix: String = "", _ matchers: String...) -> String {
        let all = scope + matchers.filter { !$0.isEmpty }
        return "\(name(metric))\(suffix){\(all.joined(separator: ","))}"
    }

    /// The per-second rate of `metric`'s series matching `failed`, summed by `labels`, or 0 where the metric has
    /// series but none failed: a series either way, so a ratio over it reads 0, not "no data". `matchers` narrow
    /// both sides (an SLO's endpoint).
    func failures(_ metric: CounterDefinition, _ failed: String, by labels: String, window: String, _ matchers: String...) -> String {
        let all = "sum by (\(labels)) (rate(\(select(metric, matchers.joined(separator: ",")))[\(window)]))"
        let bad = "sum by (\(labels)) (rate(\(select(metric, ([failed] + matchers).filter { !$0.isEmpty }.joined(separator: ",")))[\(window)]))"
        return "(\(bad) or \(all) * 0)"
    }

    /// The `q` quantile of `metric` over `window`, by `labels`, from whichever histogram Prometheus keeps: the
    /// native one (scraped over protobuf by a Prometheus with native histograms on, which then stores no classic
    /// series in 2.42) or else the classic `_bucket` series. `or` takes the native answer where there is one, so the
    /// same query serves both servers.
    func quantile(_ q: Double, _ metric: HistogramDefinition, by labels: String, window: String, _ matchers: String...) -> String {
        let selector = matchers.joined(separator: ",")
        let native = "histogram_quantile(\(Self.number(q)), sum by (\(labels)) (rate(\(select(metric, selector))[\(window)])))"
        let classic = "histogram_quantile(\(Self.number(q)), sum by (\(labels), le) (rate(\(select(metric, suffix: "_bucket", selector))[\(window)])))"
        return "\(native) or \(classic)"
    }

    /// A PromQL string literal.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A threshold as PromQL writes it: no trailing `.0`, no exponent for ordinary values.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        // Twelve significant digits: 1 - 0.999 is 0.001, not 0.0010000000000000009.
        return String(format: "%.12g", value)
    }
}
