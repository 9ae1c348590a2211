public import Logging

/// One error event as the Sentry protocol's event payload has it: what an issue in Sentry, GlitchTip or Bugsink is
/// made of. Only the fields Spyglass fills are modelled; every text in it is expected to have passed redaction.
public struct SentryEvent: Sendable, Hashable, Encodable {
    /// 32 lowercase hex digits, unique per event.
    public var event_id: String
    /// Seconds since the Unix epoch.
    public var timestamp: Double
    /// `fatal`, `error`, `warning`, `info` or `debug`.
    public var level: String
    /// The swift-log label that logged it.
    public var logger: String?
    public var platform = "other"
    public var release: String?
    public var environment: String?
    /// Where it happened as the dashboard's error groups say it: the route, `job {type}`, or `file:line`.
    public var culprit: String?
    public var transaction: String?
    /// The same grouping as the dashboard's error groups, so an issue there is one here.
    public var fingerprint: [String]?
    public var message: Message?
    public var exception: Exceptions?
    public var tags: [String: String]?
    /// The line's other metadata, redacted as it was written.
    public var extra: [String: String]?
    public var user: User?
    public var request: Request?
    public var contexts: Contexts?
    public var breadcrumbs: Breadcrumbs?

    public struct Message: Sendable, Hashable, Encodable {
        public var formatted: String
        public init(formatted: String) { self.formatted = formatted }
    }

    public struct Exceptions: Sendable, Hashable, Encodable {
        public var values: [Exception]
        public init(values: [Exception]) { self.values = values }
    }

    public struct Exception: Sendable, Hashable, Encodable {
        public var type: String
        public var value: String?
        public init(type: String, value: String?) {
            self.type = type
            self.value = value
        }
    }

    public struct User: Sendable, Hashable, Encodable {
        public var id: String
        public init(id: String) { self.id = id }
    }

    /// The request an error happened in: no query string and no body, headers as redaction left them.
    public struct Request: Sendable, Hashable, Encodable {
        public var method: String
        public var url: String
        public var headers: [String: String]?
        public init(method: String, url: String, headers: [String: String]? = nil) {
            self.method = method
            self.url = url
            self.headers = headers
        }
    }

    public struct Contexts: Sendable, Hashable, Encodable {
        public var trace: Trace?
        public init(trace: Trace?) { self.trace = trace }
    }

    /// Links the event to its trace.
    public struct Trace: Sendable, Hashable, Encodable {
        public var trace_id: String
        public var span_id: String
        public init(trace_id: String, span_id: String) {
            self.trace_id = trace_id
            self.span_id = span_id
        }
    }

    public struct Breadcrumbs: Sendable, Hashable, Encodable {
        public var values: [Breadcrumb]
        public init(values: [Breadcrumb]) { self.values = values }
    }

    /// What happened before the error in the same request or job: a line logged, or one added with
    /// ``SentryReporter/addBreadcrumb(_:category:level:data:)``.
    public struct Breadcrumb: Sendable, Hashable, Encodable {
        public var timestamp: Double
        public var category: String
        public var level: String
        public var message: String
        public var data: [String: String]?
        public init(timestamp: Double, category: String, level: Logger.Level, message: String, data: [String: String]? = nil) {
            self.timestamp = timestamp
            self.category = category
            self.level = Self.name(of: level)
            self.message = message
            self.data = data
        }

        /// Sentry's breadcrumb level for a log level: `debug`, `info`, `warning`, `error` or `fatal`.
        static func name(of level: Logger.Level) -> String {
            switch level {
            case .trace, .debug: "debug"
            case .info, .notice: "info"
            case .warning: "warning"
            case .error: "error"
            case .critical: "fatal"
            }
        }
    }

    /// An event with the fields every event has; the rest are set as they apply.
    public init(event_id: String, timestamp: Double, level: String) {
        self.event_id = event_id
        self.timestamp = timestamp
        self.level = level
    }
}
