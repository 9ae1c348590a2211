import Foundation
import Logging
import SpyglassCore
import SpyglassLogging

/// A real `LogBackend` writing to a temporary file, read back line by line.
final class LogCapture: Sendable {
    let backend: LogBackend
    private let path: String
    private let fileDescriptor: Int32

    init(_ configure: (inout SpyglassConfiguration) -> Void = { _ in }) throws {
        var configuration = SpyglassConfiguration(serviceName: "test-service", environment: "test", version: "9.9.9")
        configuration.logging.sampling = nil
        configure(&configuration)
        path = FileManager.default.temporaryDirectory.appendingPathComponent("spyglass-\(UUID().uuidString).log").path
        fileDescriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fileDescriptor >= 0, "cannot create \(path)")
        backend = try LogBackend(configuration: configuration, writer: LogWriter(fileDescriptor: fileDescriptor))
    }

    deinit {
        close(fileDescriptor)
        unlink(path)
    }

    func logger(_ label: String = "test", metadataProvider: Logger.MetadataProvider? = nil) -> Logger {
        Logger(label: label, factory: { backend.makeHandler(label: $0, metadataProvider: metadataProvider) })
    }

    /// Every line written so far, as text.
    func rawLines() throws -> [String] {
        backend.flush()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Every line written so far, each parsed by Foundation's JSON parser (independent of Spyglass's encoder).
    func lines() throws -> [[String: Any]] {
        try rawLines().map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw LineError(line: line)
            }
            return object
        }
    }

    struct LineError: Error, CustomStringConvertible {
        let line: String
        var description: String { "not a JSON object: \(line)" }
    }
}
