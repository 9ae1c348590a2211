import Logging
public import SpyglassLogging

extension SentryEvent {
    /// The event an error line reports.
    ///
    /// - The exception is the line's `error.type` with the error's description, the message the line's message,
    ///   both redacted as the line was.
    /// - The culprit and the fingerprint are the dashboard's error group (`error.source`, and type with source), so
    ///   an issue on the server is a group in the dashboard.
    /// - The request is its method and route template as the transaction, its path without query as the URL, and
    ///   its headers as a failed request's line carries them (`request_headers`: bounded, a credential's value
    ///   replaced, the others scanned), else its `User-Agent`; no body ever leaves the process.
    /// - `user_id` is the user, `request_id`, `session_id`, `workspace_id`, `job_id`, the route and status are tags,
    ///   every other field of the line is `extra`, and the trace context links the event to its trace.
    public init(line: ErrorLine, eventID: String, release: String?, environment: String?) {
        let entry = line.entry
        self.init(
            event_id: eventID,
            timestamp: Double(entry.nanosecondsSinceEpoch) / 1e9,
            level: entry.level == .critical ? "fatal" : entry.level == .error ? "error" : "warning"
        )
        logger = entry.label
        self.release = release
        self.environment = environment
        culprit = line.source
        transaction = line.source
        fingerprint = [line.type, line.source]
        message = Message(formatted: entry.redactedMessage)
        var attributes: [String: String] = [:]
        var requestHeaders: [String: String]?
        entry.forEachAttribute { key, value in
            if key == "request_headers", case .dictionary(let fields) = value {
                requestHeaders = fields.mapValues(Self.text)
            } else {
                attributes[key] = Self.text(value)
            }
        }
        let description = attributes.removeValue(forKey: "error.message")
        attributes["error.type"] = nil
        attributes["error.source"] = nil
        if line.hasError {
            exception = Exceptions(values: [Exception(type: line.type, value: description ?? entry.redactedMessage)])
        }
        var tags: [String: String] = [:]
        for key in Self.tagKeys { tags[key] = attributes.removeValue(forKey: key) }
        if let userID = tags.removeValue(forKey: "user_id") { user = User(id: userID) }
        if let method = attributes["method"], let path = attributes["path"] {
            var headers = requestHeaders ?? [:]
            if headers["user-agent"] == nil, let userAgent = attributes["user_agent"] { headers["user-agent"] = userAgent }
            request = Request(method: method, url: path, headers: headers.isEmpty ? nil : headers)
            for key in ["method", "path", "user_agent"] { attributes[key] = nil }
            if let endpoint = tags["endpoint"] { transaction = "\(method) \(endpoint)" }
        }
        self.tags = tags.isEmpty ? nil : tags
        extra = attributes.isEmpty ? nil : attributes
        if let traceID = line.traceID, let spanID = line.spanID {
            contexts = Contexts(trace: Trace(trace_id: traceID, span_id: spanID))
        }
    }

    /// The fields that become tags (searchable on the server); `user_id` becomes the user.
    static let tagKeys = ["request_id", "session_id", "workspace_id", "job_id", "user_id", "endpoint", "status", "job_type"]

    private static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        default: "\(value)"
        }
    }
}
