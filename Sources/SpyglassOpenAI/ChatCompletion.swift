public import SpyglassGenAI
/// A chat completions request.
public struct ChatRequest: Sendable, Hashable {
    /// The model to ask (`gen_ai.request.model`).
    public var model: String
    public var messages: [ChatMessage]
    /// `max_tokens` (`gen_ai.request.max_tokens`); `nil`: the provider's default.
    public var maxTokens: Int?
    /// `temperature` (`gen_ai.request.temperature`); `nil`: the provider's default.
    public var temperature: Double?

    public init(model: String, messages: [ChatMessage], maxTokens: Int? = nil, temperature: Double? = nil) {
        self.model = model
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
    }
}

/// What a chat completions call answered.
public struct ChatCompletion: Sendable, Hashable {
    /// `gen_ai.response.id`.
    public var id: String?
    /// The model that answered (`gen_ai.response.model`).
    public var model: String?
    /// The first choice's message.
    public var message: ChatMessage
    /// `stop`, `length`, `tool_calls`, `content_filter`.
    public var finishReason: String?
    /// The tokens used; `nil` when the provider did not say.
    public var usage: TokenUsage?

    public init(id: String?, model: String?, message: ChatMessage, finishReason: String?, usage: TokenUsage?) {
        self.id = id
        self.model = model
        self.message = message
        self.finishReason = finishReason
        self.usage = usage
    }
}
