import Foundation
import Logging
import SpyglassCore
import SpyglassDashboard
import SpyglassLogging
import Testing

@testable import SpyglassHTTP

/// The `request_completed` line written typed, straight into Spyglass's backend, against the same line written as
/// metadata through swift-log (a handler that is not Spyglass's, in front of the same backend).
@Suite struct AccessLineTests {
    private struct Written {
        let typed: [String]
        let generic: [String]
    }

    /// Writes `lines` through both paths of one backend and returns what each wrote.
    private func write(
        configure: (inout LoggingConfiguration) -> Void = { _ in },
        handlerMetadata: Logger.Metadata = [:],
        _ lines: (AccessLine) -> Void
    ) throws -> Written {
        var configuration = LoggingConfiguration()
        configuration.sampling = nil
        configure(&configuration)
        let store = LogStore()
        let backend = try LogBackend(
            configuration: configuration, service: ServiceIdentity(name: "api", version: "1", environment: "test"),
            writer: LogWriter(fileDescriptor: open("/dev/null", O_WRONLY)), store: store)
        var typed = Logger(label: "spyglass.http") { backend.makeHandler(label: $0, metadataProvider: nil) }
        var generic = Logger(label: "spyglass.http") { MultiplexLogHandler([backend.makeHandler(label: $0, metadataProvider: nil)]) }
        for (key, value) in handlerMetadata {
            typed[metadataKey: key] = value
            generic[metadataKey: key] = value
        }
        let typedLine = AccessLine(logger: typed)
        let genericLine = AccessLine(logger: generic)
        #expect(typedLine.writesTyped && !genericLine.writesTyped)
        lines(typedLine)
        let typedCount = store.count
        lines(genericLine)
        let all = store.lines().map { String(decoding: $0.line, as: UTF8.self) }
        return Written(typed: Array(all.prefix(typedCount)), generic: Array(all.dropFirst(typedCount)))
    }

    /// The fields every line writes itself, in a fixed order, before its metadata.
    private static let fixedKeys: Set<String> = [
        "timestamp", "level", "logger", "message", "service", "environment", "version", "trace_id", "span_id",
        "request_id", "session_id", "job_id", "user_id", "workspace_id", "error.type", "error.message",
    ]

