import Foundation
import SpyglassMetrics
import Yams

extension StackSpecification {
    /// Reads a `spyglass.stack/1` file.
    ///
    /// ```yaml
    /// format: spyglass.stack/1
    /// service: agent-hub
    /// target: agent-hub:8080
    /// alerts: {error_rate: 0.02, latency_p95_seconds: 2}
    /// slos:
    ///   - {name: availability, sli: availability, objective: 0.999}
    ///   - {name: jobs_latency, sli: latency, threshold_seconds: 0.5, objective: 0.99, endpoint: "/v1/jobs/{id}"}
    /// alertmanager:
    ///   receivers:
    ///     - {name: oncall, pagerduty: {routing_key_file: /run/secrets/pagerduty}}
    ///     - {name: team, slack: {webhook_url_file: /run/secrets/slack, channel: "#agent-hub"}}
    ///   default_receiver: team
    ///   routes: [{severity: critical, receiver: oncall}]
    /// ```
    ///
    /// - Throws: ``StackSpecificationError`` for the first mistake: an unknown field, a value of the wrong kind
    ///   or out of range, a secret written inline, a receiver that does not exist, a latency threshold that is not
    ///   a bucket bound.
    public init(yaml: String, source: String = "specification") throws(StackSpecificationError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw StackSpecificationError(source: source, field: "", problem: "is not YAML: \(error)")
        }
        let reader = SpecReader(source: source)
        guard let root else { throw reader.fail("", nil, "is empty; it needs at least format and service") }
        let top = try reader.mapping(root, "", known: ["format", "service", "namespace", "target", "image", "alerts", "slos", "alertmanager"])
        guard let format = try reader.string(top, "format", in: "") else { throw reader.fail("format", root, "is missing; write format: \(Self.format)") }
        guard format == Self.format else { throw reader.fail("format", top["format"], "\"\(format)\" is not supported; this reads \(Self.format)") }
        guard let service = try reader.string(top, "service", in: ""), !service.isEmpty else {
            throw reader.fail("service", root, "is missing; it names the service and its Prometheus job")
        }
        // It names Kubernetes objects, Compose services and label values: a DNS-1123 label fits them all, and
        // keeps quotes, spaces and newlines out of the YAML and PromQL it is written into.
        guard StackSpecification.isDNSLabel(service) else {
            throw reader.fail("service", top["service"], "\"\(service)\" is not a DNS-1123 label; allowed: 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit")
        }
        self.init(service: service)
        if let namespace = try reader.string(top, "namespace", in: "") {
            guard namespace.range(of: "^[a-zA-Z_:][a-zA-Z0-9_:]*$", options: .regularExpression) != nil else {
                throw reader.fail("namespace", top["namespace"], "\"\(namespace)\" is not a metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*)")
            }
            self.namespace = namespace
        }
        if let target = try reader.string(top, "target", in: "") {
            guard target.range(of: "^[^\\s/:]+:[0-9]{1,5}$", options: .regularExpression) != nil else {
                throw reader.fail("target", top["target"], "\"\(target)\" is not host:port")
            }
            self.target = target
        }
        if let image = try reader.string(top, "image", in: "") {
            // Written into the Compose and Kubernetes files as is: only a reference's own characters.
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:@")
            guard !image.isEmpty, image.count <= 255, image.allSatisfy(allowed.contains) else {
                throw reader.fail("image", top["image"], "\"\(image)\" is not a container image reference; allowed: letters, digits and . _ - / : @")
            }
            self.image = image
        }
        if let node = top["alerts"] { alerts = try reader.thresholds(node) }
        if let node = top["slos"] { slos = try reader.objectives(node) }
        if let node = top["alertmanager"] { routing = try reader.routing(node) }
    }
}

/// Reads nodes with the path of each for errors.
private struct SpecReader {
    let source: String

    func fail(_ field: String, _ node: Node?, _ problem: String) -> StackSpecificationError {
        StackSpecificationError(source: source, line: node?.mark.map { $0.line }, field: field, problem: problem)
    }

