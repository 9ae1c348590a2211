import Foundation
public import Logging
@_spi(Locking) public import SpyglassCore
public import SpyglassMetrics
public import Tracing

/// Instruments calls to language models: the `llm_*` metrics, a span per call following OpenTelemetry's GenAI
/// conventions, and the cost from a ``PriceTable``.
///
/// ```swift
/// let llm = LLMTelemetry(metrics: spyglass.metrics)
/// let reply = try await llm.call(provider: "openai", model: "gpt-4o-mini") { call in
///     let response = try await client.chat(model: "gpt-4o-mini", messages: messages)
///     call.finish(responseModel: response.model, responseID: response.id, finishReasons: [response.finishReason],
///                 usage: TokenUsage(inputTokens: response.usage.promptTokens, outputTokens: response.usage.completionTokens))
///     return response
/// }
/// ```
///
/// Each call records `llm_requests_total{provider,model,status}` (`success` or `error`),
/// `llm_request_duration_seconds{provider,model}`, `llm_tokens_used_total{provider,model,type}` with type `prompt`
/// (all input tokens), `completion` (all output tokens), `cached` (the part of the input read from the cache) and
/// `reasoning` (the part of the output spent reasoning), `llm_cost_usd_total{provider,model}`, and, for streams,
/// `llm_time_to_first_token_seconds{provider,model}`. A model the price table does not know records tokens but no
/// cost, and one warning per provider and model. Costs count against the ``LLMCostBudget``s that cover the call.
/// Prompt and completion text are recorded only when ``ContentCapture`` is on.
public final class LLMTelemetry: Sendable {
    private let requests: CounterFamily
    private let duration: HistogramFamily
    private let tokens: CounterFamily
    private let cost: CounterFamily
    private let timeToFirstToken: HistogramFamily
    private let prices: PriceTable
    private let budgets: CostBudgets
    /// Whether prompt and completion text go on the spans.
    public let capture: ContentCapture
    private let logger: Logger
    private let unpriced = Locked<Set<String>>([])
    private let matches = Locked<[String: [PriceTable.Entry]]>([:])

    /// - Parameters:
    ///   - metrics: where the `llm_*` metrics are declared.
    ///   - prices: what tokens cost; default ``PriceTable/default``.
    ///   - budgets: spending limits to watch; default none.
    ///   - capture: whether prompt and completion text are recorded; default ``ContentCapture/off``.
    ///   - logger: where an unpriced model and an exceeded budget are reported, once each.
    public init(
        metrics: MetricRegistry,
        prices: PriceTable = .default,
        budgets: [LLMCostBudget] = [],
        capture: ContentCapture = .off,
        logger: Logger = Logger(label: "spyglass.genai")
    ) {
        requests = metrics.counter(StandardMetrics.llmRequests)
        duration = metrics.histogram(StandardMetrics.llmRequestDuration)
        tokens = metrics.counter(StandardMetrics.llmTokens)
        cost = metrics.counter(StandardMetrics.llmCost)
        timeToFirstToken = metrics.histogram(StandardMetrics.llmTimeToFirstToken)
        self.prices = prices
        self.budgets = CostBudgets(budgets, metrics: metrics, logger: logger)
        self.capture = capture
        self.logger = logger
    }

    /// Runs `body` as one LLM call in a span named `{operation} {model}` (kind client) under the active span.
    ///
    /// - Parameters:
    ///   - provider: `gen_ai.provider.name`, such as `openai`, `anthropic`, `groq`.
    ///   - model: the requested model (`gen_ai.request.model`).
    ///   - operation: `gen_ai.operation.name`; default `chat`.
    ///   - body: the call; report its outcome through ``LLMCall/finish(responseModel:responseID:finishReasons:usage:)``.
    ///     An error it throws is counted with status `error`, recorded on the span with `error.type`, and rethrown.
    public func call<Result>(
        provider: String,
        model: String,
        operation: String = "chat",
        isolation: isolated (any Actor)? = #isolation,
        _ body: (LLMCall) async throws -> Result
    ) async throws -> Result {
        let start = ContinuousClock.now
        return try await withSpan("\(operation) \(model)", ofKind: .client, isolation: isolation) { span in
            span.updateAttributes { attributes in
                attributes["gen_ai.operation.name"] = operation
                attributes["gen_ai.provider.name"] = provider
                attributes["gen_ai.request.model"] = model
            }
            let call = LLMCall(span: span, capture: capture)
            do {
                let result = try await body(call)
                record(call, provider: provider, model: model, status: "success", start: start)
                return result
            } catch {
                span.attributes["error.type"] = errorType(of: error)
                record(call, provider: provider, model: model, status: "error", start: start)
                throw error
            }
        }
    }

