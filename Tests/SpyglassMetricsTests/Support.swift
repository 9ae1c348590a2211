import Foundation
@_spi(Locking) import SpyglassCore
import Logging
import Testing

@testable import SpyglassMetrics

/// Keeps every log event, so tests can check what misuse reported.
final class RecordedLogs: Sendable {
    struct Event: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    private let storage = Locked<[Event]>([])

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
