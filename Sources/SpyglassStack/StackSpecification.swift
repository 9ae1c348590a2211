/// What `spyglass generate` writes the observability stack for: the service, the thresholds of its alerts, its
/// SLOs and where alerts go. Read from a `spyglass.stack/1` YAML file (``init(yaml:source:)``); every field has a
/// documented default except the service's name.
public struct StackSpecification: Sendable, Hashable {
    /// The format version this reads.
    public static let format = "spyglass.stack/1"

    /// The service's name: its Prometheus scrape job (`job` label) and the name on its dashboards.
    public var service: String
    /// `SPYGLASS_METRICS_NAMESPACE` of the service, when it sets one: the prefix of every metric name.
    public var namespace: String?
    /// Where Prometheus scrapes the service (`host:port`). Default `host.docker.internal:8080`, the host's
    /// port 8080 seen from the compose stack.
    public var target: String
    /// The container image of the Kubernetes Deployment. Default `{service}:latest`.
    public var image: String
    /// Alert thresholds. See ``AlertThresholds``.
    public var alerts: AlertThresholds
    /// Service level objectives, each turned into recording rules and burn-rate alerts. Default none.
    public var slos: [ServiceLevelObjective]
    /// Alertmanager's routes and receivers. See ``AlertRouting``.
    public var routing: AlertRouting

    public init(
        service: String,
        namespace: String? = nil,
        target: String = "host.docker.internal:8080",
        image: String? = nil,
        alerts: AlertThresholds = AlertThresholds(),
        slos: [ServiceLevelObjective] = [],
        routing: AlertRouting = AlertRouting()
    ) {
        self.service = service
        self.namespace = namespace
        self.target = target
        self.image = image ?? "\(service):latest"
        self.alerts = alerts
        self.slos = slos
        self.routing = routing
    }
}

/// When each generated alert fires; the defaults are the seeds' thresholds.
public struct AlertThresholds: Sendable, Hashable {
    /// `HighErrorRate`: share of requests answered 5xx over 5 minutes. Default 0.05.
    public var errorRate: Double = 0.05
    /// `HighLatency`: p95 request duration in seconds over 5 minutes. Default 5.
    public var latencyP95Seconds: Double = 5
    /// `HighMemoryUsage`: resident memory in bytes. Default 4 GiB.
    public var memoryBytes: Double = 4 * 1024 * 1024 * 1024
    /// `LowCacheHitRate`: hits / (hits + misses) over 10 minutes, below which it fires. Default 0.7.
    public var cacheHitRate: Double = 0.7
    /// `LLMProviderErrors`: failed LLM calls per minute, per provider. Default 10.
    public var llmErrorsPerMinute: Double = 10
    /// `HighLLMLatency`: p95 LLM call duration in seconds, per provider and model. Default 30.
    public var llmLatencyP95Seconds: Double = 30
    /// `HighAgentErrorRate`: share of an agent's runs that failed over 5 minutes. Default 0.1.
    public var agentErrorRate: Double = 0.1
    /// `ExternalAPIFailures`: failed calls per second, per provider and operation. Default 0.5.
    public var externalAPIErrorsPerSecond: Double = 0.5
    /// `HighJobFailureRate`: share of a job type's finished jobs that failed over 5 minutes. Default 0.1.
    public var jobFailureRate: Double = 0.1
    /// `StuckJobs`: jobs running at once, for 30 minutes. Default 10.
    public var stuckJobs: Double = 10
    /// `LLMCostSpike`: the last hour's spend rate over the 7-day average, above which it fires. Default 2.
    public var costSpikeFactor: Double = 2
    /// `LLMCostSpike` stays quiet below this spend per hour, in US dollars (a spike from $0.01 is noise). Default 1.
    public var costSpikeMinimumUSDPerHour: Double = 1
    /// Prefix of each alert's `runbook_url`, the alert's anchor appended. Default `runbooks.md`, the generated
    /// runbook beside the rules.
    public var runbookBaseURL: String = "runbooks.md"

