import Foundation

/// Healthy while the file system holding `path` has at least the given free space for unprivileged writers.
public struct DiskSpaceHealthCheck: HealthCheck {
    public let name: String
    public let path: String
    /// Fewest free bytes; default 100 MiB.
    public let minimumFreeBytes: UInt64
    /// Smallest free share of the file system, 0–1; default 0.05.
    public let minimumFreeFraction: Double

    public init(name: String = "disk", path: String = "/", minimumFreeBytes: UInt64 = 100 << 20, minimumFreeFraction: Double = 0.05) {
        self.name = name
        self.path = path
        self.minimumFreeBytes = minimumFreeBytes
        self.minimumFreeFraction = minimumFreeFraction
    }

    public func check() async throws -> HealthCheckResult {
        guard let usage = DiskUsage(path: path) else {
            return .unhealthy("could not read the file system of \(path): \(String(cString: strerror(errno)))")
        }
        let details = [
            "path": path,
            "free_bytes": String(usage.freeBytes),
            "total_bytes": String(usage.totalBytes),
            "free_percent": String(format: "%.1f", usage.freeFraction * 100),
        ]
        if usage.freeBytes < minimumFreeBytes || usage.freeFraction < minimumFreeFraction {
            return .unhealthy(
                "\(usage.freeBytes) bytes (\(String(format: "%.1f", usage.freeFraction * 100))%) free on \(path), below the minimum of \(minimumFreeBytes) bytes or \(String(format: "%.1f", minimumFreeFraction * 100))%",
                details: details
            )
        }
        return .healthy(details: details)
    }
}

/// Sizes of a file system from `statvfs`.
struct DiskUsage {
    let totalBytes: UInt64
    /// Available to unprivileged processes (`f_bavail`).
    let freeBytes: UInt64
    /// Free including the blocks reserved for root (`f_bfree`).
    let unreservedFreeBytes: UInt64

    init?(path: String) {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        let blockSize = UInt64(stats.f_frsize)
        totalBytes = UInt64(stats.f_blocks) * blockSize
        freeBytes = UInt64(stats.f_bavail) * blockSize
        unreservedFreeBytes = UInt64(stats.f_bfree) * blockSize
    }

    var freeFraction: Double { totalBytes == 0 ? 0 : Double(freeBytes) / Double(totalBytes) }
    var usedBytes: UInt64 { totalBytes - unreservedFreeBytes }
}
