import Foundation
public import Logging
import SpyglassCore
public import SpyglassLogging

/// A real `LogBackend` writing to a temporary file, read back line by line.
public final class LogCapture: Sendable {
    public let backend: LogBackend
    private let path: String
    private let fileDescriptor: Int32

    public init(_ configure: (inout LoggingConfiguration) -> Void = { _ in }) throws {
        var configuration = LoggingConfiguration()
        configuration.sampling = nil
        configure(&configuration)
        path = FileManager.default.temporaryDirectory.appendingPathComponent("spyglass-\(UUID().uuidString).log").path
        fileDescriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fileDescriptor >= 0, "cannot create \(path)")
        backend = try LogBackend(
            configuration: configuration,
            service: ServiceIdentity(name: "test-service", version: "9.9.9", environment: "test"),
            writer: LogWriter(fileDescriptor: fileDescriptor)
        )
    }

    deinit {
        close(fileDescriptor)
        unlink(path)
    }

    public func logger(_ label: String = "test", metadataProvider: Logger.MetadataProvider? = nil) -> Logger {
        Logger(label: label, factory: { backend.makeHandler(label: $0, metadataProvider: metadataProvider) })
    }

    /// Every line written so far, as text.
    public func rawLines() throws -> [String] {
        backend.flush()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Every line written so far, each parsed by Foundation's JSON parser (independent of Spyglass's encoder).
    public func lines() throws -> [[String: Any]] {
        try rawLines().map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw LineError(line: line)
            }
            return object
        }
    }

    public struct LineError: Error, CustomStringConvertible {
        public let line: String
        public var description: String { "not a JSON object: \(line)" }
    }
}
