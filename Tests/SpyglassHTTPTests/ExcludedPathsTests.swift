import Testing

@testable import SpyglassHTTP

@Suite struct ExcludedPathsTests {
    let paths = ExcludedPaths(["/metrics", "/spyglass*", "/health/*", "/café"])

    @Test(arguments: ["/metrics", "/spyglass", "/spyglass/api/logs", "/spyglassy", "/health/", "/health/ready", "/café"])
    func matches(path: String) {
        #expect(paths.contains(path))
    }

    @Test(arguments: ["", "/", "/metric", "/metrics/", "/Metrics", "/spyglas", "/health", "/v1/metrics", "/cafe", "/cafe\u{301}"])
    func doesNotMatch(path: String) {
        #expect(!paths.contains(path))
    }

    /// Paths are bytes: a decomposed `é` is not the composed one `String`'s `==` would call equal.
    @Test func comparesBytesNotCanonicalEquivalence() {
        #expect("/cafe\u{301}" == "/café")
        #expect(!paths.contains("/cafe\u{301}"))
    }

    @Test func aLoneStarMatchesEverythingAndNoPatternsNothing() {
        #expect(ExcludedPaths(["*"]).contains(""))
        #expect(ExcludedPaths(["*"]).contains("/anything"))
        #expect(!ExcludedPaths([]).contains("/metrics"))
    }
}
