import Foundation
@_spi(Locking) import SpyglassCore
import SpyglassTestSupport

@testable import SpyglassHealth
@testable import SpyglassHealthChecks

/// A real server started by a test on a free loopback port, stopped and started again on the same port.
class DependencyServer {
    let port: Int
    private var process: Process?
    private var exited: ExitSignal?
    let directory: URL

    init() throws {
        port = try Peers.freeLoopbackPort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("spyglass-\(type(of: self))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The command that runs the server in the foreground.
    func command() async throws -> (executable: String, arguments: [String]) { throw ServerFailed(log: "\(type(of: self)) says no command") }

    func start() async throws {
        let (executable, arguments) = try await command()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let log = directory.appendingPathComponent("server.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        let exited = ExitSignal()
        process.terminationHandler = { _ in exited.fire() }
        try process.run()
        self.process = process
        self.exited = exited
        // Ready once it accepts connections: asked every 100 ms for up to a minute.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw ServerFailed(log: (try? String(contentsOf: log, encoding: .utf8)) ?? "") }
            if try await TCPHealthCheck(name: "probe", host: "127.0.0.1", port: port).check().status == .healthy {
                try await Task.sleep(for: .milliseconds(200))  // the port opens a moment before the server answers
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerFailed(log: "did not accept connections on port \(port) within 60 s")
    }

    /// Stops the server promptly, whatever its clients are doing; by default with SIGKILL, for servers that
    /// persist nothing (SIGTERM would not do: the test process's blocked SIGTERM is inherited).
    func shutDown(_ process: Process) async throws {
        kill(process.processIdentifier, SIGKILL)
    }

    /// Stops the server and waits for it to exit, without holding a thread of the concurrency pool (a blocked pool
    /// would delay every other test's timers).
    func stop() async {
        guard let process, let exited, process.isRunning else { return }
        if (try? await shutDown(process)) == nil { kill(process.processIdentifier, SIGKILL) }
        await exited.wait()
        self.process = nil
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    struct ServerFailed: Error, CustomStringConvertible {
        let log: String
        var description: String { "the server did not start:\n\(log.suffix(3000))" }
    }
}

extension DependencyServer {
    /// Runs a program to completion and returns its exit status, waiting without blocking a thread.
    static func run(_ executable: String, _ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let exited = ExitSignal()
        process.terminationHandler = { _ in exited.fire() }
        try process.run()
        await exited.wait()
        return process.terminationStatus
    }
}

/// Fired once when a process exits; waited on by any number of tasks.
final class ExitSignal: Sendable {
    private let state = Locked<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let fired = state.withLock { state in
                if !state.fired { state.waiters.append(continuation) }
                return state.fired
            }
            if fired { continuation.resume() }
        }
    }
}

/// redis-server (Debian `redis-server`) with a password, nothing persisted.
final class RedisServer: DependencyServer {
    let password = "redis-secret-7"

    override func command() async throws -> (executable: String, arguments: [String]) {
        let path = "/usr/bin/redis-server"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Peers.PeerMissing(what: "redis-server (Debian package redis-server); scripts/test.sh installs it")
        }
        return (path, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", password])
    }
}

/// PostgreSQL (Debian `postgresql`) in a fresh cluster with password authentication for user `spyglass`. As
/// root, it runs as the `postgres` user, since PostgreSQL refuses to run as root.
final class PostgresServer: DependencyServer {
    let user = "spyglass"
    let password = "pg-secret-9"
    private var initialised = false

    /// `pg_ctl stop -m fast`: clients are disconnected, and the cluster starts again cleanly.
    override func shutDown(_ process: Process) async throws {
        try await runTool("pg_ctl", ["stop", "-m", "fast", "-w", "-D", directory.appendingPathComponent("data").path])
    }

    /// Runs one of PostgreSQL's programs to completion.
    private func runTool(_ name: String, _ arguments: [String]) async throws {
        let (executable, arguments) = wrapped(try binaries + "/" + name, arguments)
        let status = try await Self.run(executable, arguments)
        guard status == 0 else { throw ServerFailed(log: "\(name) exited with \(status)") }
    }

    private var binaries: String {
        get throws {
            let root = "/usr/lib/postgresql"
            let versions = (try? FileManager.default.contentsOfDirectory(atPath: root))?.sorted { $0.compare($1, options: .numeric) == .orderedAscending }
            guard let version = versions?.last, FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/postgres") else {
                throw Peers.PeerMissing(what: "PostgreSQL (Debian package postgresql); scripts/test.sh installs it")
            }
            return "\(root)/\(version)/bin"
        }
    }

    private var asRoot: Bool { getuid() == 0 }

    private func wrapped(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        asRoot ? ("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments) : (executable, arguments)
    }

    override func command() async throws -> (executable: String, arguments: [String]) {
        let data = directory.appendingPathComponent("data").path
        if !initialised {
            let passwordFile = directory.appendingPathComponent("password")
            try password.write(to: passwordFile, atomically: true, encoding: .utf8)
            if asRoot { _ = try await Self.run("/bin/chown", ["-R", "postgres:postgres", directory.path]) }
            try await runTool("initdb", ["-D", data, "-U", user, "--auth=scram-sha-256", "--pwfile=\(passwordFile.path)", "--no-sync"])
            initialised = true
        }
        return wrapped(try binaries + "/postgres", [
            "-D", data, "-p", String(port), "-k", directory.path, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
        ])
    }
}

/// A port whose listening socket is never accepted from: the kernel completes each connection, and nothing ever
/// answers — a dependency that hangs.
final class SilentListener {
    let port: Int
    private let socket: Int32

    init() throws {
        (socket, port) = try Peers.boundLoopbackSocket()
        guard listen(socket, 16) == 0 else {
            close(socket)
            throw Peers.PortProbeFailed()
        }
    }

    deinit { close(socket) }
}
