import Foundation
import Logging
import Synchronization
import Testing

@testable import SpyglassMetrics

/// Keeps every log event, so tests can check what misuse reported.
final class RecordedLogs: Sendable {
    struct Event: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    private let storage = Mutex<[Event]>([])

    var events: [Event] { storage.withLock { $0 } }

    var logger: Logger {
        Logger(label: "spyglass.metrics") { _ in Handler(logs: self) }
    }

    func append(_ event: Event) { storage.withLock { $0.append(event) } }

    private struct Handler: LogHandler {
        let logs: RecordedLogs
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            logs.append(Event(level: event.level, message: event.message.description, metadata: event.metadata ?? [:]))
        }
    }
}

extension MetricRegistry {
    func text(_ format: ExpositionFormat = .prometheusText) -> String {
        String(decoding: render(format), as: UTF8.self)
    }
}

/// The programs the README's test command installs: promtool from Debian's `prometheus` package and Python's
/// `prometheus_client` in the repository's `.venv`.
enum Peers {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var promtool: String {
        get throws {
            for candidate in ["/usr/bin/promtool", "/usr/local/bin/promtool"] where FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
            throw PeerMissing(what: "promtool (Debian package prometheus); scripts/test.sh installs it")
        }
    }

    static var python: String {
        get throws {
            let path = repository.appendingPathComponent(".venv/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw PeerMissing(what: ".venv with prometheus_client; scripts/test.sh creates it")
            }
            return path
        }
    }

    struct PeerMissing: Error, CustomStringConvertible {
        let what: String
        var description: String { "missing test peer: \(what)" }
    }

    struct Output {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// Runs `executable` with `input` on its standard input and waits for it to exit.
    static func run(_ executable: String, _ arguments: [String], input: [UInt8]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes while writing, so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        let outputs = Mutex<(Data, Data)>((Data(), Data()))
        DispatchQueue.global().async(group: group) {
            let data = stdout.fileHandleForReading.readDataToEndOfFile()
            outputs.withLock { $0.0 = data }
        }
        DispatchQueue.global().async(group: group) {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            outputs.withLock { $0.1 = data }
        }
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        let (out, err) = outputs.withLock { $0 }
        return Output(
            status: process.terminationStatus,
            standardOutput: String(decoding: out, as: UTF8.self),
            standardError: String(decoding: err, as: UTF8.self)
        )
    }
}
