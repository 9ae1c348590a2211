import SpyglassCore

/// ``HTTPInstrumentationConfiguration/excludedPaths`` prepared for matching every request's path: patterns held as
/// bytes and compared as bytes. `String`'s `==` and `hasPrefix` compare Unicode canonical equivalence, which
/// cost more than the rest of the metrics a request records; a path is bytes on the wire, so bytes are what it
/// should match anyway.
struct ExcludedPaths: Sendable {
    private let exact: [[UInt8]]
    /// The patterns ending in `*`, without it.
    private let prefixes: [[UInt8]]

    init(_ patterns: [String]) {
        exact = patterns.filter { !$0.hasSuffix("*") }.map { Array($0.utf8) }
        prefixes = patterns.filter { $0.hasSuffix("*") }.map { Array($0.utf8.dropLast()) }
    }

    /// Whether `path` is one of the exact patterns or starts with one of the prefixes.
    func contains(_ path: String) -> Bool {
        path.withUTF8Bytes { path in
            for pattern in exact where pattern.count == path.count && Self.starts(path, with: pattern) { return true }
            for prefix in prefixes where prefix.count <= path.count && Self.starts(path, with: prefix) { return true }
            return false
        }
    }

    private static func starts(_ path: UnsafeBufferPointer<UInt8>, with pattern: [UInt8]) -> Bool {
        for index in pattern.indices where path[index] != pattern[index] { return false }
        return true
    }
}
