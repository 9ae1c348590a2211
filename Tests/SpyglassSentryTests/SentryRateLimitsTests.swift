import Testing

@testable import SpyglassSentry

/// `X-Sentry-Rate-Limits` and `Retry-After` as Sentry's protocol documents them: `retry_after:categories:scope:…`,
/// comma-separated; no category means all; `error` and `default` cover error events.
@Suite struct SentryRateLimitsTests {
    @Test(arguments: [
        ("60:error:organization", 60.0),
        ("60::key", 60),
        ("60:transaction:key", nil),
        ("30:transaction;error:key, 120:default:organization", 120),
        ("2.5:error:key:reason", 2.5),
        ("99999:error:key", 3600),
        ("-5:error:key", nil),
        ("soon:error:key", nil),
        ("60", nil),
        ("", nil),
        ("  45 : error ; session : key ", 45),
    ] as [(String, Double?)])
    func theWaitForErrorEvents(header: String, seconds: Double?) {
        #expect(SentryRateLimits.errorWait(in: header) == seconds.map { .seconds($0) })
    }

    @Test func aTooManyRequestsAnswerWithoutAdviceWaitsTheDefault() {
        let limits = SentryRateLimits()
        #expect(!limits.isLimited)
        #expect(limits.update(status: 200, rateLimits: nil, retryAfter: "30") == nil, "Retry-After alone counts only on a 429")
        #expect(!limits.isLimited)
        #expect(limits.update(status: 429, rateLimits: nil, retryAfter: "garbage") == SentryRateLimits.defaultWait)
        #expect(limits.isLimited)
        #expect(SentryRateLimits().update(status: 429, rateLimits: nil, retryAfter: "7") == .seconds(7))
        #expect(SentryRateLimits().update(status: 429, rateLimits: "10:error:key", retryAfter: "300") == .seconds(10), "the header wins")
    }

    @Test func aShorterLimitDoesNotShortenALongerOne() {
        let limits = SentryRateLimits()
        limits.update(status: 200, rateLimits: "3600:error:key", retryAfter: nil)
        limits.update(status: 200, rateLimits: "0:error:key", retryAfter: nil)
        limits.update(status: 429, rateLimits: nil, retryAfter: "1")
        #expect(limits.isLimited)
    }
}
