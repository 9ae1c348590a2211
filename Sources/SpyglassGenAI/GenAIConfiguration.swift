public import SpyglassCore
/// How Spyglass instruments calls to language models.
public struct GenAIConfiguration: Sendable, Hashable {
    /// A `spyglass.prices/1` file whose entries go in front of the default price table (negotiated prices, models
    /// the default lacks). Default `nil`: the default table alone. Environment: `SPYGLASS_LLM_PRICES` (a path).
    public var pricesFile: String?
    /// Whether prompt and completion text are recorded on LLM spans (`gen_ai.input.messages`,
    /// `gen_ai.output.messages`), redacted like log values and cut to ``contentCharacterLimit``. Default `false`:
    /// OpenTelemetry's GenAI conventions advise against recording content by default, since prompts carry what
    /// users typed. Environment: `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`, the variable
    /// OpenTelemetry's GenAI instrumentations read.
    public var capturesContent: Bool
    /// The most characters of one message's text that are recorded when ``capturesContent`` is on; the rest is
    /// replaced by a marker saying how much was cut. Default 2,000. Environment: `SPYGLASS_LLM_CONTENT_MAX_CHARS`.
    public var contentCharacterLimit: Int
    /// Spending limits per period, watched by `llm_cost_budget_spent_usd`. Default none.
    /// Environment: `SPYGLASS_LLM_BUDGETS`, such as `openai=50/day,openai/gpt-4o=200/month,*=500/month`.
    public var budgets: [LLMCostBudget]

    /// Creates a GenAI configuration; every parameter has the documented default.
    public init(pricesFile: String? = nil, capturesContent: Bool = false, contentCharacterLimit: Int = 2_000, budgets: [LLMCostBudget] = []) {
        self.pricesFile = pricesFile
        self.capturesContent = capturesContent
        self.contentCharacterLimit = contentCharacterLimit
        self.budgets = budgets
    }
}
