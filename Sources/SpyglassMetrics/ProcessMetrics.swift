#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

extension MetricRegistry {
    /// Exposes the standard process metrics, read from `/proc` at each rendering, under the names every
    /// Prometheus client uses: `process_resident_memory_bytes`, `process_virtual_memory_bytes`,
    /// `process_cpu_seconds_total`, `process_open_fds`, `process_max_fds`, `process_start_time_seconds`.
    /// Where `/proc` does not exist (macOS) they are absent rather than wrong.
    public func registerProcessMetrics() {
        let reader = ProcessStatReader()
        observeProcess(StandardMetrics.processResidentMemory.definition) {
            reader.stat().map { Double($0.residentPages) * reader.pageSize }
        }
        observeProcess(StandardMetrics.processVirtualMemory.definition) {
            reader.stat().map { Double($0.virtualBytes) }
        }
        observeProcess(StandardMetrics.processCPUSeconds.definition) {
            reader.stat().map { Double($0.userTicks + $0.systemTicks) / reader.ticksPerSecond }
        }
        observeProcess(StandardMetrics.processOpenFDs.definition) {
            reader.openFileDescriptors().map(Double.init)
        }
        observeProcess(StandardMetrics.processMaxFDs.definition) {
            var limit = rlimit()
            guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
            return Double(limit.rlim_cur)
        }
        let startTime = reader.startTime()
        observeProcess(StandardMetrics.processStartTime.definition) {
            startTime
        }
    }

    /// Exposes `app_info{service,version,environment} 1`, so dashboards can show and join on the build.
    public func registerAppInfo(service: String, version: String, environment: String) {
        observeGauge(StandardMetrics.appInfo, labels: [service, version, environment]) { 1 }
    }

    private func observeProcess(_ definition: MetricDefinition, value: @escaping @Sendable () -> Double?) {
        observe(MetricType(definition.kind), definition.name, help: definition.help, unit: definition.unit, labelNames: []) {
            value().map { [(labels: [], value: $0)] } ?? []
        }
    }
}

/// Reads `/proc/self/stat` and friends with plain system calls (also for the health module's system information).
package struct ProcessStatReader: Sendable {
    package struct Stat {
        package var userTicks: UInt64
        package var systemTicks: UInt64
        package var startTicks: UInt64
        package var virtualBytes: UInt64
        package var residentPages: UInt64
    }

    package let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
    package let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    package init() {}

    package func stat() -> Stat? {
        guard let text = Self.read("/proc/self/stat"), let nameEnd = text.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // Fields after the parenthesised command name, which may itself hold spaces; field 3 (state) is first.
        let fields = text[(nameEnd + 1)...].split(separator: UInt8(ascii: " ")).map { UInt64(String(decoding: $0, as: UTF8.self)) }
        func field(_ number: Int) -> UInt64? { fields.count > number - 3 ? fields[number - 3] : nil }
        guard let user = field(14), let system = field(15), let start = field(22), let virtual = field(23), let resident = field(24)
        else { return nil }
        return Stat(userTicks: user, systemTicks: system, startTicks: start, virtualBytes: virtual, residentPages: resident)
    }

    package func openFileDescriptors() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while readdir(directory) != nil { count += 1 }
        return count - 3  // ".", ".." and the descriptor opendir itself holds
    }

    /// Seconds since the epoch: the boot time from `/proc/stat` plus the process's start in ticks after boot.
    package func startTime() -> Double? {
        guard let stat = stat(), let text = Self.read("/proc/stat") else { return nil }
        for line in text.split(separator: UInt8(ascii: "\n")) where line.starts(with: "btime ".utf8) {
            guard let bootTime = Double(String(decoding: line.dropFirst(6), as: UTF8.self)) else { return nil }
            return bootTime + Double(stat.startTicks) / ticksPerSecond
        }
        return nil
    }

    package static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            result.append(contentsOf: chunk[..<count])
        }
        return result
    }
}
