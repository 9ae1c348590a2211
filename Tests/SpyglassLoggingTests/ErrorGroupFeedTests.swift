import Foundation
import Logging
import SpyglassCore
import SpyglassLogging
import SpyglassDashboard
import Testing

/// Error lines are counted in the dashboard's error groups, under their type and source, redacted as written.
@Suite struct ErrorGroupFeedTests {
    struct PaymentDeclined: Error, CustomStringConvertible {
        var description: String { "card declined for token sk-proj-abcdefghijklmnopqrstuvwxyz0123456789" }
    }

    @Test func errorLinesAreGroupedByTypeAndSource() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("errors-\(UUID().uuidString).log").path
        defer { unlink(path) }
        var configuration = LoggingConfiguration()
        configuration.sampling = nil
        let errors = ErrorGroups()
        let backend = try LogBackend(
            configuration: configuration, service: .test, writer: LogWriter(fileDescriptor: open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)), errors: errors
        )
        let logger = Logger(label: "payments") { backend.makeHandler(label: $0, metadataProvider: nil) }
        logger.warning("retrying", error: PaymentDeclined())
        for _ in 0..<2 { logger.error("charge_failed", error: PaymentDeclined()) }
        let line = #line - 1
        logger.error("upstream_failed", metadata: ["error.type": "503", "error.source": "POST /v1/charge"])
        logger.critical("no_type")

        let groups = errors.all()
        #expect(groups.count == 3, "warnings are not errors")
        let declined = try #require(groups.first { $0.type.hasSuffix("PaymentDeclined") })
        #expect(declined.type == String(reflecting: PaymentDeclined.self))
        #expect(declined.source == "SpyglassLoggingTests/ErrorGroupFeedTests.swift:\(line)", "the log call's file and line")
        #expect(declined.count == 2 && declined.logger == "payments")
        #expect(declined.message.hasPrefix("charge_failed: card declined") && !declined.message.contains("sk-proj-"), "\(declined.message)")
        #expect(groups.contains { $0.type == "503" && $0.source == "POST /v1/charge" }, "error.type and error.source named by the line")
        #expect(groups.contains { $0.type == "log" && $0.message == "no_type" })
    }

    @Test func errorsSamplingDropsAreStillCounted() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("errors-\(UUID().uuidString).log").path
        defer { unlink(path) }
        var configuration = LoggingConfiguration()
        configuration.sampling = LogSampling(first: 1, thereafter: 1_000, interval: .seconds(60))
        let errors = ErrorGroups()
        let backend = try LogBackend(
            configuration: configuration, service: .test, writer: LogWriter(fileDescriptor: open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)), errors: errors
        )
        let logger = Logger(label: "payments") { backend.makeHandler(label: $0, metadataProvider: nil) }
        for _ in 0..<5 { logger.error("charge_failed", error: PaymentDeclined()) }
        backend.flush()
        let written = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(written.count == 1, "sampling keeps the first line")
        #expect(errors.all().map(\.count) == [5], "the group counts every occurrence")
    }
}
