import Foundation
public import SpyglassCore

/// Whether and how prompt and completion text is recorded on LLM spans.
///
/// Off by default, as OpenTelemetry's GenAI conventions advise: prompts carry what users typed. When on, each
/// message's text passes the logs' ``Redactor`` (credentials, sensitive patterns) and is cut to a number of
/// characters, and the messages go on the span as `gen_ai.input.messages` and `gen_ai.output.messages` in the
/// conventions' JSON shape (`[{"role":"user","parts":[{"type":"text","content":"…"}]}]`), which receivers such as
/// Arize Phoenix display as the conversation.
public struct ContentCapture: Sendable {
    let redactor: Redactor?
    let characterLimit: Int

    /// Nothing is recorded.
    public static let off = ContentCapture(redactor: nil, characterLimit: 0)

    /// Text is recorded after `redactor`, cut to `characterLimit` characters per message.
    public static func redacted(by redactor: Redactor, characterLimit: Int = 2_000) -> ContentCapture {
        ContentCapture(redactor: redactor, characterLimit: max(characterLimit, 16))
    }

    /// `off`, or redacted by `redactor` with the limit, as `configuration` says.
    public init(_ configuration: GenAIConfiguration, redactor: Redactor) {
        self = configuration.capturesContent ? .redacted(by: redactor, characterLimit: configuration.contentCharacterLimit) : .off
    }

    private init(redactor: Redactor?, characterLimit: Int) {
        self.redactor = redactor
        self.characterLimit = characterLimit
    }

    public var isEnabled: Bool { redactor != nil }

    /// `text` redacted, then cut to the limit with a marker naming how many characters were left out.
    func prepare(_ text: String) -> String {
        guard let redactor else { return "" }
        let redacted = redactor.redact(text)
        guard redacted.count > characterLimit else { return redacted }
        let kept = redacted.prefix(characterLimit)
        return "\(kept)…[truncated \(redacted.count - kept.count) characters]"
    }

    /// The messages as the conventions' JSON, or `nil` when capture is off.
    func messagesJSON(_ messages: [ChatMessage], finishReason: String? = nil) -> String? {
        guard isEnabled, !messages.isEmpty else { return nil }
        let objects: [[String: Any]] = messages.map { message in
            var object: [String: Any] = [
                "role": message.role,
                "parts": [["type": "text", "content": prepare(message.content)]],
            ]
            if let finishReason { object["finish_reason"] = finishReason }
            return object
        }
        guard let data = try? JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
