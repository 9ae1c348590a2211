public import SpyglassCore

/// An error from an LLM provider's API that carries the HTTP status it answered (429, 500…), which becomes
/// `error.type` on LLM, agent, tool, job and external-call telemetry alike.
public protocol LLMProviderError: HTTPStatusError {}
