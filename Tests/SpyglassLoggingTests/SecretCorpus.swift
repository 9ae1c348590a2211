/// Credentials in the formats services really leak, each of which must never reach a log line.
enum SecretCorpus {
    static let secrets: [String] = [
        "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0f",  // OpenAI project key
        "sk-Tq7XbW2m9LpRk4NvYc8HsD3fGj6A",  // OpenAI legacy key
        "sk-ant-api03-Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1Jh0Gf9Ed8Cb7Aa6-_xyz",  // Anthropic
        "AIzaSyD4f8Gh2Jk5Lm7Np9Qr1St3Uv5Wx7Yz9Ab2c",  // Google / Gemini
        "gsk_8fJ2kL9mN4pQ7rS1tU6vW3xY5zA0bC2dE4fG",  // Groq
        "xai-Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4Vb6",  // xAI
        "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",  // Hugging Face
        "r8_Kq2Wm4Xn6Yp8Zr0As2Dc4Fv6Gb8Hn0Jm",  // Replicate
        "pplx-4f8a9b2c7d1e6f3a5b8c9d0e1f2a3b4c",  // Perplexity
        "AKIAIOSFODNN7EXAMPLE",  // AWS access key id
        "ASIAY34FZKBOKMUTVV7A",  // AWS temporary key id
        "ya29.a0AfH6SMBx3kT9qLw8Zr2Yp5Nv7Mc4Xb1",  // Google OAuth access token
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",  // GitHub personal token
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",  // GitHub OAuth token
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF",  // GitHub fine-grained
        "glpat-xYz12AbC34dEf56GhI78jK",  // GitLab
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",  // Slack bot
        "sk_live_51HxYzAbCdEfGhIjKlMnOpQr",  // Stripe
        "rk_test_51HxYzAbCdEfGhIjKlMnOpQr",  // Stripe restricted
        "npm_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5",  // npm
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",  // JWT
    ]

    /// Phrases that wrap a secret; the secret goes where `%@` is.
    static let carriers: [String] = [
        "%@",
        "Authorization: Bearer %@",
        "calling provider with key %@ now",
        "https://user:%@@db.internal:5432/app",
        "password=%@&next=/home",
        "{\"api_key\": \"%@\"}",
        "token: %@",
        "retrying (secret='%@')",
    ]

    /// Secrets that are only recognisable by where they sit, so each comes with its carrier.
    static let contextualSecrets: [(text: String, secret: String)] = [
        ("Authorization: Bearer abc.DEF-123_456~xyz", "abc.DEF-123_456~xyz"),
        ("Authorization: Basic dXNlcjpodW50ZXIy", "dXNlcjpodW50ZXIy"),
        ("postgres://app:hunter2pass@db:5432/app", "hunter2pass"),
        ("redis://:s3cr3tRedis@cache:6379/0", "s3cr3tRedis"),
        ("login failed password=correct-horse-battery", "correct-horse-battery"),
        ("client_secret: \"very secret value\"", "very secret value"),
        ("{\"password\":\"p@ss w0rd\"}", "p@ss w0rd"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7Vx3kQz\n-----END RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA7Vx3kQz"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA", "b3BlbnNzaC1rZXktdjEAAAAA"),
        // The same shapes as they arrive through a URL, percent-encoded (and `+` for spaces in a query).
        ("GET /v1/jobs/postgres%3A%2F%2Fapp%3Ahunter2pass%40db%3A5432%2Fapp", "hunter2pass"),
        ("no job login%20failed%20password%3Dcorrect-horse-battery", "correct-horse-battery"),
        ("?q=client_secret%3A+%22very+secret+value%22", "very+secret+value"),
        ("%7B%22password%22%3A%22p%40ss%20w0rd%22%7D", "p%40ss%20w0rd"),
        ("?h=Authorization%3A%20Bearer%20abc.DEF-123_456~xyz", "abc.DEF-123_456~xyz"),
        ("?next=redis%253A%252F%252F%253As3cr3tRedis%2540cache", "s3cr3tRedis"),
    ]

    /// Text that looks a little like a credential but is not one: it must pass through unchanged.
    static let prose: [String] = [
        "Bearer authentication is required",
        "basic auth is disabled",
        "the task-runner finished",
        "desk-setup-guide",
        "https://example.com/path?query=1",
        "prompt_tokens=120 completion_tokens=80",
        "mask-0123456789abcdefghij",
        "see ticket ASIA-1234",
        "eyJ is how JSON starts in base64",
    ]
}
