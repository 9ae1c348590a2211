/// The tokens one LLM call used, as providers report them: cached input is part of the input, reasoning part of
/// the output.
public struct TokenUsage: Sendable, Hashable {
    /// Prompt tokens, cached ones included (OpenAI `prompt_tokens`, Anthropic input plus cache reads).
    public var inputTokens: Int
    /// Completion tokens, reasoning ones included (OpenAI `completion_tokens`).
    public var outputTokens: Int
    /// The part of ``inputTokens`` read from the provider's prompt cache.
    public var cachedInputTokens: Int
    /// The part of ``outputTokens`` spent on reasoning.
    public var reasoningTokens: Int

    public init(inputTokens: Int, outputTokens: Int, cachedInputTokens: Int = 0, reasoningTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.reasoningTokens = reasoningTokens
    }
}
