import Foundation

/// Healthy while the machine's used memory (total minus `MemAvailable` in `/proc/meminfo`) stays at or below a share
/// of the total.
public struct MemoryHealthCheck: HealthCheck {
    public let name: String
    /// Largest used share, 0–1; default 0.9.
    public let maximumUsedFraction: Double

    public init(name: String = "memory", maximumUsedFraction: Double = 0.9) {
        self.name = name
        self.maximumUsedFraction = maximumUsedFraction
    }

    public func check() async throws -> HealthCheckResult {
        guard let memory = MemoryUsage.read() else { return .unhealthy("could not read /proc/meminfo") }
        let details = [
            "total_bytes": String(memory.totalBytes),
            "available_bytes": String(memory.availableBytes),
            "used_percent": String(format: "%.1f", memory.usedFraction * 100),
        ]
        if memory.usedFraction > maximumUsedFraction {
            return .unhealthy(
                "\(String(format: "%.1f", memory.usedFraction * 100))% of memory in use, above \(String(format: "%.1f", maximumUsedFraction * 100))%",
                details: details
            )
        }
        return .healthy(details: details)
    }
}

/// The machine's memory from `/proc/meminfo`.
struct MemoryUsage {
    let totalBytes: UInt64
    let availableBytes: UInt64

    var usedBytes: UInt64 { totalBytes - min(availableBytes, totalBytes) }
    var usedFraction: Double { totalBytes == 0 ? 0 : Double(usedBytes) / Double(totalBytes) }

    static func read(_ text: String? = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) -> MemoryUsage? {
        guard let text else { return nil }
        var fields: [Substring: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " })
            if parts.count >= 2, let kilobytes = UInt64(parts[1]) { fields[parts[0]] = kilobytes * 1024 }
        }
        guard let total = fields["MemTotal"], let available = fields["MemAvailable"] else { return nil }
        return MemoryUsage(totalBytes: total, availableBytes: available)
    }
}
