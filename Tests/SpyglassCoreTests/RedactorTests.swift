import SpyglassCore
import Testing

@Suite struct RedactorTests {
    let redactor = try! Redactor()

    @Test(arguments: [
        "password", "PASSWORD", "db_password", "passwd", "pwd", "secret", "client_secret", "clientSecret", "token",
        "github_token", "authToken", "access_token", "accessToken", "refresh-token", "api_key", "apiKey", "APIKey",
        "x-api-key", "X-Api-Key", "OPENAI_API_KEY", "authorization", "Proxy-Authorization", "cookie", "set-cookie",
        "Set-Cookie", "private_key", "privateKey", "credentials", "aws_secret_access_key", "sentry.dsn", "jwt",
    ])
    func sensitiveKeys(key: String) {
        #expect(redactor.isSensitiveKey(key))
    }

    @Test(arguments: [
        "prompt_tokens", "completion_tokens", "max_tokens", "tokens_used", "token_count", "tokenizer", "keyboard",
        "user_id", "request_id", "status", "method", "cache_key", "monkey", "passage", "author", "secretary_name_x",
    ])
    func ordinaryKeys(key: String) {
        // "secretary_name_x" contains "secret": terms match anywhere on purpose, erring towards hiding.
        #expect(redactor.isSensitiveKey(key) == (key == "secretary_name_x"))
    }

    @Test func redactReplacesEachSecretAndKeepsTheRest() {
        let text = "call sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t with Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc at postgres://u:p4ss@h/db"
        #expect(redactor.redact(text) == "call [REDACTED] with Bearer [REDACTED] at postgres://u:[REDACTED]@h/db")
    }

    @Test func theShortestSecretsAreStillFound() throws {
        let redactor = try Redactor()
        #expect(redactor.redact("pwd=x") == "pwd=[REDACTED]")
        #expect(redactor.redact("jwt:y") == "jwt:[REDACTED]")
        #expect(redactor.redact("://:p@") == "://:[REDACTED]@")
        #expect(redactor.redact("pwd=") == "pwd=")
        // A one-letter key added by the user makes three bytes enough.
        let custom = try Redactor(RedactionConfiguration(additionalKeys: ["k"]))
        #expect(custom.redact("k=v") == "k=[REDACTED]")
        #expect(custom.redact("a k=v") == "a k=[REDACTED]")
    }

    @Test(arguments: [
        ("db.password=hunter2 next", "db.password=[REDACTED] next"),
        ("password = hunter2", "password = [REDACTED]"),
        ("{'secret':'s3cr3t'}", "{'secret':'[REDACTED]'}"),
        (#"{"api_key": "k-123"}"#, #"{"api_key": "[REDACTED]"}"#),
        ("x/token:abc/y", "x/token:[REDACTED]"),
        ("path/v1/jobs/{id} user/agent", "path/v1/jobs/{id} user/agent"),
    ])
    func keyValuePairsAreFoundWhateverFollowsTheKey(text: String, expected: String) throws {
        #expect(try Redactor().redact(text) == expected)
    }

    /// Key decisions are cached in 256 slots; hundreds of keys racing for them from many tasks must never get
    /// another key's answer.
    @Test func cachedKeyDecisionsStayCorrectUnderConcurrency() async throws {
        let redactor = try Redactor()
        let keys = (0..<600).map { $0.isMultiple(of: 3) ? "user_password_\($0)" : "request_field_\($0)" }
        let wrong = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for iteration in 0..<20_000 {
                        let index = (iteration &* 7 &+ task &* 131) % keys.count
                        if redactor.isSensitiveKey(keys[index]) != index.isMultiple(of: 3) { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }

    @Test func privateKeyBlocksAreRemovedWhole() {
        let pem = "key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\nabc\n-----END EC PRIVATE KEY-----\nafter"
        #expect(redactor.redact(pem) == "key:\n[REDACTED]\nafter")
        #expect(redactor.redact("-----BEGIN PRIVATE KEY-----\nMIIE cut off") == "[REDACTED]")
        #expect(redactor.redact("-----BEGIN CERTIFICATE-----\nMIIB") == "-----BEGIN CERTIFICATE-----\nMIIB")
    }

    @Test func disabledRedactorChangesNothing() throws {
        let off = try Redactor(RedactionConfiguration(isEnabled: false))
        #expect(!off.isSensitiveKey("password"))
        #expect(off.redact("password=x") == "password=x")
    }
}
