import Foundation
import Testing

@testable import SpyglassHealth

@Suite struct SystemChecksTests {
    @Test func diskSpaceIsReadFromStatvfsAndJudgedAgainstTheMinimum() async throws {
        let usage = try #require(DiskUsage(path: "/"))
        #expect(usage.totalBytes > 0 && usage.freeBytes <= usage.totalBytes)
        let roomy = try await DiskSpaceHealthCheck(minimumFreeBytes: 1, minimumFreeFraction: 0).check()
        #expect(roomy.status == .healthy)
        #expect(roomy.details["total_bytes"] == String(usage.totalBytes))
        let impossible = try await DiskSpaceHealthCheck(minimumFreeBytes: usage.totalBytes + 1).check()
        #expect(impossible.status == .unhealthy)
        #expect(impossible.message?.contains("below the minimum of \(usage.totalBytes + 1) bytes") == true)
        let missing = try await DiskSpaceHealthCheck(path: "/no/such/place").check()
        #expect(missing.message == "could not read the file system of /no/such/place: No such file or directory")
    }

    @Test func memoryIsReadFromProcMeminfo() async throws {
        let memory = try #require(MemoryUsage.read("MemTotal:  1000 kB\nMemFree: 10 kB\nMemAvailable:  250 kB\n"))
        #expect(memory.totalBytes == 1_024_000 && memory.usedBytes == 768_000 && memory.usedFraction == 0.75)
        #expect(try await MemoryHealthCheck(maximumUsedFraction: 1).check().status == .healthy)
        let tight = try await MemoryHealthCheck(maximumUsedFraction: 0).check()
        #expect(tight.status == .unhealthy && tight.message?.hasSuffix("above 0.0%") == true)
    }

    @Test func systemInfoMatchesProc() throws {
        let info = SystemInfo(service: "hub", version: "1.2.3", environment: "ci", build: ["commit": "abc123"])
        let snapshot = info.snapshot()
        #expect(snapshot.service == "hub" && snapshot.version == "1.2.3" && snapshot.environment == "ci")
        #expect(snapshot.build == ["commit": "abc123"])
        #expect(snapshot.cpu.count == ProcessInfo.processInfo.activeProcessorCount)
        if let percent = snapshot.cpu.percent { #expect((0...100).contains(percent)) }

        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let total = try #require(meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }?.split(separator: " ")[1]).description
        #expect(snapshot.memory?.total == UInt64(total)! * 1024)

        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let threads = try #require(status.split(separator: "\n").first { $0.hasPrefix("Threads:") }?.split(separator: "\t").last).description
        // Threads come and go in a test process: within a few of /proc's count read just after.
        #expect(abs((snapshot.process.threads ?? -100) - Int(threads)!) <= 8)
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        #expect(abs((snapshot.process.open_fds ?? -100) - descriptors) <= 8)
        #expect(snapshot.process.pid == Int(getpid()))
        let rss = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?.split(whereSeparator: { $0 == " " || $0 == "\t" })[1]).description
        let resident = Double(snapshot.process.resident_memory_bytes ?? 0)
        #expect(abs(resident - Double(rss)! * 1024) < 64 * 1024 * 1024)
        #expect((snapshot.process.cpu_seconds ?? -1) >= 0)

        var disk = statvfs()
        #expect(statvfs("/", &disk) == 0)
        #expect(snapshot.disk?.total == UInt64(disk.f_blocks) * UInt64(disk.f_frsize))

        let json = try #require(try JSONSerialization.jsonObject(with: info.json()) as? [String: Any])
        #expect(Set(json.keys).isSuperset(of: ["cpu", "memory", "disk", "process", "service", "version", "environment", "timestamp"]))
    }
}