    private func path(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    /// `node` as a mapping whose keys are all in `known`.
    func mapping(_ node: Node, _ field: String, known: [String]) throws(StackSpecificationError) -> [String: Node] {
        guard let mapping = node.mapping else { throw fail(field, node, "must be a mapping of \(known.joined(separator: ", "))") }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw fail(field, key, "has a key that is not text") }
            guard known.contains(name) else {
                throw fail(path(field, name), key, "is not a known field; known here: \(known.joined(separator: ", "))")
            }
            result[name] = value
        }
        return result
    }

    func string(_ mapping: [String: Node], _ key: String, in parent: String) throws(StackSpecificationError) -> String? {
        guard let node = mapping[key], node.null == nil else { return nil }
        guard let scalar = node.scalar else { throw fail(path(parent, key), node, "must be text") }
        return scalar.string
    }

    func number(_ mapping: [String: Node], _ key: String, in parent: String, _ allowed: ClosedRange<Double>, meaning: String) throws(StackSpecificationError) -> Double? {
        guard let node = mapping[key] else { return nil }
        guard let value = node.float ?? node.int.map(Double.init), value.isFinite else {
            throw fail(path(parent, key), node, "must be a number: \(meaning)")
        }
        guard allowed.contains(value) else {
            throw fail(path(parent, key), node, "\(MetricQuery.number(value)) is out of range: \(meaning), \(MetricQuery.number(allowed.lowerBound)) to \(MetricQuery.number(allowed.upperBound))")
        }
        return value
    }


    func thresholds(_ node: Node) throws(StackSpecificationError) -> AlertThresholds {
        let keys = [
            "error_rate", "latency_p95_seconds", "memory_bytes", "cache_hit_rate", "llm_errors_per_minute", "llm_latency_p95_seconds",
            "agent_error_rate", "external_api_errors_per_second", "job_failure_rate", "stuck_jobs", "cost_spike_factor", "cost_spike_minimum_usd_per_hour",
            "runbook_base_url",
        ]
        let fields = try mapping(node, "alerts", known: keys)
        var thresholds = AlertThresholds()
        let share = 0.0001...1.0
        let positive = 0.0001...1e15
        func set(_ key: String, _ range: ClosedRange<Double>, _ meaning: String, _ apply: (Double) -> Void) throws(StackSpecificationError) {
            if let value = try number(fields, key, in: "alerts", range, meaning: meaning) { apply(value) }
        }
        try set("error_rate", share, "the share of requests answered 5xx") { thresholds.errorRate = $0 }
        try set("latency_p95_seconds", positive, "seconds") { thresholds.latencyP95Seconds = $0 }
        try set("memory_bytes", positive, "bytes") { thresholds.memoryBytes = $0 }
        try set("cache_hit_rate", share, "the share of lookups that hit") { thresholds.cacheHitRate = $0 }
        try set("llm_errors_per_minute", positive, "failed LLM calls per minute") { thresholds.llmErrorsPerMinute = $0 }
        try set("llm_latency_p95_seconds", positive, "seconds") { thresholds.llmLatencyP95Seconds = $0 }
        try set("agent_error_rate", share, "the share of agent runs that failed") { thresholds.agentErrorRate = $0 }
        try set("external_api_errors_per_second", positive, "failed calls per second") { thresholds.externalAPIErrorsPerSecond = $0 }
        try set("job_failure_rate", share, "the share of finished jobs that failed") { thresholds.jobFailureRate = $0 }
        try set("stuck_jobs", 1...1e9, "jobs running at once") { thresholds.stuckJobs = $0 }
        try set("cost_spike_factor", 1.01...1000, "times the 7-day average spend rate") { thresholds.costSpikeFactor = $0 }
        try set("cost_spike_minimum_usd_per_hour", 0...1e9, "US dollars per hour") { thresholds.costSpikeMinimumUSDPerHour = $0 }
        if let url = try string(fields, "runbook_base_url", in: "alerts") { thresholds.runbookBaseURL = url }
        return thresholds
    }

    func objectives(_ node: Node) throws(StackSpecificationError) -> [ServiceLevelObjective] {
        guard let items = node.sequence else { throw fail("slos", node, "must be a list of SLOs") }
        var objectives: [ServiceLevelObjective] = []
        let bounds = StandardMetrics.httpRequestDuration.definition.buckets
        for (index, item) in items.enumerated() {
            let field = "slos[\(index)]"
            let fields = try mapping(item, field, known: ["name", "sli", "objective", "threshold_seconds", "endpoint", "period_days"])
            guard let name = try string(fields, "name", in: field) else { throw fail("\(field).name", item, "is missing") }
            guard name.range(of: "^[a-zA-Z_][a-zA-Z0-9_]*$", options: .regularExpression) != nil else {
                throw fail("\(field).name", fields["name"], "\"\(name)\" must be letters, digits and _ (it becomes the slo label)")
            }
            guard !objectives.contains(where: { $0.name == name }) else { throw fail("\(field).name", fields["name"], "\"\(name)\" is used by an earlier SLO") }
            guard let objective = try number(fields, "objective", in: field, 0.5...0.99999, meaning: "the share of good requests, such as 0.999") else {
                throw fail("\(field).objective", item, "is missing: the share of good requests, such as 0.999")
            }
            let indicator: ServiceLevelObjective.Indicator
            switch try string(fields, "sli", in: field) {
            case "availability"?:
                guard fields["threshold_seconds"] == nil else {
                    throw fail("\(field).threshold_seconds", fields["threshold_seconds"], "applies to sli: latency only")
                }
                indicator = .availability
            case "latency"?:
                guard let threshold = try number(fields, "threshold_seconds", in: field, 0.000001...1e6, meaning: "seconds") else {
                    throw fail("\(field).threshold_seconds", item, "is missing: a latency SLO needs the duration a good request stays under")
                }
                guard bounds.contains(threshold) else {
                    throw fail(
                        "\(field).threshold_seconds", fields["threshold_seconds"],
                        "\(MetricQuery.number(threshold)) is not a bucket bound of \(StandardMetrics.httpRequestDuration.name); allowed: \(bounds.map(MetricQuery.number).joined(separator: ", "))"
                    )
                }
                indicator = .latency(thresholdSeconds: threshold)
            case let other:
                throw fail("\(field).sli", fields["sli"] ?? item, "\(other.map { "\"\($0)\" " } ?? "")must be availability or latency")
            }
            var slo = ServiceLevelObjective(name: name, indicator: indicator, objective: objective, endpoint: try string(fields, "endpoint", in: field))
            if let days = try number(fields, "period_days", in: field, 1...365, meaning: "days the error budget covers") {
                guard days == days.rounded() else { throw fail("\(field).period_days", fields["period_days"], "must be a whole number of days") }
                slo.periodDays = Int(days)
            }
            objectives.append(slo)
        }
        return objectives
    }

    func routing(_ node: Node) throws(StackSpecificationError) -> AlertRouting {
        let fields = try mapping(node, "alertmanager", known: ["receivers", "default_receiver", "routes"])
        var routing = AlertRouting()
        if let list = fields["receivers"] {
            guard let items = list.sequence, !items.isEmpty else { throw fail("alertmanager.receivers", list, "must be a list of at least one receiver") }
            routing.receivers = []
            for (index, item) in items.enumerated() {
                let receiver = try self.receiver(item, "alertmanager.receivers[\(index)]")
                guard !routing.receivers.contains(where: { $0.name == receiver.name }) else {
                    throw fail("alertmanager.receivers[\(index)].name", item, "\"\(receiver.name)\" is used by an earlier receiver")
                }
                routing.receivers.append(receiver)
            }
            routing.defaultReceiver = routing.receivers[0].name
        }
        let names = routing.receivers.map(\.name)
        if let name = try string(fields, "default_receiver", in: "alertmanager") {
            guard names.contains(name) else { throw fail("alertmanager.default_receiver", fields["default_receiver"], "\"\(name)\" is not a receiver; receivers: \(names.joined(separator: ", "))") }
            routing.defaultReceiver = name
        }
        if let list = fields["routes"] {
            guard let items = list.sequence else { throw fail("alertmanager.routes", list, "must be a list of {severity, receiver}") }
            for (index, item) in items.enumerated() {
                let field = "alertmanager.routes[\(index)]"
                let route = try mapping(item, field, known: ["severity", "receiver"])
                guard let severity = try string(route, "severity", in: field), ["critical", "warning"].contains(severity) else {
                    throw fail("\(field).severity", route["severity"] ?? item, "must be critical or warning")
                }
                guard let receiver = try string(route, "receiver", in: field), names.contains(receiver) else {
                    throw fail("\(field).receiver", route["receiver"] ?? item, "must name a receiver; receivers: \(names.joined(separator: ", "))")
                }
                routing.routes.append(AlertRouting.Route(severity: severity, receiver: receiver))
            }
        }
        return routing
    }

    /// Fields that would hold a secret inline, and the file field to use instead.
    private static let inlineSecrets = ["password": "password_file", "webhook_url": "webhook_url_file", "api_url": "webhook_url_file",
                                        "routing_key": "routing_key_file", "bearer_token": "bearer_token_file"]

    private func receiver(_ node: Node, _ field: String) throws(StackSpecificationError) -> AlertRouting.Receiver {
        let fields = try mapping(node, field, known: ["name", "email", "slack", "pagerduty", "webhook"])
        guard let name = try string(fields, "name", in: field), !name.isEmpty else { throw fail("\(field).name", node, "is missing") }
        var receiver = AlertRouting.Receiver(name: name)
        func section(_ key: String, _ known: [String]) throws(StackSpecificationError) -> [String: Node]? {
            guard let node = fields[key] else { return nil }
            if let mapping = node.mapping {
                for (secretKey, _) in mapping {
                    if let key2 = secretKey.string, let file = Self.inlineSecrets[key2] {
                        throw fail("\(field).\(key).\(key2)", secretKey, "is a secret and is never written inline: put it in a file (a mounted Secret) and name the file with \(file)")
                    }
                }
            }
            return try mapping(node, "\(field).\(key)", known: known)
        }
        func required(_ section: [String: Node], _ key: String, _ parent: String) throws(StackSpecificationError) -> String {
            guard let value = try string(section, key, in: parent), !value.isEmpty else { throw fail("\(parent).\(key)", nil, "is missing") }
            return value
        }
        if let email = try section("email", ["to", "from", "smarthost", "username", "password_file"]) {
            let parent = "\(field).email"
            let smarthost = try required(email, "smarthost", parent)
            guard smarthost.range(of: "^[^\\s:]+:[0-9]{1,5}$", options: .regularExpression) != nil else {
                throw fail("\(parent).smarthost", email["smarthost"], "\"\(smarthost)\" is not host:port")
            }
            receiver.email = .init(
                to: try required(email, "to", parent), from: try required(email, "from", parent), smarthost: smarthost,
                username: try string(email, "username", in: parent), passwordFile: try string(email, "password_file", in: parent)
            )
        }
        if let slack = try section("slack", ["webhook_url_file", "channel"]) {
            receiver.slack = .init(webhookURLFile: try required(slack, "webhook_url_file", "\(field).slack"), channel: try string(slack, "channel", in: "\(field).slack"))
        }
        if let pagerDuty = try section("pagerduty", ["routing_key_file"]) {
            receiver.pagerDuty = .init(routingKeyFile: try required(pagerDuty, "routing_key_file", "\(field).pagerduty"))
        }
        if let webhook = try section("webhook", ["url", "bearer_token_file"]) {
            let url = try required(webhook, "url", "\(field).webhook")
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw fail("\(field).webhook.url", webhook["url"], "\"\(url)\" is not an http(s) URL") }
            receiver.webhook = .init(url: url, bearerTokenFile: try string(webhook, "bearer_token_file", in: "\(field).webhook"))
        }
        return receiver
    }
}
