import Foundation
import SpyglassTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Bugsink (PyPI `bugsink`), a self-hosted Sentry-protocol server, on a free loopback port: its SQLite databases in
/// a temporary folder, one project made for the test, served by gunicorn. Its API lists the issues and events it
/// took in.
final class BugsinkServer {
    let port: Int
    /// The project's DSN, with its key.
    let dsn: String
    private let token: String
    private let directory: URL
    private var process: Process?

    /// Creates the configuration, the databases, a project and an API token, then serves.
    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bugsink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Peers.freeLoopbackPort()
        _ = try await Self.manage(in: directory, Peers.bugsink("bugsink-create-conf"), ["--template=local", "--host=127.0.0.1", "--port=\(port)", "--output-file=bugsink_conf.py"])
        _ = try await Self.manage(in: directory, Peers.bugsink("bugsink-manage"), ["migrate", "-v0"])
        _ = try await Self.manage(in: directory, Peers.bugsink("bugsink-manage"), ["migrate", "--database=snappea", "-v0"])
        let made = try await Self.manage(in: directory, Peers.bugsink("bugsink-manage"), [
            "shell", "-c", "from projects.models import Project; print('DSN=' + Project.objects.create(name='spyglass-demo').dsn)",
        ])
        guard let dsnLine = made.split(separator: "\n").first(where: { $0.hasPrefix("DSN=") }) else {
            throw BugsinkFailed(reason: "no project DSN in: \(made)")
        }
        dsn = String(dsnLine.dropFirst(4))
        let tokenOutput = try await Self.manage(in: directory, Peers.bugsink("bugsink-manage"), ["create_auth_token"])
        guard let token = tokenOutput.split(separator: "\n").last(where: { $0.count == 40 && $0.allSatisfy(\.isHexDigit) }) else {
            throw BugsinkFailed(reason: "no token in: \(tokenOutput)")
        }
        self.token = String(token)
        try await start()
    }

    /// Serves on ``port`` (again, after ``stop()``) and waits until Bugsink answers.
    func start() async throws {
        let process = Process()
        // gunicorn by way of Python that first unblocks every signal: a child inherits the test runner thread's
        // signal mask, in which SIGTERM is blocked, and gunicorn would never see the stop.
        process.executableURL = URL(fileURLWithPath: try Peers.bugsink("python"))
        process.arguments = [
            "-c",
            "import signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); "
                + "sys.argv = ['gunicorn', '--bind', '127.0.0.1:\(port)', '--workers', '1', '--graceful-timeout', '5', "
                + "'--no-control-socket', 'bugsink.wsgi']; from gunicorn.app.wsgiapp import run; sys.exit(run())",
        ]
        process.environment = environment
        process.currentDirectoryURL = directory
        let log = directory.appendingPathComponent("gunicorn.log")
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(120)
        let url = URL(string: "http://127.0.0.1:\(port)/health/ready")!
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw BugsinkFailed(reason: "gunicorn exited: \(self.log)") }
            if let (_, response) = try? await URLSession.shared.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw BugsinkFailed(reason: "Bugsink did not answer within 120 s: \(self.log)")
    }

    /// Stops serving; the databases stay for ``start()``.
    func stop() {
        guard let process else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    func remove() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    var log: String { (try? String(contentsOf: directory.appendingPathComponent("gunicorn.log"), encoding: .utf8)) ?? "" }

    /// The issues of the project, as Bugsink's API lists them.
    func issues() async throws -> [[String: Any]] {
        try await get("issues/?project=1")
    }

    /// The events of one issue, each in full (its stored event data).
    func events(ofIssue id: String) async throws -> [[String: Any]] {
        let listed = try await get("events/?issue=\(id)")
        var events: [[String: Any]] = []
        for event in listed {
            guard let eventID = event["id"] as? String else { continue }
            events.append(try await getObject("events/\(eventID)/"))
        }
        return events
    }

    /// Asks every 250 ms until `accept` takes the issues, for at most `timeout`.
    func issues(timeout: Duration = .seconds(120), until accept: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + timeout
        var last: [[String: Any]] = []
        while ContinuousClock.now < deadline {
            if let issues = try? await issues() {
                last = issues
                if accept(issues) { return issues }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw BugsinkFailed(reason: "the issues never satisfied the test: \(last)")
    }

    private func get(_ path: String) async throws -> [[String: Any]] {
        let object = try await getObject(path)
        return object["results"] as? [[String: Any]] ?? []
    }

    private func getObject(_ path: String) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/canonical/0/\(path)")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BugsinkFailed(reason: "unexpected answer: \(String(decoding: data, as: UTF8.self))")
        }
        return object
    }

    private var environment: [String: String] { Self.environment(directory) }

    private static func environment(_ directory: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SENTRY_") }
        environment["DJANGO_SETTINGS_MODULE"] = "bugsink_conf"
        environment["PYTHONPATH"] = directory.path
        return environment
    }

    /// Runs a Bugsink command in its folder and returns its standard output.
    private static func manage(in directory: URL, _ executable: String, _ arguments: [String]) async throws -> String {
        let output = try await Peers.run(executable, arguments, input: [], environment: environment(directory), directory: directory)
        guard output.status == 0 else {
            throw BugsinkFailed(reason: "\(arguments.first ?? executable) exited \(output.status): \(output.standardError)")
        }
        return output.standardOutput
    }
}

struct BugsinkFailed: Error, CustomStringConvertible {
    let reason: String
    var description: String { "Bugsink: \(reason)" }
}
