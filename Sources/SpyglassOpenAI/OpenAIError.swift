public import SpyglassGenAI
/// What went wrong talking to an OpenAI-compatible API.
public struct OpenAIError: LLMProviderError, CustomStringConvertible {
    /// The HTTP status of an error answer; `nil` for an error event inside a stream or an answer Spyglass could
    /// not read.
    public let statusCode: Int?
    /// The provider's error type (`rate_limit_exceeded`, `server_error`), when it sent one.
    public let type: String?
    /// The provider's message, or what was wrong with its answer.
    public let message: String

    public init(statusCode: Int?, type: String?, message: String) {
        self.statusCode = statusCode
        self.type = type
        self.message = message
    }

    public var description: String {
        let status = statusCode.map { "answered \($0)" } ?? "failed"
        return "chat completions \(status)\(type.map { " (\($0))" } ?? ""): \(message)"
    }
}
