import Foundation
import Logging
@_spi(Locking) import SpyglassCore
import SpyglassMetrics

/// Watches spend against ``LLMCostBudget``s: `llm_cost_budget_usd{scope,period}` (the limit),
/// `llm_cost_budget_spent_usd{scope,period}` (this period's spend so far, 0 once a new period begins), and one
/// `llm_budget_exceeded` warning per budget and period, when spend first goes over the limit.
final class CostBudgets: Sendable {
    private struct Spend {
        var periodStart: Date
        var dollars: Double
        var warned: Bool
    }

    private let budgets: [LLMCostBudget]
    private let spend: Locked<[Spend]>
    private let logger: Logger

    init(_ budgets: [LLMCostBudget], metrics: MetricRegistry, logger: Logger, now: Date = Date()) {
        self.budgets = budgets
        self.logger = logger
        spend = Locked(budgets.map { Spend(periodStart: $0.periodStart(containing: now), dollars: 0, warned: false) })
        for (index, budget) in budgets.enumerated() {
            let labels = [budget.scope, budget.period.rawValue]
            metrics.observeGauge(StandardMetrics.llmCostBudget, labels: labels) { budget.limitUSD }
            metrics.observeGauge(StandardMetrics.llmCostBudgetSpent, labels: labels) { [self] in spent(index, at: Date()) }
        }
    }

    /// The current period's spend of budget `index` at `date`.
    func spent(_ index: Int, at date: Date) -> Double {
        let start = budgets[index].periodStart(containing: date)
        return spend.withLock { $0[index].periodStart == start ? $0[index].dollars : 0 }
    }

    /// Counts `dollars` against every budget covering the call, warning about each that this call took over its limit.
    func record(_ dollars: Double, provider: String, model: String, at date: Date = Date()) {
        guard !budgets.isEmpty else { return }
        var exceeded: [(LLMCostBudget, Double)] = []
        spend.withLock { spend in
            for (index, budget) in budgets.enumerated() where budget.covers(provider: provider, model: model) {
                let start = budget.periodStart(containing: date)
                if spend[index].periodStart != start { spend[index] = Spend(periodStart: start, dollars: 0, warned: false) }
                spend[index].dollars += dollars
                if spend[index].dollars > budget.limitUSD, !spend[index].warned {
                    spend[index].warned = true
                    exceeded.append((budget, spend[index].dollars))
                }
            }
        }
        for (budget, spent) in exceeded {
            logger.warning("llm_budget_exceeded", metadata: [
                "scope": "\(budget.scope)",
                "period": "\(budget.period.rawValue)",
                "limit_usd": .stringConvertible(budget.limitUSD),
                "spent_usd": .stringConvertible(spent),
                "provider": "\(provider)",
                "model": "\(model)",
            ])
        }
    }
}
