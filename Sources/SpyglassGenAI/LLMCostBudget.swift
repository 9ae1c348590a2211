public import SpyglassCore
public import Foundation

/// A limit on what LLM calls may cost in one calendar period (UTC), for every provider, one provider or one model.
///
/// Spend is counted by this process from the moment it starts; across replicas, alert on the sum of
/// `llm_cost_usd_total` instead.
public struct LLMCostBudget: Sendable, Hashable {
    /// The calendar period a budget covers; spend starts again from 0 when the next one begins.
    public enum Period: String, Sendable, Hashable, CaseIterable {
        case hour, day, month
    }

    /// The provider whose calls count (compared ignoring case); `nil`: every provider.
    public var provider: String?
    /// The requested model whose calls count (compared ignoring case); `nil`: every model of ``provider``.
    public var model: String?
    public var period: Period
    /// The most the period may cost, in US dollars.
    public var limitUSD: Double

    /// Creates a budget; `model` needs a `provider`.
    public init(provider: String? = nil, model: String? = nil, period: Period, limitUSD: Double) {
        self.provider = provider
        self.model = provider == nil ? nil : model
        self.period = period
        self.limitUSD = limitUSD
    }

    /// What the budget covers, as written in `SPYGLASS_LLM_BUDGETS`: `*`, `openai` or `openai/gpt-4o`; the
    /// `scope` label of its metrics.
    public var scope: String {
        guard let provider else { return "*" }
        return model.map { "\(provider)/\($0)" } ?? provider
    }

    /// Whether a call to `model` of `provider` counts against this budget.
    public func covers(provider: String, model: String) -> Bool {
        guard let budgetProvider = self.provider else { return true }
        guard budgetProvider.caseInsensitiveCompare(provider) == .orderedSame else { return false }
        return self.model.map { $0.caseInsensitiveCompare(model) == .orderedSame } ?? true
    }

    /// The start of the period that contains `date`, in UTC.
    public func periodStart(containing date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components: Set<Calendar.Component> = switch period {
        case .hour: [.year, .month, .day, .hour]
        case .day: [.year, .month, .day]
        case .month: [.year, .month]
        }
        return calendar.date(from: calendar.dateComponents(components, from: date)) ?? date
    }

    /// Budgets written as `scope=amount/period` separated by commas: `openai=50/day,openai/gpt-4o=200/month,*=500/month`.
    ///
    /// - Throws: ``ConfigurationError`` naming `variable` and the entry that cannot be read.
    public static func parse(_ text: String, variable: String) throws(ConfigurationError) -> [LLMCostBudget] {
        let allowed = "budgets as scope=amount/period separated by commas, scope * or provider or provider/model, amount in US dollars above 0, period one of hour, day, month (openai=50/day,*=500/month)"
        var budgets: [LLMCostBudget] = []
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard parts.count == 2, !parts[0].isEmpty else { throw ConfigurationError(variable: variable, value: String(entry), allowed: allowed) }
            let limit = parts[1].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard limit.count == 2, let amount = Double(limit[0]), amount > 0, amount.isFinite,
                let period = Period(rawValue: limit[1].lowercased())
            else { throw ConfigurationError(variable: variable, value: String(entry), allowed: allowed) }
            let scope = parts[0].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard !scope.contains(where: \.isEmpty) else { throw ConfigurationError(variable: variable, value: String(entry), allowed: allowed) }
            let provider = scope[0] == "*" ? nil : scope[0]
            guard provider != nil || scope.count == 1 else { throw ConfigurationError(variable: variable, value: String(entry), allowed: allowed) }
            budgets.append(LLMCostBudget(provider: provider, model: scope.count == 2 ? scope[1] : nil, period: period, limitUSD: amount))
        }
        guard !budgets.isEmpty else { throw ConfigurationError(variable: variable, value: text, allowed: allowed) }
        return budgets
    }
}
