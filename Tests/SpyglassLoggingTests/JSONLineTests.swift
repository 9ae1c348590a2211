import Foundation
import Logging
import SpyglassCore
import SpyglassLogging
import SpyglassTestSupport
import Testing

@Suite struct JSONLineTests {
    struct DemoError: Error, CustomStringConvertible {
        var description: String { "the job store is unavailable" }
    }

    @Test func writesTheDocumentedFieldsInOrder() throws {
        let capture = try LogCapture()
        capture.logger("api").info("request_completed", metadata: ["method": "GET", "status": .stringConvertible(200)])
        let raw = try #require(try capture.rawLines().first)
        #expect(raw.hasPrefix(#"{"timestamp":""#))
        let keys = ["\"timestamp\"", "\"level\"", "\"logger\"", "\"message\"", "\"service\"", "\"environment\"", "\"version\""]
        let positions = keys.map { raw.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())

        let line = try #require(try capture.lines().first)
        #expect(line["level"] as? String == "info")
        #expect(line["logger"] as? String == "api")
        #expect(line["message"] as? String == "request_completed")
        #expect(line["service"] as? String == "test-service")
        #expect(line["environment"] as? String == "test")
        #expect(line["version"] as? String == "9.9.9")
        #expect(line["method"] as? String == "GET")
        #expect(line["status"] as? Int == 200)
        #expect(line["trace_id"] == nil)
        let timestamp = try #require(line["timestamp"] as? String)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z/) != nil)
        let parsed = try #require(ISO8601DateFormatter.fractional.date(from: timestamp))
        #expect(abs(parsed.timeIntervalSinceNow) < 60)
    }

