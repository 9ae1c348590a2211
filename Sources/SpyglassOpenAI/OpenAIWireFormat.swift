public import SpyglassGenAI
/// The chat completions API's JSON, as far as Spyglass reads and writes it
/// (https://platform.openai.com/docs/api-reference/chat).
enum OpenAIWireFormat {
    struct Request: Encodable {
        struct StreamOptions: Encodable {
            let includeUsage: Bool
            enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
        }

        let model: String
        let messages: [ChatMessage]
        let maxTokens: Int?
        let temperature: Double?
        let stream: Bool
        let streamOptions: StreamOptions?

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, stream
            case maxTokens = "max_tokens"
            case streamOptions = "stream_options"
        }
    }

    struct Usage: Decodable {
        struct PromptDetails: Decodable {
            let cachedTokens: Int?
            enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
        }

        struct CompletionDetails: Decodable {
            let reasoningTokens: Int?
            enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
        }

        let promptTokens: Int
        let completionTokens: Int
        let promptTokensDetails: PromptDetails?
        let completionTokensDetails: CompletionDetails?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case promptTokensDetails = "prompt_tokens_details"
            case completionTokensDetails = "completion_tokens_details"
        }

        var tokenUsage: TokenUsage {
            TokenUsage(
                inputTokens: promptTokens,
                outputTokens: completionTokens,
                cachedInputTokens: promptTokensDetails?.cachedTokens ?? 0,
                reasoningTokens: completionTokensDetails?.reasoningTokens ?? 0
            )
        }
    }

    /// `chat.completion`.
    struct Response: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                let role: String?
                let content: String?
            }

            let message: Message
            let finishReason: String?
            enum CodingKeys: String, CodingKey {
                case message
                case finishReason = "finish_reason"
            }
        }

        let id: String?
        let model: String?
        let choices: [Choice]
        let usage: Usage?
    }

    /// `chat.completion.chunk`, one `data:` event of a stream; the last one (asked for with `include_usage`)
    /// has no choices and the usage of the whole stream.
    struct Chunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable {
                let content: String?
            }

            let delta: Delta?
            let finishReason: String?
            enum CodingKeys: String, CodingKey {
                case delta
                case finishReason = "finish_reason"
            }
        }

        let id: String?
        let model: String?
        let choices: [Choice]?
        let usage: Usage?
        let error: ErrorBody.Detail?
    }

    /// `{"error": {"message": …, "type": …, "code": …}}`, the body of an error answer.
    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            let message: String?
            let type: String?
            let code: String?

            enum CodingKeys: String, CodingKey { case message, type, code }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                message = try? container.decodeIfPresent(String.self, forKey: .message)
                type = try? container.decodeIfPresent(String.self, forKey: .type)
                // Providers send the code as a string, a number or null.
                code = (try? container.decodeIfPresent(String.self, forKey: .code))
                    ?? (try? container.decodeIfPresent(Int.self, forKey: .code)).flatMap { $0.map(String.init) }
            }
        }

        let error: Detail
    }
}
