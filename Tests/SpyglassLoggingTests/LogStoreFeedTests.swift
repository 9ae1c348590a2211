import Foundation
import Logging
import SpyglassCore
import SpyglassLogging
import SpyglassDashboard
import Testing

/// What the log pipeline keeps for the built-in dashboard: the line as written, redacted the same way.
@Suite struct LogStoreFeedTests {
    private func backend(format: LogFormat, store: LogStore, path: String) throws -> LogBackend {
        var configuration = LoggingConfiguration()
        configuration.format = format
        configuration.sampling = nil
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        return try LogBackend(configuration: configuration, service: .test, writer: LogWriter(fileDescriptor: descriptor), store: store)
    }

    @Test func theStoreKeepsTheLineAsWrittenWithItsRequest() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).log").path
        defer { unlink(path) }
        let store = LogStore()
        let backend = try backend(format: .json, store: store, path: path)
        let logger = Logger(label: "api") { backend.makeHandler(label: $0, metadataProvider: nil) }
        SpyglassContext.with({ $0.requestID = "req-7" }) {
            logger.warning("login_failed", metadata: ["password": "hunter2", "user": "ada"])
        }
        logger.debug("not written at info")
        backend.flush()
        let written = try String(contentsOfFile: path, encoding: .utf8)
        let kept = try #require(store.lines().first)
        #expect(store.count == 1, "what is not written is not kept")
        #expect(String(decoding: kept.line, as: UTF8.self) + "\n" == written)
        #expect(!written.contains("hunter2") && written.contains("[REDACTED]"))
        #expect(kept.level == .warning && kept.requestID == "req-7")
    }

    @Test func withConsoleOutputTheStoreStillGetsJSON() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).log").path
        defer { unlink(path) }
        let store = LogStore()
        let backend = try backend(format: .console, store: store, path: path)
        let logger = Logger(label: "api") { backend.makeHandler(label: $0, metadataProvider: nil) }
        logger.info("job_started", metadata: ["token": "sk-proj-abcdefghijklmnop1234"])
        backend.flush()
        let kept = try #require(store.lines().first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(kept.line)) as? [String: Any])
        #expect(object["message"] as? String == "job_started" && object["token"] as? String == "[REDACTED]")
        #expect(try String(contentsOfFile: path, encoding: .utf8).first != "{", "standard output keeps the console format")
    }
}