    /// What README promises of key order: Spyglass's own fields first, in one order, then the metadata (in
    /// swift-log's dictionary order, which varies), then `source`.
    @Test func spyglassFieldsComeFirstInTheirOrderThenMetadataThenSource() throws {
        let capture = try LogCapture { $0.includeSource = true }
        SpyglassContext.with({
            $0.requestID = "req-1"
            $0.sessionID = "session-1"
            $0.jobID = "job-1"
            $0.userID = "user-1"
            $0.workspaceID = "workspace-1"
        }) {
            capture.logger("api").error(
                "request_completed", error: DemoError(),
                metadata: ["method": "GET", "status": .stringConvertible(500), "path": "/a", "zeta": "z", "alpha": "a"]
            )
        }
        let raw = try #require(try capture.rawLines().first)
        let fixed = ["timestamp", "level", "logger", "message", "service", "environment", "version", "request_id",
                     "session_id", "job_id", "user_id", "workspace_id", "error.type", "error.message"]
        let positions = try fixed.map { try #require(raw.range(of: "\"\($0)\":")).lowerBound }
        #expect(positions == positions.sorted(), "\(raw)")
        let source = try #require(raw.range(of: "\"source\":{")).lowerBound
        for key in ["method", "status", "path", "zeta", "alpha"] {
            let position = try #require(raw.range(of: "\"\(key)\":")).lowerBound
            #expect(position > positions.last! && position < source, "\(key) in \(raw)")
        }
    }

    @Test func levelsAreLowercase() throws {
        let capture = try LogCapture { $0.level = .trace }
        let logger = capture.logger()
        for level in Logger.Level.allCases { logger.log(level: level, "x") }
        #expect(try capture.lines().map { $0["level"] as? String } == ["trace", "debug", "info", "notice", "warning", "error", "critical"])
    }

    @Test func contextIdentifiersAndFieldsReachEveryLine() async throws {
        let capture = try LogCapture()
        let logger = capture.logger()
        await SpyglassContext.with({
            $0.requestID = "req-1"
            $0.sessionID = "sess-1"
            $0.jobID = "job-1"
            $0.userID = "user-1"
            $0.workspaceID = "ws-1"
            $0.fields["tenant_tier"] = "gold"
        }) {
            logger.info("inside")
            await withTaskGroup(of: Void.self) { group in
                group.addTask { logger.info("child") }
            }
        }
        logger.info("outside")
        let lines = try capture.lines()
        for line in lines.prefix(2) {
            #expect(line["request_id"] as? String == "req-1")
            #expect(line["session_id"] as? String == "sess-1")
            #expect(line["job_id"] as? String == "job-1")
            #expect(line["user_id"] as? String == "user-1")
            #expect(line["workspace_id"] as? String == "ws-1")
            #expect(line["tenant_tier"] as? String == "gold")
        }
        #expect(lines[2]["request_id"] == nil)
    }

    @Test func errorsAreRenderedAsTypeAndMessage() throws {
        let capture = try LogCapture()
        capture.logger().error("job_failed", error: DemoError())
        let line = try #require(try capture.lines().first)
        #expect(line["error.type"] as? String == "SpyglassLoggingTests.JSONLineTests.DemoError")
        #expect(line["error.message"] as? String == "the job store is unavailable")
    }

    @Test func reservedKeysAreNotOverwrittenByMetadata() throws {
        let capture = try LogCapture()
        var logger = capture.logger()
        logger[metadataKey: "service"] = "spoofed"
        logger.info("real", metadata: ["level": "spoofed", "message": "spoofed", "request_id": "from-metadata"])
        let raw = try #require(try capture.rawLines().first)
        let line = try #require(try capture.lines().first)
        #expect(line["level"] as? String == "info")
        #expect(line["message"] as? String == "real")
        #expect(line["service"] as? String == "test-service")
        #expect(line["metadata.level"] as? String == "spoofed")
        #expect(line["metadata.service"] as? String == "spoofed")
        // Without a bound request id, metadata may supply one.
        #expect(line["request_id"] as? String == "from-metadata")
        #expect(raw.components(separatedBy: "\"level\":").count == 2)
    }

    @Test func callMetadataWinsOverLoggerMetadata() throws {
        let capture = try LogCapture()
        var logger = capture.logger()
        logger[metadataKey: "component"] = "scheduler"
        logger[metadataKey: "attempt"] = "1"
        logger.info("x", metadata: ["attempt": "2"])
        let raw = try #require(try capture.rawLines().first)
        let line = try #require(try capture.lines().first)
        #expect(line["component"] as? String == "scheduler")
        #expect(line["attempt"] as? String == "2")
        #expect(raw.components(separatedBy: "\"attempt\"").count == 2)
    }

    @Test func valuesKeepTheirJSONTypes() throws {
        let capture = try LogCapture()
        capture.logger().info("typed", metadata: [
            "int": .stringConvertible(-42),
            "double": .stringConvertible(4.25),
            "bool": .stringConvertible(true),
            "uint8": .stringConvertible(UInt8(7)),
            "nan": .stringConvertible(Double.nan),
            "nested": ["list": ["a", .stringConvertible(1)], "inner": ["k": "v"]],
        ])
        let line = try #require(try capture.lines().first)
        #expect(line["int"] as? Int == -42)
        #expect(line["double"] as? Double == 4.25)
        #expect(line["bool"] as? Bool == true)
        #expect(line["uint8"] as? Int == 7)
        #expect(line["nan"] as? String == "nan")
        let nested = try #require(line["nested"] as? [String: Any])
        #expect((nested["list"] as? [Any])?.count == 2)
        #expect((nested["inner"] as? [String: String]) == ["k": "v"])
    }

    @Test func sourceIsWrittenWhenEnabled() throws {
        let capture = try LogCapture { $0.includeSource = true }
        capture.logger().info("here"); let expectedLine = #line
        let source = try #require(try capture.lines().first?["source"] as? [String: Any])
        #expect(source["file"] as? String == "SpyglassLoggingTests/JSONLineTests.swift")
        #expect(source["function"] as? String == "sourceIsWrittenWhenEnabled()")
        #expect(source["line"] as? Int == expectedLine)
    }

    @Test func largeValuesAreTruncatedVisibly() throws {
        let capture = try LogCapture { $0.maxValueBytes = 1024 }
        let huge = String(repeating: "é", count: 50_000)  // two bytes each: the cut must not split one
        capture.logger().info(Logger.Message(stringLiteral: huge), metadata: ["blob": .string(huge)])
        let raw = try #require(try capture.rawLines().first)
        #expect(raw.utf8.count < 3_000)
        let line = try #require(try capture.lines().first)
        let blob = try #require(line["blob"] as? String)
        #expect(blob.hasSuffix("…[truncated 98976 bytes]"))
        #expect(blob.hasPrefix(String(repeating: "é", count: 512)))
        #expect((line["message"] as? String)?.hasSuffix("…[truncated 98976 bytes]") == true)
    }

    @Test func invalidUTF8AndControlCharactersStayValidJSON() throws {
        let capture = try LogCapture()
        let invalid = String(decoding: [0x66, 0xFF, 0xFE, 0xC3, 0x28, 0x00, 0x1B, 0x7F], as: UTF8.self)
        let hostile = "quote\" backslash\\ newline\n tab\t nul\u{0} bell\u{7} line-sep\u{2028} emoji🚀"
        capture.logger().info("control", metadata: ["invalid": .string(invalid), "hostile": .string(hostile), "key\n\"x": "v"])
        let raw = try #require(try capture.rawLines().first)
        #expect(!raw.contains("\n"))
        let line = try #require(try capture.lines().first)
        #expect(line["invalid"] as? String == invalid)
        #expect(line["hostile"] as? String == hostile)
        #expect(line["key\n\"x"] as? String == "v")
    }

    @Test func perLabelLevelsApply() throws {
        let capture = try LogCapture {
            $0.level = .info
            $0.labelLevels = try! LabelLogLevels(parsing: "AsyncHTTPClient=warning,hummingbird=error,hummingbird.router=debug")
        }
        capture.logger("AsyncHTTPClient").info("dropped")
        capture.logger("AsyncHTTPClient").warning("kept-ahc")
        capture.logger("hummingbird").warning("dropped")
        capture.logger("hummingbird").error("kept-hb")
        capture.logger("hummingbird.router").debug("kept-router")
        capture.logger("api").info("kept-api")
        capture.logger("api").debug("dropped")
        #expect(try capture.lines().map { $0["message"] as? String } == ["kept-ahc", "kept-hb", "kept-router", "kept-api"])
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let fractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
