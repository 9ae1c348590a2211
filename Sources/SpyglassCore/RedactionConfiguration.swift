/// What log redaction hides. On by default.
///
/// Two mechanisms run together:
/// - **Keys**: a metadata key (at any depth) that names a credential has its whole value replaced, whatever
///   the value is. Keys are compared case-insensitively after splitting camelCase and `-`, `_`, `.` separators,
///   so `apiKey`, `X-Api-Key` and `OPENAI_API_KEY` all match `api_key`.
/// - **Values**: text that looks like a credential is replaced wherever it appears, the message included:
///   bearer and basic tokens, JWTs, the API keys of major LLM providers (OpenAI, Anthropic, Google, Groq, xAI,
///   Hugging Face, Replicate, Perplexity), cloud keys (AWS access key ids, Google OAuth tokens), code-host and
///   chat tokens (GitHub, GitLab, Slack, Stripe), PEM private-key blocks, passwords inside URLs and
///   `password=…`-style pairs written into text.
///
/// Every replacement is ``RedactionConfiguration/replacement``.
public struct RedactionConfiguration: Sendable, Hashable {
    /// The text written in place of a secret.
    public static let replacement = "[REDACTED]"

    /// Key terms that are always sensitive, matched anywhere in the normalised key.
    public static let defaultKeyTerms: [String] = [
        "password", "passwd", "passphrase", "secret", "authorization", "credential", "cookie",
        "api_key", "apikey", "private_key", "privatekey", "access_key", "accesskey",
        "access_token", "accesstoken", "refresh_token", "refreshtoken", "auth_token", "authtoken",
        "session_token", "sessiontoken", "bearer", "jwt",
    ]

    /// Key terms that are sensitive only as a whole segment (`github_token` but not `prompt_tokens`).
    public static let defaultKeySegments: [String] = ["token", "pwd", "dsn"]

    /// Keys that contain a sensitive term but carry no secret, such as LLM token counts.
    public static let defaultAllowedKeys: [String] = ["token_count", "token_type", "token_usage", "token_limit"]

    /// Whether redaction runs at all. Default `true`; turning it off is for local debugging only.
    public var isEnabled: Bool
    /// Extra key terms to treat as sensitive, matched anywhere in the normalised key (`ssn`, `iban`).
    public var additionalKeys: [String]
    /// Keys written verbatim even though they contain a sensitive term. Compared after normalisation.
    public var allowedKeys: [String]
    /// Extra regular expressions (Swift `Regex` syntax); every match in any value or message is replaced.
    public var additionalPatterns: [String]

    /// Creates a configuration; by default redaction is on with the built-in keys and patterns.
    public init(
        isEnabled: Bool = true,
        additionalKeys: [String] = [],
        allowedKeys: [String] = RedactionConfiguration.defaultAllowedKeys,
        additionalPatterns: [String] = []
    ) {
        self.isEnabled = isEnabled
        self.additionalKeys = additionalKeys
        self.allowedKeys = allowedKeys
        self.additionalPatterns = additionalPatterns
    }
}
