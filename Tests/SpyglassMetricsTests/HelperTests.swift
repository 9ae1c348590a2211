import Foundation
import SpyglassCore
import Testing

@testable import SpyglassMetrics

@Suite struct HelperTests {
    struct ExportFailed: Error {}

    @Test func trackOperationCountsOutcomesAndTimesFailuresToo() async throws {
        let registry = MetricRegistry()
        let bundles = OperationMetrics(registry: registry, domain: "bundle")
        let value = await bundles.track("export") { 42 }
        #expect(value == 42)
        await #expect(throws: ExportFailed.self) {
            try await bundles.track("export") { throw ExportFailed() }
        }
        let text = registry.text()
        #expect(text.contains(#"bundle_operations_total{operation="export",status="success"} 1"#))
        #expect(text.contains(#"bundle_operations_total{operation="export",status="error"} 1"#))
        #expect(text.contains(#"bundle_operation_duration_seconds_count{operation="export"} 2"#))
    }

    @Test func databaseAndCacheHelpersUseTheDesignNames() async throws {
        let registry = MetricRegistry()
        let database = DatabaseMetrics(registry: registry)
        let cache = CacheMetrics(registry: registry)
        let rows = try await database.track("select", table: "jobs") { [1, 2, 3] }
        #expect(rows.count == 3)
        _ = await cache.lookup("sessions") { Optional("hit") }
        _ = await cache.lookup("sessions") { String?.none }
        _ = await cache.lookup("sessions") { String?.none }
        let text = registry.text()
        #expect(text.contains(#"db_queries_total{operation="select",table="jobs"} 1"#))
        #expect(text.contains(#"db_query_duration_seconds_count{operation="select",table="jobs"} 1"#))
        #expect(text.contains(#"cache_hits_total{cache="sessions"} 1"#))
        #expect(text.contains(#"cache_misses_total{cache="sessions"} 2"#))
    }

    @Test func processMetricsMatchWhatTheKernelReports() throws {
        let registry = MetricRegistry()
        registry.registerProcessMetrics()
        registry.registerAppInfo(service: "agent-hub", version: "1.4.2", environment: "test")
        func value(_ name: String) throws -> Double {
            let line = try #require(registry.text().split(separator: "\n").first { $0.hasPrefix(name + " ") })
            return try #require(Double(line.split(separator: " ")[1]))
        }
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let residentKiB = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?.split(separator: " ").dropFirst().first.flatMap { Double($0) })
        let resident = try value("process_resident_memory_bytes")
        #expect(abs(resident - residentKiB * 1024) < 64 * 1024 * 1024)
        #expect(try value("process_virtual_memory_bytes") >= resident)
        // Other suites open and close descriptors meanwhile (servers, child processes): a reading counts when the
        // directory held as many entries before it as after it.
        func openFiles() throws -> Int { try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count - 1 }
        var agreed = false
        for _ in 0..<100 where !agreed {
            let before = try openFiles()
            let reported = try value("process_open_fds")
            let after = try openFiles()
            agreed = before == after && abs(reported - Double(before)) <= 2
        }
        #expect(agreed, "process_open_fds never agreed with /proc/self/fd in 100 quiet readings")
        #expect(try value("process_max_fds") >= 1024)
        #expect(try value("process_cpu_seconds_total") > 0)
        let start = try value("process_start_time_seconds")
        let now = Date().timeIntervalSince1970
        #expect(start <= now + 1 && start > now - 24 * 3600)
        #expect(registry.text().contains(#"app_info{service="agent-hub",version="1.4.2",environment="test"} 1"#))
    }
}
