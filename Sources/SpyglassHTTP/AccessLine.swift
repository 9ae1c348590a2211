import Logging
import SpyglassLogging

/// Writes the `request_completed` line. When the logger writes through Spyglass's own handler, its fields go to the
/// backend typed, in a buffer on the stack; any other handler gets them as metadata through swift-log. A class, so
/// a request reads it without copying (and retaining) every field name.
final class AccessLine: Sendable {
    private let logger: Logger
    private let handler: SpyglassLogHandler?
    private let method: LogFieldKey
    private let endpoint: LogFieldKey
    private let path: LogFieldKey
    private let status: LogFieldKey
    private let durationMilliseconds: LogFieldKey
    private let requestSize: LogFieldKey
    private let responseSize: LogFieldKey
    private let userAgent: LogFieldKey
    private let clientAddress: LogFieldKey
    private let errorSource: LogFieldKey
    private let requestHeaders: LogFieldKey

    static let message = "request_completed"
    /// The most fields one line has.
    private static let capacity = 11

    init(logger: Logger) {
        self.logger = logger
        handler = logger.handler as? SpyglassLogHandler
        let backend = handler?.lineBackend
        method = LogFieldKey("method", for: backend)
        endpoint = LogFieldKey("endpoint", for: backend)
        path = LogFieldKey("path", for: backend)
        status = LogFieldKey("status", for: backend)
        durationMilliseconds = LogFieldKey("duration_ms", for: backend)
        requestSize = LogFieldKey("request_size", for: backend)
        responseSize = LogFieldKey("response_size", for: backend)
        userAgent = LogFieldKey("user_agent", for: backend)
        clientAddress = LogFieldKey("client_address", for: backend)
        errorSource = LogFieldKey("error.source", for: backend)
        requestHeaders = LogFieldKey("request_headers", for: backend)
    }

    /// Whether lines go to Spyglass's backend typed, not through swift-log.
    var writesTyped: Bool { handler != nil }

    /// The level a response's status is logged at: `error` for 5xx, `warning` for 4xx, else `info`.
    static func level(status: Int) -> Logger.Level {
        status >= 500 ? .error : status >= 400 ? .warning : .info
    }

    func write(
        method: String,
        endpoint: String,
        path: String,
        status: Int,
        durationMilliseconds: Double,
        requestBytes: Int,
        responseBytes: Int,
        userAgent: String?,
        clientAddress: String?,
        error: (any Error)?,
        requestHeaders: Logger.Metadata?
    ) {
        let level = Self.level(status: status)
        if let handler, level < handler.logLevel { return }
        withUnsafeTemporaryAllocation(of: LogField.self, capacity: Self.capacity) { storage in
            var count = 0
            func add(_ key: LogFieldKey, _ value: LogField.Value) {
                (storage.baseAddress! + count).initialize(to: LogField(key, value))
                count += 1
            }
            add(self.method, .string(method))
            add(self.endpoint, .string(endpoint))
            add(self.path, .string(path))
            add(self.status, .int(status))
            add(self.durationMilliseconds, .double(durationMilliseconds))
            add(self.requestSize, .int(requestBytes))
            add(self.responseSize, .int(responseBytes))
            if let userAgent { add(self.userAgent, .string(userAgent)) }
            if let clientAddress { add(self.clientAddress, .string(clientAddress)) }
            if error != nil { add(errorSource, .string(method + " " + endpoint)) }
            if let requestHeaders { add(self.requestHeaders, .object(requestHeaders)) }
            let fields = UnsafeBufferPointer(rebasing: storage[..<count])
            defer { _ = storage.baseAddress!.deinitialize(count: count) }
            if let handler {
                handler.log(level: level, Self.message, fields: fields, error: error)
            } else {
                var metadata = Logger.Metadata(minimumCapacity: count)
                for field in fields { metadata[field.key.name] = field.value.metadataValue }
                logger.log(level: level, "\(Self.message)", error: error, metadata: metadata)
            }
        }
    }
}
