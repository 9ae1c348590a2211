public import Foundation
import SpyglassMetrics
@_spi(Locking) import SpyglassCore

/// What `GET /monitoring/info` shows (seed 001's "System Information"): the machine's CPU, memory and disk, this
/// process, and the service's identity and build. Read from `/proc` and `statvfs`; nothing is run.
public final class SystemInfo: Sendable {
    /// The service's name, version and environment, and any build facts (commit, build time).
    public let service: String
    public let version: String
    public let environment: String
    public let build: [String: String]
    /// The file system whose usage is shown; default `/`.
    public let diskPath: String
    private let reader = ProcessStatReader()
    private let started = Date()
    /// The machine's CPU counters at the last reading: usage is the share of busy time since then.
    private let lastCPU: Locked<CPUTimes?>

    public init(service: String, version: String, environment: String, build: [String: String] = [:], diskPath: String = "/") {
        self.service = service
        self.version = version
        self.environment = environment
        self.build = build
        self.diskPath = diskPath
        lastCPU = Locked(CPUTimes.read())
    }

    /// The current readings as JSON.
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(snapshot())) ?? Data("{}".utf8)
    }

    /// The current readings.
    public func snapshot() -> Snapshot {
        let cpuNow = CPUTimes.read()
        let previous = lastCPU.withLock { last in
            defer { if let cpuNow { last = cpuNow } }
            return last
        }
        var percent: Double?
        if let cpuNow, let previous, cpuNow.total > previous.total {
            percent = Double(cpuNow.busy - previous.busy) / Double(cpuNow.total - previous.total) * 100
        }
        let memory = MemoryUsage.read()
        let disk = DiskUsage(path: diskPath)
        let stat = reader.stat()
        let status = Self.statusFields()
        return Snapshot(
            service: service,
            version: version,
            environment: environment,
            build: build.isEmpty ? nil : build,
            timestamp: Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
            cpu: .init(percent: percent.map(Self.rounded), count: ProcessInfo.processInfo.activeProcessorCount),
            memory: memory.map {
                .init(total: $0.totalBytes, available: $0.availableBytes, used: $0.usedBytes, percent: Self.rounded($0.usedFraction * 100))
            },
            disk: disk.map {
                .init(path: diskPath, total: $0.totalBytes, used: $0.usedBytes, free: $0.freeBytes, percent: Self.rounded(Double($0.usedBytes) / Double(max($0.totalBytes, 1)) * 100))
            },
            process: .init(
                pid: Int(getpid()),
                resident_memory_bytes: stat.map { UInt64(Double($0.residentPages) * reader.pageSize) },
                cpu_seconds: stat.map { Self.rounded(Double($0.userTicks + $0.systemTicks) / reader.ticksPerSecond) },
                open_fds: reader.openFileDescriptors(),
                threads: status["Threads"].flatMap { Int($0) },
                uptime_seconds: Self.rounded(Date().timeIntervalSince(started))
            )
        )
    }

    private static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// `Name:\tvalue` lines of `/proc/self/status`.
    private static func statusFields() -> [String: String] {
        guard let bytes = ProcessStatReader.read("/proc/self/status") else { return [:] }
        var fields: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// The JSON body, in seed 001's shape.
    public struct Snapshot: Sendable, Encodable {
        public struct CPU: Sendable, Encodable {
            /// Busy share of all CPUs since the previous reading (or since start), 0–100.
            public let percent: Double?
            public let count: Int
        }

        public struct Memory: Sendable, Encodable {
            public let total: UInt64
            public let available: UInt64
            public let used: UInt64
            public let percent: Double
        }

        public struct Disk: Sendable, Encodable {
            public let path: String
            public let total: UInt64
            public let used: UInt64
            public let free: UInt64
            public let percent: Double
        }

        public struct Process: Sendable, Encodable {
            public let pid: Int
            public let resident_memory_bytes: UInt64?
            public let cpu_seconds: Double?
            public let open_fds: Int?
            public let threads: Int?
            public let uptime_seconds: Double
        }

        public let service: String
        public let version: String
        public let environment: String
        public let build: [String: String]?
        public let timestamp: String
        public let cpu: CPU
        public let memory: Memory?
        public let disk: Disk?
        public let process: Process
    }
}

/// The machine's aggregate CPU counters, the first line of `/proc/stat`.
struct CPUTimes {
    let busy: UInt64
    let total: UInt64

    static func read() -> CPUTimes? {
        guard let bytes = ProcessStatReader.read("/proc/stat"),
            let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let values = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard values.count >= 4 else { return nil }
        // user nice system idle iowait irq softirq steal …: idle and iowait are the idle ones.
        let idle = values[3] + (values.count > 4 ? values[4] : 0)
        let total = values.prefix(8).reduce(0, +)
        return CPUTimes(busy: total - idle, total: total)
    }
}
