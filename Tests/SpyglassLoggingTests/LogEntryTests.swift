import Foundation
import Logging
import SpyglassCore
import Synchronization
import Testing

@testable import SpyglassLogging

/// What the backend hands an exporter for each line it writes: the request's context, and the same credentials
/// hidden as on standard output.
@Suite struct LogEntryTests {
    final class Entries: LogEntrySink {
        private let entries = Mutex<[LogEntry]>([])
        func append(_ entry: LogEntry) { entries.withLock { $0.append(entry) } }
        var all: [LogEntry] { entries.withLock { $0 } }
    }

    /// A backend writing to /dev/null whose entries go to `entries`; sampling off, `info` and above.
    private func backend(_ entries: Entries) throws -> LogBackend {
        var configuration = LoggingConfiguration()
        configuration.sampling = nil
        return try LogBackend(
            configuration: configuration, service: .test, writer: LogWriter(fileDescriptor: open("/dev/null", O_WRONLY))
        ).exporting(to: entries)
    }

    private func attributes(_ entry: LogEntry) -> Logger.Metadata {
        var attributes = Logger.Metadata()
        entry.forEachAttribute { key, value in attributes[key] = value }
        return attributes
    }

    struct LoginFailed: Error, CustomStringConvertible {
        var description: String { "login failed for url https://admin:hunter2@db.internal/app" }
    }

    @Test func messagesValuesSensitiveKeysAndErrorsAreRedacted() throws {
        let entries = Entries()
        let backend = try backend(entries)
        var logger = Logger(label: "api") { backend.makeHandler(label: $0, metadataProvider: nil) }
        logger[metadataKey: "api_key"] = "abc"
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        logger.info("calling with Bearer \(jwt)", metadata: [
            "nested": ["password": "p4ss", "prompt_tokens": "12"],
            "list": ["ok", "sk-proj-\(String(repeating: "AbCd3fGh", count: 6))"],
            "count": .stringConvertible(3),
        ])
        logger.error("login_failed", error: LoginFailed())
        logger.debug("below the level")

        #expect(entries.all.count == 2, "what is not written is not exported")
        let first = try #require(entries.all.first)
        #expect(!first.redactedMessage.contains(jwt))
        #expect(first.redactedMessage.hasPrefix("calling with "))
        let metadata = attributes(first)
        #expect(metadata["api_key"] == "[REDACTED]")
        #expect(metadata["nested"] == ["password": "[REDACTED]", "prompt_tokens": "12"])
        #expect(metadata["list"] == ["ok", "[REDACTED]"])
        #expect(metadata["count"] == "3")
        #expect(first.level == .info && first.label == "api" && first.line > 0)
        let failure = attributes(try #require(entries.all.last))
        #expect(failure["error.type"]?.description.hasSuffix("LoginFailed") == true)
        #expect(failure["error.message"]?.description.contains("hunter2") == false)
        #expect(failure["error.message"]?.description.contains("[REDACTED]") == true)
    }

    struct NoSuchJob: Error, CustomStringConvertible {
        var description: String { "no job postgres%3A%2F%2Fadmin%3AS3cretPassw0rdXYZ%40db" }
    }

    /// Percent-encoded credentials cut out of the message, values and errors.
    @Test func percentEncodedCredentialsAreRedacted() throws {
        let entries = Entries()
        let backend = try backend(entries)
        let logger = Logger(label: "api") { backend.makeHandler(label: $0, metadataProvider: nil) }
        logger.warning("GET /login?password%3DS3cretPassw0rdXYZ", error: NoSuchJob(), metadata: ["path": "/v1/jobs/token%3AS3cretPassw0rdXYZ"])
        let entry = try #require(entries.all.first)
        #expect(entry.redactedMessage == "GET /login?password%3D[REDACTED]")
        #expect(attributes(entry)["path"] == "/v1/jobs/token%3A[REDACTED]")
        #expect(attributes(entry)["error.message"] == "no job postgres%3A%2F%2Fadmin%3A[REDACTED]%40db")
    }

    @Test func theRequestsContextTravelsAsAttributes() throws {
        let entries = Entries()
        let backend = try backend(entries)
        let logger = Logger(label: "api") { backend.makeHandler(label: $0, metadataProvider: nil) }
        SpyglassContext.with({
            $0.requestID = "req-1"
            $0.jobID = "job-2"
            $0.fields = ["tenant": "acme"]
        }) {
            logger.info("job_started", metadata: ["job_id": "explicit"])
        }
        logger.info("outside")
        #expect(entries.all.map(attributes) == [["request_id": "req-1", "job_id": "explicit", "tenant": "acme"], [:]])
    }

    /// A line written with typed fields (the access line's way) is the same entry as one logged with the same
    /// fields as metadata.
    @Test func typedFieldsAreTheSameAttributesAsMetadata() throws {
        let entries = Entries()
        let backend = try backend(entries)
        let handler = backend.makeHandler(label: "spyglass.http", metadataProvider: nil)
        let logger = Logger(label: "spyglass.http") { _ in handler }
        let fields = [
            LogField(LogFieldKey("endpoint", for: backend), .string("/v1/jobs/{id}")),
            LogField(LogFieldKey("path", for: backend), .string("/v1/jobs/sk-proj-\(String(repeating: "AbCd3fGh", count: 6))")),
            LogField(LogFieldKey("status", for: backend), .int(200)),
            LogField(LogFieldKey("duration_ms", for: backend), .double(0.25)),
            LogField(LogFieldKey("authorization", for: backend), .string("Basic YWRtaW46aHVudGVyMg==")),
        ]
        SpyglassContext.with({ $0.requestID = "req-9" }) {
            fields.withUnsafeBufferPointer { handler.log(level: .info, "request_completed", fields: $0, error: nil) }
            logger.info("request_completed", metadata: Dictionary(uniqueKeysWithValues: fields.map { ($0.key.name, $0.value.metadataValue) }))
        }
        let (typed, logged) = (try #require(entries.all.first), try #require(entries.all.last))
        #expect(entries.all.count == 2)
        #expect(attributes(typed) == attributes(logged))
        #expect(attributes(typed)["path"] == "/v1/jobs/[REDACTED]" && attributes(typed)["authorization"] == "[REDACTED]")
        #expect(attributes(typed)["request_id"] == "req-9" && attributes(typed)["status"] == "200")
        #expect(typed.redactedMessage == logged.redactedMessage)
    }
}
