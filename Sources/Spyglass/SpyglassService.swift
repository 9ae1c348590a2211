public import ServiceLifecycle
public import SpyglassCore
public import SpyglassLogging

/// The running part of Spyglass, for a ServiceLifecycle `ServiceGroup`.
///
/// It holds the log pipeline and, at graceful shutdown, writes every buffered line before returning. Later
/// capabilities (metrics, trace export, health) run here too.
public struct SpyglassService: Service {
    /// The configuration in force, environment applied.
    public let configuration: SpyglassConfiguration
    /// The log pipeline installed as swift-log's backend.
    public let logging: LogBackend

    init(configuration: SpyglassConfiguration, logging: LogBackend) {
        self.configuration = configuration
        self.logging = logging
    }

    /// Waits for graceful shutdown (or cancellation), then flushes the logs.
    public func run() async throws {
        try? await gracefulShutdown()
        logging.flush()
    }

    /// Writes every buffered log line now.
    public func flush() {
        logging.flush()
    }
}