    private func record(_ call: LLMCall, provider: String, model: String, status: String, start: ContinuousClock.Instant) {
        requests.labels(provider, model, status).increment()
        duration.labels(provider, model).observe(ContinuousClock.now - start)
        let outcome = call.outcome
        if let firstToken = outcome.firstToken { timeToFirstToken.labels(provider, model).observe(firstToken - start) }
        guard let usage = outcome.usage else { return }
        tokens.labels(provider, model, "prompt").increment(by: max(usage.inputTokens, 0))
        tokens.labels(provider, model, "completion").increment(by: max(usage.outputTokens, 0))
        if usage.cachedInputTokens > 0 { tokens.labels(provider, model, "cached").increment(by: usage.cachedInputTokens) }
        if usage.reasoningTokens > 0 { tokens.labels(provider, model, "reasoning").increment(by: usage.reasoningTokens) }
        // The price of the model that answered, when the provider names it (a dated snapshot of an alias).
        let answered = outcome.responseModel ?? model
        let now = Date()
        let dollars = price(provider: provider, model: answered, at: now)?.cost(of: usage)
            ?? (answered == model ? nil : price(provider: provider, model: model, at: now)?.cost(of: usage))
        guard let dollars else {
            warnUnpriced(provider: provider, model: answered)
            return
        }
        cost.labels(provider, model).increment(by: dollars)
        call.span.attributes["spyglass.cost_usd"] = dollars
        budgets.record(dollars, provider: provider, model: model)
    }

    /// The prices in force for `model` of `provider` at `date`. Which entries match a model is worked out once
    /// per model (a scan of the table: 0.14–0.26 ms for the default one) and kept, for up to
    /// ``matchCacheLimit`` models; the date is applied at every call, so a price change takes effect on its day.
    private func price(provider: String, model: String, at date: Date) -> PriceTable.Prices? {
        let key = provider + "\u{0}" + model
        if let candidates = matches.withLock({ $0[key] }) { return PriceTable.entry(in: candidates, at: date)?.prices }
        let candidates = prices.entries(provider: provider, model: model)
        matches.withLock { cache in
            if cache.count < Self.matchCacheLimit { cache[key] = candidates }
        }
        return PriceTable.entry(in: candidates, at: date)?.prices
    }

    /// How many models' matching entries are kept; models past it are looked up in the table at every call.
    static let matchCacheLimit = 1_024

    private func warnUnpriced(provider: String, model: String) {
        let key = provider + "\u{0}" + model
        guard unpriced.withLock({ $0.insert(key).inserted }) else { return }
        logger.warning("llm_model_unpriced", metadata: [
            "provider": "\(provider)",
            "model": "\(model)",
            "reason": "no entry of the price table matches; tokens are counted, no cost is recorded",
        ])
    }
}

/// One call in progress: where its outcome is reported.
public final class LLMCall: Sendable {
    struct Outcome {
        var responseModel: String?
        var usage: TokenUsage?
        var firstToken: ContinuousClock.Instant?
    }

    /// The call's span, for attributes of your own.
    public let span: any Span
    private let capture: ContentCapture
    private let state = Locked(Outcome())

    init(span: any Span, capture: ContentCapture) {
        self.span = span
        self.capture = capture
    }

    var outcome: Outcome { state.withLock { $0 } }

    /// Marks the first content chunk of a stream (time to first token); later calls are ignored.
    public func firstToken() {
        let now = ContinuousClock.now
        let first = state.withLock { state -> Bool in
            guard state.firstToken == nil else { return false }
            state.firstToken = now
            return true
        }
        if first { span.addEvent("gen_ai.first_token") }
    }

    /// Records the messages sent, when ``ContentCapture`` is on (`gen_ai.input.messages`); otherwise does nothing.
    public func recordInput(_ messages: [ChatMessage]) {
        if let json = capture.messagesJSON(messages) { span.attributes["gen_ai.input.messages"] = json }
    }

    /// Records the messages answered, when ``ContentCapture`` is on (`gen_ai.output.messages`); otherwise does nothing.
    public func recordOutput(_ messages: [ChatMessage], finishReason: String? = nil) {
        if let json = capture.messagesJSON(messages, finishReason: finishReason) { span.attributes["gen_ai.output.messages"] = json }
    }

    /// Reports what the provider answered.
    ///
    /// - Parameters:
    ///   - responseModel: `gen_ai.response.model`, the model that answered.
    ///   - responseID: `gen_ai.response.id`.
    ///   - finishReasons: `gen_ai.response.finish_reasons`, such as `stop`, `length`, `tool_calls`.
    ///   - usage: the tokens used; `nil` when the provider did not say.
    public func finish(responseModel: String? = nil, responseID: String? = nil, finishReasons: [String] = [], usage: TokenUsage?) {
        state.withLock { state in
            state.responseModel = responseModel
            state.usage = usage
        }
        span.updateAttributes { attributes in
            if let responseModel { attributes["gen_ai.response.model"] = responseModel }
            if let responseID { attributes["gen_ai.response.id"] = responseID }
            if !finishReasons.isEmpty { attributes["gen_ai.response.finish_reasons"] = finishReasons }
            if let usage {
                attributes["gen_ai.usage.input_tokens"] = usage.inputTokens
                attributes["gen_ai.usage.output_tokens"] = usage.outputTokens
                if usage.cachedInputTokens > 0 { attributes["gen_ai.usage.cache_read.input_tokens"] = usage.cachedInputTokens }
                if usage.reasoningTokens > 0 { attributes["gen_ai.usage.reasoning.output_tokens"] = usage.reasoningTokens }
            }
        }
    }
}
