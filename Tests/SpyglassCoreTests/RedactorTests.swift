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

    /// Text that came through a URL carries its credentials percent-encoded: each is cut out of the text as it
    /// was written, which keeps everything else, escapes included.
    @Test(arguments: [
        (
            "/v1/jobs/postgres%3A%2F%2Fadmin%3AS3cretPassw0rdXYZ%40db%3A5432%2Fapp",
            "/v1/jobs/postgres%3A%2F%2Fadmin%3A[REDACTED]%40db%3A5432%2Fapp"
        ),
        ("no job postgres%3a%2f%2fadmin%3aS3cret%40db", "no job postgres%3a%2f%2fadmin%3a[REDACTED]%40db"),
        ("/login?user=ada&password%3DS3cretPassw0rd&next=%2F", "/login?user=ada&password%3D[REDACTED]&next=%2F"),
        ("?q=password%3Dhunter2%20and%20more", "?q=password%3D[REDACTED]%20and%20more"),
        ("%22api_key%22%3A%20%22k-12345678%22%7D", "%22api_key%22%3A%20%22[REDACTED]%22%7D"),
        // `+` is a space in a query string: the JSON's `": "` arrives as `%22%3A+%22`.
        ("?body=%7B%22api_key%22%3A+%22k-12345678%22%7D", "?body=%7B%22api_key%22%3A+%22[REDACTED]%22%7D"),
        ("Authorization%3A%20Bearer%20abc.DEF-123_456~xyz", "Authorization%3A%20[REDACTED]"),
        // A URL inside a query value inside a URL is encoded twice.
        ("?next=%3Fdsn%3Dpostgres%253A%252F%252Fu%253Ap4ssw0rd%2540h", "?next=%3Fdsn%3D[REDACTED]"),
        ("?next=postgres%253A%252F%252Fu%253Ap4ssw0rd%2540h", "?next=postgres%253A%252F%252Fu%253A[REDACTED]%2540h"),
        // Raw and encoded credentials in one text: both found, in order.
        ("token=abcdef12 then secret%3Dxyz12345", "token=[REDACTED] then secret%3D[REDACTED]"),
        ("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t%20then%20pwd%3Dx", "key [REDACTED]%20then%20pwd%3D[REDACTED]"),
    ])
    func percentEncodedCredentialsAreFound(text: String, expected: String) {
        #expect(redactor.redact(text) == expected)
    }

    @Test(arguments: [
        "cpu at 95% for 10 min", "/search/caf%C3%A9%20menu", "100%", "%zz%4", "a+b=c", "/v1/jobs/job_%41%42%43",
        "https%3A%2F%2Fexample.com%2Fpath%3Fquery%3D1",
    ])
    func percentTextWithoutCredentialsIsLeftAlone(text: String) {
        #expect(redactor.redact(text) == text)
    }

    @Test func additionalPatternsReadDecodedTextToo() throws {
        let redactor = try Redactor(RedactionConfiguration(additionalPatterns: [#"ACME-[0-9]{6}"#]))
        #expect(redactor.redact("order ACME%2D123456 and ACME-654321") == "order [REDACTED] and [REDACTED]")
        #expect(redactor.redact("caf%C3%A9 ACME%2d123456.") == "caf%C3%A9 [REDACTED].")
    }

    @Test func disabledRedactorChangesNothing() throws {
        let off = try Redactor(RedactionConfiguration(isEnabled: false))
        #expect(!off.isSensitiveKey("password"))
        #expect(off.redact("password=x") == "password=x")
    }
}
