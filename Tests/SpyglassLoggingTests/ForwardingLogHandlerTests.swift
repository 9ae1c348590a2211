import InMemoryLogging
import Logging
import SpyglassCore
import Testing

@testable import SpyglassLogging

/// What the OTLP log path receives: the request's context, and the same credentials hidden as on standard output.
@Suite struct ForwardingLogHandlerTests {
    struct LoginFailed: Error, CustomStringConvertible {
        var description: String { "login failed for url https://admin:hunter2@db.internal/app" }
    }

    @Test func messagesValuesSensitiveKeysAndErrorsAreRedacted() throws {
        let upstream = InMemoryLogHandler()
        let redactor = try Redactor()
        var logger = Logger(label: "api") { _ in ForwardingLogHandler(upstream: upstream, redactor: redactor, logLevel: .info) }
        logger[metadataKey: "api_key"] = "abc"
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        logger.info("calling with Bearer \(jwt)", metadata: [
            "nested": ["password": "p4ss", "prompt_tokens": "12"],
            "list": ["ok", "sk-proj-\(String(repeating: "AbCd3fGh", count: 6))"],
            "count": .stringConvertible(3),
        ])
        logger.error("login_failed", error: LoginFailed())
        logger.debug("below the level")

        let entries = upstream.entries
        #expect(entries.count == 2)
        let first = try #require(entries.first)
        #expect(!first.message.description.contains(jwt))
        #expect(first.message.description.hasPrefix("calling with "))
        #expect(first.metadata["api_key"] == "[REDACTED]")
        #expect(first.metadata["nested"] == ["password": "[REDACTED]", "prompt_tokens": "12"])
        #expect(first.metadata["list"] == ["ok", "[REDACTED]"])
        #expect(first.metadata["count"] == "3")
        let failure = try #require(entries.last)
        #expect(failure.error == nil, "the error travels as redacted metadata")
        #expect(failure.metadata["error.type"]?.description.hasSuffix("LoginFailed") == true)
        #expect(failure.metadata["error.message"]?.description.contains("hunter2") == false)
    }

    struct NoSuchJob: Error, CustomStringConvertible {
        var description: String { "no job postgres%3A%2F%2Fadmin%3AS3cretPassw0rdXYZ%40db" }
    }

    /// What OTLP receives: percent-encoded credentials cut out of the message, values and errors.
    @Test func percentEncodedCredentialsAreRedacted() throws {
        let upstream = InMemoryLogHandler()
        let redactor = try Redactor()
        let logger = Logger(label: "api") { _ in ForwardingLogHandler(upstream: upstream, redactor: redactor, logLevel: .info) }
        logger.warning("GET /login?password%3DS3cretPassw0rdXYZ", error: NoSuchJob(), metadata: ["path": "/v1/jobs/token%3AS3cretPassw0rdXYZ"])
        let entry = try #require(upstream.entries.first)
        #expect(entry.message.description == "GET /login?password%3D[REDACTED]")
        #expect(entry.metadata["path"] == "/v1/jobs/token%3A[REDACTED]")
        #expect(entry.metadata["error.message"] == "no job postgres%3A%2F%2Fadmin%3A[REDACTED]%40db")
    }

    @Test func theRequestsContextTravelsAsMetadata() throws {
        let upstream = InMemoryLogHandler()
        let redactor = try Redactor()
        let logger = Logger(label: "api") { _ in ForwardingLogHandler(upstream: upstream, redactor: redactor, logLevel: .info) }
        SpyglassContext.with({
            $0.requestID = "req-1"
            $0.jobID = "job-2"
            $0.fields = ["tenant": "acme"]
        }) {
            logger.info("job_started", metadata: ["job_id": "explicit"])
        }
        logger.info("outside")
        let entries = upstream.entries
        #expect(entries.first?.metadata == ["request_id": "req-1", "job_id": "explicit", "tenant": "acme"])
        #expect(entries.last?.metadata == [:])
    }
}
