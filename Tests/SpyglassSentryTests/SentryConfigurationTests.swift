import SpyglassCore
import SpyglassSentry
import Testing

@Suite struct SentryConfigurationTests {
    @Test func dsnsAsSentryGlitchTipAndBugsinkHandThemOut() throws {
        let sentry = try #require(SentryDSN("https://0123456789abcdef0123456789abcdef@o123.ingest.sentry.io/4505"))
        #expect(sentry.envelopeURL == "https://o123.ingest.sentry.io/api/4505/envelope/")
        #expect(sentry.authorization(client: "spyglass/0.1.0") == "Sentry sentry_version=7, sentry_key=0123456789abcdef0123456789abcdef, sentry_client=spyglass/0.1.0")

        let bugsink = try #require(SentryDSN("http://9f3a1c@127.0.0.1:8000/1"))
        #expect(bugsink.envelopeURL == "http://127.0.0.1:8000/api/1/envelope/")
        #expect(bugsink.port == 8000)

        // A path before the project, a deprecated secret key, IPv6, a trailing slash, upper-case scheme.
        let prefixed = try #require(SentryDSN("HTTPS://pub:secret@errors.example.org/glitchtip/12/"))
        #expect(prefixed.envelopeURL == "https://errors.example.org/glitchtip/api/12/envelope/")
        #expect(prefixed.publicKey == "pub")
        #expect(!prefixed.authorization(client: "c").contains("secret"))
        #expect(SentryDSN("https://k@[::1]:9000/3")?.envelopeURL == "https://[::1]:9000/api/3/envelope/")
    }

    /// A DSN's key is never shown: not in its description, not in the error for a DSN that is refused.
    @Test func theKeyIsNeverShown() throws {
        let dsn = try #require(SentryDSN("https://supersecretkey123@errors.example.org/42"))
        #expect("\(dsn)" == "https://***@errors.example.org/42")
        #expect(!dsn.redacted.contains("supersecretkey123"))

        for bad in ["https://supersecretkey123@errors.example.org", "https://supersecretkey123@errors.example.org:99999/4", "supersecretkey123"] {
            let error = #expect(throws: ConfigurationError.self) {
                try SentryConfiguration().applyingEnvironment(EnvironmentVariables(["SENTRY_DSN": bad]))
            }
            #expect(error?.variable == "SENTRY_DSN")
            #expect(error?.description.contains("supersecretkey123") == false, "\(String(describing: error))")
            #expect(error?.description.contains("https://KEY@errors.example.org/42") == true, "what is allowed")
        }
    }

    @Test(arguments: [
        ("errors.example.org/42", "no scheme"),
        ("ftp://k@errors.example.org/42", "neither https nor http"),
        ("https://errors.example.org/42", "no key"),
        ("https://@errors.example.org/42", "the key"),
        ("https://k e y@errors.example.org/42", "the key"),
        ("https://k@errors.example.org", "no project"),
        ("https://k@errors.example.org/", "the project"),
        ("https://k@errors.example.org/4 2", "the project"),
        ("https://k@/42", "the host"),
        ("https://k@errors.example.org:0/42", "the host"),
        ("https://k@bad_host!/42", "the host"),
        ("https://k@errors.example.org//42", "the path"),
    ])
    func eachBadDSNSaysWhatIsWrong(dsn: String, reason: String) {
        #expect(SentryDSN(dsn) == nil)
        #expect(SentryDSN.problem(with: dsn)?.contains(reason) == true, "\(dsn): \(SentryDSN.problem(with: dsn) ?? "accepted")")
    }

    @Test func theEnvironmentIsAppliedAndCheckedOverTheCode() throws {
        let configured = try SentryConfiguration(release: "from-code").applyingEnvironment(EnvironmentVariables([
            "SENTRY_DSN": "https://k@errors.example.org/42", "SENTRY_ENVIRONMENT": " staging ", "SENTRY_SAMPLE_RATE": "0.25",
        ]))
        #expect(configured.dsn?.projectID == "42")
        #expect(configured.environment == "staging")
        #expect(configured.release == "from-code")
        #expect(configured.sampleRate == 0.25)
        #expect(configured.isEnabled)
        #expect(!SentryConfiguration().isEnabled, "nothing is sent without a DSN")
        #expect(!(try SentryConfiguration().applyingEnvironment(EnvironmentVariables(["SENTRY_DSN": "https://k@h/1", "SENTRY_SAMPLE_RATE": "0"]))).isEnabled)
        for rate in ["1.5", "-0.1", "half", "nan"] {
            let error = #expect(throws: ConfigurationError.self) {
                try SentryConfiguration().applyingEnvironment(EnvironmentVariables(["SENTRY_SAMPLE_RATE": rate]))
            }
            #expect(error?.variable == "SENTRY_SAMPLE_RATE")
            #expect(error?.description.contains("from 0 to 1") == true)
        }
    }
}
