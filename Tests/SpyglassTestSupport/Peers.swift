public import Foundation
@_spi(Locking) import SpyglassCore

/// The programs the README's test command installs: promtool from Debian's `prometheus` package, amtool from
/// `prometheus-alertmanager`, and Python's
/// `prometheus_client`, Arize Phoenix and oteltap in the repository's `.venv`.
public enum Peers {
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var promtool: String {
        get throws {
            for candidate in ["/usr/bin/promtool", "/usr/local/bin/promtool"] where FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
            throw PeerMissing(what: "promtool (Debian package prometheus); scripts/test.sh installs it")
        }
    }

    /// A product of this package built beside the test binary: `swift build` puts every product in the same folder.
    public static func builtExecutable(_ name: String) -> URL {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent(name)
    }

    public static var amtool: String {
        get throws {
            for candidate in ["/usr/bin/amtool", "/usr/local/bin/amtool"] where FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
            throw PeerMissing(what: "amtool (Debian package prometheus-alertmanager); scripts/test.sh installs it")
        }
    }

    /// Chromium (Debian package `chromium`), run headless to load the built-in dashboard.
    public static var chromium: String {
        get throws {
            for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] where FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
            throw PeerMissing(what: "chromium (Debian package chromium); scripts/test.sh installs it")
        }
    }

    /// Where tests leave what a person may want to look at afterwards (screenshots): `.build/test-artifacts/<name>`.
    public static func artifacts(_ name: String) throws -> URL {
        let directory = repository.appendingPathComponent(".build/test-artifacts/\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Python in `.venv`, with `prometheus_client`.
    public static var python: String {
        get throws { try venvExecutable("python", package: "prometheus_client") }
    }

    /// Arize Phoenix's `phoenix` command (PyPI `arize-phoenix`) in `.venv`: an OTLP receiver that lists the spans
    /// it received over its HTTP API.
    public static var phoenix: String {
        get throws { try venvExecutable("phoenix", package: "arize-phoenix") }
    }

    /// oteltap's `oteltap` command (PyPI `oteltap`) in `.venv`: an OTLP/HTTP receiver for traces, logs and metrics
    /// that prints each record it receives as one JSON line.
    public static var oteltap: String {
        get throws { try venvExecutable("oteltap", package: "oteltap") }
    }

    /// Bugsink's commands (PyPI `bugsink`) in `.venv`: `bugsink-create-conf`, `bugsink-manage`, and `gunicorn` to
    /// serve it; a self-hosted server of the Sentry protocol.
    public static func bugsink(_ command: String) throws -> String {
        try venvExecutable(command, package: "bugsink")
    }

    private static func venvExecutable(_ name: String, package: String) throws -> String {
        let path = repository.appendingPathComponent(".venv/bin/\(name)").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw PeerMissing(what: ".venv with \(package); scripts/test.sh installs it")
        }
        return path
    }

    /// A port the kernel just handed out on loopback, free again once the probe socket is closed: only for a
    /// peer that cannot listen on port 0 and say which port it got (Prometheus, Phoenix, oteltap, PostgreSQL and
    /// Redis print the port they were asked for). Servers of this package listen on port 0 and report theirs.
    public static func freeLoopbackPort() throws -> Int {
        let (probe, port) = try boundLoopbackSocket()
        close(probe)
        return port
    }

    /// A TCP socket bound to a port the kernel picks on 127.0.0.1, and that port; the caller closes the socket.
    /// While it is open and not listening, connections to the port are refused, and no other process can take it:
    /// a closed port without a race.
    public static func boundLoopbackSocket() throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else {
            close(descriptor)
            throw PortProbeFailed()
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    public struct PortProbeFailed: Error {
        public init() {}
    }

    public struct PeerMissing: Error, CustomStringConvertible {
        public let what: String
        public init(what: String) { self.what = what }
        public var description: String { "missing test peer: \(what)" }
    }

    public struct Output: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    /// Runs `executable` with `input` on its standard input and waits for it to exit. The waiting happens on a
    /// dispatch thread: a test blocking a thread of the two-thread concurrency pool for the seconds Python takes to
    /// start would stall every other test's timers.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; `nil`, this process's.
    ///   - directory: where it runs; `nil`, here.
    public static func run(
        _ executable: String, _ arguments: [String], input: [UInt8], environment: [String: String]? = nil, directory: URL? = nil
    ) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                // Read both pipes while writing, so a chatty child cannot block on a full pipe.
                let group = DispatchGroup()
                let outputs = Locked<(Data, Data)>((Data(), Data()))
                DispatchQueue.global().async(group: group) {
                    let data = stdout.fileHandleForReading.readDataToEndOfFile()
                    outputs.withLock { $0.0 = data }
                }
                DispatchQueue.global().async(group: group) {
                    let data = stderr.fileHandleForReading.readDataToEndOfFile()
                    outputs.withLock { $0.1 = data }
                }
                stdin.fileHandleForWriting.write(Data(input))
                try? stdin.fileHandleForWriting.close()
                group.wait()
                process.waitUntilExit()
                let (out, err) = outputs.withLock { $0 }
                continuation.resume(returning: Output(
                    status: process.terminationStatus,
                    standardOutput: String(decoding: out, as: UTF8.self),
                    standardError: String(decoding: err, as: UTF8.self)
                ))
            }
        }
    }
}