    public init() {}
}

/// A service level objective over the service's HTTP requests.
public struct ServiceLevelObjective: Sendable, Hashable {
    public enum Indicator: Sendable, Hashable {
        /// Good requests are those not answered 5xx.
        case availability
        /// Good requests are those that took at most `thresholdSeconds`, which must be a bucket bound of
        /// `http_request_duration_seconds`.
        case latency(thresholdSeconds: Double)
    }

    /// The SLO's name, its `slo` label: letters, digits and `_`.
    public var name: String
    public var indicator: Indicator
    /// The share of good requests promised, such as 0.999.
    public var objective: Double
    /// Only requests to this route template (`/v1/jobs/{id}`); `nil`: all.
    public var endpoint: String?
    /// The period the error budget covers, in days. Default 30.
    public var periodDays: Int

    public init(name: String, indicator: Indicator, objective: Double, endpoint: String? = nil, periodDays: Int = 30) {
        self.name = name
        self.indicator = indicator
        self.objective = objective
        self.endpoint = endpoint
        self.periodDays = periodDays
    }

    /// The error budget: the share of requests that may be bad.
    public var errorBudget: Double { 1 - objective }
}

/// Where Alertmanager sends alerts: receivers, and which alerts go to which.
public struct AlertRouting: Sendable, Hashable {
    /// A destination. Secrets are named by file (`*_file`), as Kubernetes and Docker mount them: never inline.
    public struct Receiver: Sendable, Hashable {
        public struct Email: Sendable, Hashable {
            public var to: String
            public var from: String
            public var smarthost: String
            public var username: String?
            public var passwordFile: String?

            public init(to: String, from: String, smarthost: String, username: String? = nil, passwordFile: String? = nil) {
                self.to = to
                self.from = from
                self.smarthost = smarthost
                self.username = username
                self.passwordFile = passwordFile
            }
        }

        public struct Slack: Sendable, Hashable {
            /// A file holding the webhook URL, which is itself the secret.
            public var webhookURLFile: String
            public var channel: String?

            public init(webhookURLFile: String, channel: String? = nil) {
                self.webhookURLFile = webhookURLFile
                self.channel = channel
            }
        }

        public struct PagerDuty: Sendable, Hashable {
            /// A file holding the Events API v2 routing key.
            public var routingKeyFile: String

            public init(routingKeyFile: String) { self.routingKeyFile = routingKeyFile }
        }

        public struct Webhook: Sendable, Hashable {
            public var url: String
            /// A file holding a bearer token sent with each call.
            public var bearerTokenFile: String?

            public init(url: String, bearerTokenFile: String? = nil) {
                self.url = url
                self.bearerTokenFile = bearerTokenFile
            }
        }

        public var name: String
        public var email: Email?
        public var slack: Slack?
        public var pagerDuty: PagerDuty?
        public var webhook: Webhook?

        public init(name: String, email: Email? = nil, slack: Slack? = nil, pagerDuty: PagerDuty? = nil, webhook: Webhook? = nil) {
            self.name = name
            self.email = email
            self.slack = slack
            self.pagerDuty = pagerDuty
            self.webhook = webhook
        }
    }

    /// Alerts of a severity go to a receiver instead of the default.
    public struct Route: Sendable, Hashable {
        /// `critical` or `warning`.
        public var severity: String
        public var receiver: String

        public init(severity: String, receiver: String) {
            self.severity = severity
            self.receiver = receiver
        }
    }

    /// Default: one receiver, `default`, with no integrations (alerts are shown by Alertmanager only).
    public var receivers: [Receiver] = [Receiver(name: "default")]
    /// The receiver of alerts no route takes. Default `default`.
    public var defaultReceiver: String = "default"
    public var routes: [Route] = []

    public init() {}
}

extension StackSpecification {
    /// Whether `name` is a DNS-1123 label: 1 to 63 of `a-z`, `0-9` and `-`, starting and ending with a letter or
    /// digit, as Kubernetes names its objects.
    public static func isDNSLabel(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}