    /// A line cut into its fixed fields (timestamp dropped), as written, and its metadata's `"key":value` members,
    /// as written: metadata through swift-log comes in a dictionary's order, typed fields in theirs.
    private func members(_ line: String) throws -> (prefix: String, members: Set<String>) {
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let body = String(line.dropLast())
        let starts = try object.keys.filter { !Self.fixedKeys.contains($0) }.map { key in
            try #require(body.range(of: ",\"\(key)\":")).lowerBound
        }.sorted()
        let metadataStart = starts.first ?? body.endIndex
        let prefix = String(body[..<metadataStart]).replacing(/"timestamp":"[^"]*"/, with: "")
        var found: Set<String> = []
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1] : body.endIndex
            found.insert(String(body[body.index(after: start)..<end]))
        }
        return (prefix, found)
    }

    private func expectSameLines(_ written: Written, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(written.typed.count == written.generic.count, sourceLocation: sourceLocation)
        for (typed, generic) in zip(written.typed, written.generic) {
            let (typedPrefix, typedMembers) = try members(typed)
            let (genericPrefix, genericMembers) = try members(generic)
            #expect(typedPrefix == genericPrefix, sourceLocation: sourceLocation)
            #expect(typedMembers == genericMembers, "\(typed)\n\(generic)", sourceLocation: sourceLocation)
            #expect(typed.utf8.count == generic.utf8.count, sourceLocation: sourceLocation)
        }
    }

    private func line(
        _ accessLine: AccessLine, status: Int = 200, path: String = "/v1/jobs/42", userAgent: String? = "curl/8.5.0",
        error: (any Error)? = nil, duration: Double = 0.42, requestHeaders: Logger.Metadata? = nil
    ) {
        accessLine.write(
            method: "GET", endpoint: "/v1/jobs/{id}", path: path, status: status, durationMilliseconds: duration,
            requestBytes: 0, responseBytes: 61, userAgent: userAgent, clientAddress: "127.0.0.1", error: error,
            requestHeaders: requestHeaders)
    }

    @Test func typedLinesAreTheLinesSwiftLogWrites() throws {
        struct Failed: Error {}
        let written = try write { accessLine in
            line(accessLine)
            line(accessLine, status: 404, userAgent: nil, duration: 0)
            line(accessLine, status: 503, error: Failed(), duration: 1234.5)
            line(accessLine, path: "/v1/\u{1}\"quoted\"\\é", duration: .infinity)
        }
        #expect(written.typed.count == 4)
        try expectSameLines(written)
        #expect(written.typed[0].contains(#""status":200"#) && written.typed[0].contains(#""duration_ms":0.42"#))
        #expect(written.typed[2].contains(#""level":"error""#) && written.typed[2].contains(#""error.source":"GET /v1/jobs/{id}""#))
        #expect(written.typed[1].contains(#""level":"warning""#) && !written.typed[1].contains("user_agent"))
    }

    @Test func credentialsAndSensitiveKeysAreRedactedAlike() throws {
        let written = try write(configure: { $0.redaction.additionalKeys = ["user_agent"] }) { accessLine in
            line(accessLine, path: "/callback/https%3A%2F%2Fada%3Ahunter2%40db.internal%2Fx", userAgent: "secret-agent")
            line(accessLine, path: "/v1/jobs/42?token=abc")
        }
        try expectSameLines(written)
        for typed in written.typed {
            #expect(!typed.contains("hunter2") && !typed.contains("secret-agent"))
            #expect(typed.contains(#""user_agent":"[REDACTED]""#))
        }
    }

    @Test func theLoggersMetadataAndContextStandAsWithSwiftLog() throws {
        let written = try write(handlerMetadata: ["region": "eu-1", "status": "shadowed", "request_id": "from-logger"]) { accessLine in
            SpyglassContext.with({ $0.requestID = "req-1"; $0.fields["tenant"] = "acme" }) { line(accessLine) }
        }
        try expectSameLines(written)
        let typed = try #require(written.typed.first)
        #expect(typed.contains(#""request_id":"req-1""#) && typed.contains(#""metadata.request_id":"from-logger""#))
        #expect(typed.contains(#""region":"eu-1""#) && typed.contains(#""tenant":"acme""#))
        #expect(typed.contains(#""status":200"#) && !typed.contains("shadowed"), "the line's own field wins over the logger's")
    }

    @Test func theLevelRuleIsTheLoggers() throws {
        let written = try write(configure: { $0.level = .warning }) { accessLine in
            line(accessLine, status: 200)
            line(accessLine, status: 404)
            line(accessLine, status: 500)
        }
        #expect(written.typed.count == 2 && written.generic.count == 2)
        try expectSameLines(written)
    }

    @Test func aFailedRequestsHeadersAreAnObjectWithCredentialsRedacted() throws {
        let headers = FailedRequestHeaders.metadata(of: ListHeaders(fields: [
            ("Accept", "application/json"), ("Authorization", "Bearer sk-live-abcdefghijklmnop"),
            ("Cookie", "session=s3cr3t"), ("X-Api-Key", "k-123456"), ("Accept", "text/plain"),
            ("X-Note", "postgres://ada:hunter2@db.internal/app"),
        ]))
        let written = try write { accessLine in line(accessLine, status: 502, requestHeaders: headers) }
        try expectSameLines(written)
        let typed = try #require(written.typed.first)
        let object = try #require(JSONSerialization.jsonObject(with: Data(typed.utf8)) as? [String: Any])
        let logged = try #require(object["request_headers"] as? [String: String])
        #expect(logged["accept"] == "application/json, text/plain")
        #expect(logged["authorization"] == "[REDACTED]" && logged["cookie"] == "[REDACTED]" && logged["x-api-key"] == "[REDACTED]")
        #expect(logged["x-note"]?.contains("hunter2") == false, "values are scanned for credentials")
        for secret in ["sk-live-abcdefghijklmnop", "s3cr3t", "k-123456", "hunter2"] { #expect(!typed.contains(secret)) }
    }

    @Test func failedRequestHeadersAreBounded() throws {
        let many = (0..<100).map { ("X-Field-\($0)", "v") }
        let long = String(repeating: "n", count: FailedRequestHeaders.nameLimit + 1)
        let headers = FailedRequestHeaders.metadata(of: ListHeaders(fields: [(long, "dropped")] + many + [("X-Field-0", "again")]))
        #expect(headers.count == FailedRequestHeaders.fieldLimit)
        #expect(headers[long.lowercased()] == nil)
        #expect(headers["x-field-0"] == "v, again", "a repeat of a kept field is joined even past the limit")
        #expect(headers["x-field-\(FailedRequestHeaders.fieldLimit)"] == nil)

        let repeated = FailedRequestHeaders.metadata(of: ListHeaders(fields: Array(repeating: ("X-Tag", String(repeating: "t", count: 1_000)), count: 1_000)))
        let joined = try #require(repeated["x-tag"].flatMap { if case .string(let text) = $0 { text } else { nil } })
        #expect(joined.utf8.count < FailedRequestHeaders.valueLimit + 1_002, "a repeated field stops growing at the limit")
    }
}

/// Request headers in the order sent, names as sent.
struct ListHeaders: HTTPHeaderLookup {
    var fields: [(String, String)]
    func firstValue(named name: HTTPHeaderName) -> String? { fields.first { $0.0.lowercased() == name.text }?.1 }
    func values(named name: HTTPHeaderName) -> [String] { fields.filter { $0.0.lowercased() == name.text }.map(\.1) }
    func forEachField(_ body: (_ name: String, _ value: String) -> Void) { for (name, value) in fields { body(name, value) } }
}
