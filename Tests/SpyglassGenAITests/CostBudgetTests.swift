import Foundation
import InMemoryLogging
import Logging
import SpyglassCore
import SpyglassMetrics
import Testing

@testable import SpyglassGenAI

@Suite struct CostBudgetTests {
    let registry = MetricRegistry()
    let logs = InMemoryLogHandler()

    private func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    private var metrics: String { String(decoding: registry.render(), as: UTF8.self) }

    @Test func spendIsWatchedPerPeriodAndAWarningComesOncePerPeriod() {
        let budgets = CostBudgets(
            [LLMCostBudget(provider: "openai", period: .day, limitUSD: 1), LLMCostBudget(provider: "openai", model: "gpt-4o", period: .hour, limitUSD: 0.5)],
            metrics: registry,
            logger: Logger(label: "genai") { _ in logs },
            now: date("2026-12-01T10:00:00Z")
        )
        budgets.record(0.4, provider: "openai", model: "gpt-4o", at: date("2026-12-01T10:05:00Z"))
        budgets.record(0.4, provider: "OpenAI", model: "gpt-4o-mini", at: date("2026-12-01T10:10:00Z"))
        budgets.record(0.3, provider: "anthropic", model: "claude", at: date("2026-12-01T10:15:00Z"))
        #expect(budgets.spent(0, at: date("2026-12-01T10:20:00Z")) == 0.8)
        #expect(budgets.spent(1, at: date("2026-12-01T10:20:00Z")) == 0.4)
        #expect(logs.entries.isEmpty)

        budgets.record(0.3, provider: "openai", model: "gpt-4o", at: date("2026-12-01T10:30:00Z"))
        budgets.record(0.3, provider: "openai", model: "gpt-4o", at: date("2026-12-01T10:40:00Z"))
        let warnings = logs.entries.filter { $0.message == "llm_budget_exceeded" }
        #expect(warnings.map { $0.metadata["scope"] } == ["openai", "openai/gpt-4o"], "each budget warns once per period")
        #expect(warnings.first?.level == .warning)
        #expect(warnings.first?.metadata["limit_usd"].map { "\($0)" } == "1.0")

        // The next hour: the hourly budget starts from 0 and can warn again; the daily one carries on.
        #expect(budgets.spent(1, at: date("2026-12-01T11:00:00Z")) == 0)
        budgets.record(0.6, provider: "openai", model: "gpt-4o", at: date("2026-12-01T11:01:00Z"))
        #expect(logs.entries.filter { $0.message == "llm_budget_exceeded" }.count == 3)
        #expect(abs(budgets.spent(0, at: date("2026-12-01T11:02:00Z")) - 2.0) < 1e-9)
        #expect(budgets.spent(0, at: date("2026-12-02T00:00:00Z")) == 0)
    }

    @Test func theGaugesShowTheLimitAndTheSpendSoFar() async throws {
        let llm = LLMTelemetry(metrics: registry, budgets: [LLMCostBudget(period: .month, limitUSD: 200)], logger: Logger(label: "genai") { _ in logs })
        try await llm.call(provider: "openai", model: "gpt-4o-mini") { call in
            call.finish(usage: TokenUsage(inputTokens: 1_000_000, outputTokens: 0))
        }
        let text = metrics
        #expect(text.contains(#"llm_cost_budget_usd{scope="*",period="month"} 200"#), "\(text)")
        #expect(text.contains(#"llm_cost_budget_spent_usd{scope="*",period="month"} 0.15"#), "\(text)")
    }

    @Test func periodsStartAtUTCCalendarBoundaries() {
        let moment = date("2026-12-31T23:59:59Z")
        #expect(LLMCostBudget(period: .hour, limitUSD: 1).periodStart(containing: moment) == date("2026-12-31T23:00:00Z"))
        #expect(LLMCostBudget(period: .day, limitUSD: 1).periodStart(containing: moment) == date("2026-12-31T00:00:00Z"))
        #expect(LLMCostBudget(period: .month, limitUSD: 1).periodStart(containing: moment) == date("2026-12-01T00:00:00Z"))
    }

    @Test func budgetsAreReadFromTheirEnvironmentSpelling() throws {
        let budgets = try LLMCostBudget.parse("openai=50/day, openai/gpt-4o=200/month,*=500/Month", variable: "SPYGLASS_LLM_BUDGETS")
        #expect(budgets == [
            LLMCostBudget(provider: "openai", period: .day, limitUSD: 50),
            LLMCostBudget(provider: "openai", model: "gpt-4o", period: .month, limitUSD: 200),
            LLMCostBudget(period: .month, limitUSD: 500),
        ])
        #expect(budgets.map(\.scope) == ["openai", "openai/gpt-4o", "*"])
    }

    @Test(arguments: ["openai=50", "openai=-1/day", "openai=50/week", "=5/day", "*/gpt-4o=5/day", "openai/=5/day", "openai=abc/day", ","])
    func aBadBudgetIsRejectedWithTheEntryAndWhatIsAllowed(text: String) {
        #expect {
            try LLMCostBudget.parse(text, variable: "SPYGLASS_LLM_BUDGETS")
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("SPYGLASS_LLM_BUDGETS=") && message.contains("scope=amount/period")
        }
    }
}
