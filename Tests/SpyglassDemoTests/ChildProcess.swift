import Foundation
@_spi(Locking) import SpyglassCore
import SpyglassTestSupport

/// A program run as a child process whose standard output is read line by line: the built `spyglass-demo`, or a
/// peer such as oteltap.
final class ChildProcess: Sendable {
    let process: Process
    private let stderrPipe = Pipe()
    private let state = Locked(State())

    private struct State {
        var lines: [String] = []
        var partialLine: [UInt8] = []
        var outputFinished = false
        var exitStatus: Int32?
        var waiters: [UUID: Waiter] = [:]
    }

    /// Someone waiting for the state to satisfy a condition; resumed with the condition's value, or `nil`.
    private struct Waiter {
        let condition: @Sendable (State) -> String?
        let continuation: CheckedContinuation<String?, Never>
    }

    /// The demo executable beside the test binary.
    static var demoExecutable: URL { Peers.builtExecutable("spyglass-demo") }

    /// Runs the demo with `arguments`, in this process's environment without its `SPYGLASS_*` and `PORT`
    /// variables, plus `environment`.
    convenience init(arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(executable: Self.demoExecutable, arguments: arguments, environment: environment)
    }

    init(executable: URL, arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var fullEnvironment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SPYGLASS_") && $0.key != "PORT" }
        fullEnvironment.merge(environment) { $1 }
        process.environment = fullEnvironment
        let stdoutPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.terminationHandler = { [weak self] process in
            self?.update { $0.exitStatus = process.terminationStatus }
        }
        // A thread of its own reads the output with blocking reads until the end. (A `readabilityHandler` is a
        // dispatch source: closing the pipe while libdispatch still watches it crashed the test process.)
        let output = stdoutPipe.fileHandleForReading
        let reader = Thread { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(output.fileDescriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                let chunk = buffer[..<count]
                self?.update { state in
                    state.partialLine.append(contentsOf: chunk)
                    while let newline = state.partialLine.firstIndex(of: UInt8(ascii: "\n")) {
                        state.lines.append(String(decoding: state.partialLine[..<newline], as: UTF8.self))
                        state.partialLine.removeSubrange(...newline)
                    }
                }
            }
            self?.update { $0.outputFinished = true }
        }
        reader.start()
        try process.run()
    }

    /// A test that failed before stopping its process must not leave it running.
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Every stdout line so far.
    var lines: [String] { state.withLock { $0.lines } }

    /// The first stdout line satisfying `predicate`, waiting for it as long as `timeout`.
    func waitForLine(timeout: Duration = .seconds(60), where predicate: @escaping @Sendable (String) -> Bool) async throws -> String {
        let line = await waitUntil(timeout: timeout) { state in
            state.lines.first(where: predicate) ?? (state.outputFinished ? "" : nil)
        }
        guard let line, !line.isEmpty else { throw DemoError.noMatchingLine(lines) }
        return line
    }

    /// The stdout lines satisfying `predicate` once there are `count` of them (or the output ended), waiting as
    /// long as `timeout`.
    func waitForLines(_ count: Int, timeout: Duration = .seconds(60), where predicate: @escaping @Sendable (String) -> Bool) async -> [String] {
        _ = await waitUntil(timeout: timeout) { state in
            state.lines.lazy.filter(predicate).count >= count || state.outputFinished ? "" : nil
        }
        return lines.filter(predicate)
    }

    /// Waits until the process exited and its output was read to the end; returns the exit status.
    func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        let status = await waitUntil(timeout: timeout) { state in
            guard state.outputFinished, let status = state.exitStatus else { return nil }
            return String(status)
        }
        return status.flatMap { Int32($0) }
    }

    var standardError: String {
        String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    private func waitUntil(timeout: Duration, _ condition: @escaping @Sendable (State) -> String?) async -> String? {
        let id = UUID()
        return await withTaskGroup(of: String?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let immediate: String?? = self.state.withLock { current in
                        if let value = condition(current) { return .some(value) }
                        current.waiters[id] = Waiter(condition: condition, continuation: continuation)
                        return .none
                    }
                    if case .some(let value) = immediate { continuation.resume(returning: value) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            // Whichever finished first, release the other: a pending waiter is resumed empty.
            self.state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume(returning: nil)
            group.cancelAll()
            return first
        }
    }

    private func update(_ change: (inout State) -> Void) {
        let ready: [(CheckedContinuation<String?, Never>, String)] = state.withLock { current in
            change(&current)
            var ready: [(CheckedContinuation<String?, Never>, String)] = []
            for (id, waiter) in current.waiters {
                if let value = waiter.condition(current) {
                    ready.append((waiter.continuation, value))
                    current.waiters.removeValue(forKey: id)
                }
            }
            return ready
        }
        for (continuation, value) in ready { continuation.resume(returning: value) }
    }

    enum DemoError: Error {
        case noMatchingLine([String])
    }
}

/// The frameworks `spyglass-demo --server` serves the demo with; the proofs that concern HTTP run against each.
enum DemoServer: String, CaseIterable, Sendable, CustomStringConvertible {
    case hummingbird
    case vapor

    var description: String { rawValue }
}
