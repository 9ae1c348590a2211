import SpyglassStack
import Testing

@Suite struct StackSpecificationTests {
    @Test func aFullSpecificationIsRead() throws {
        let specification = try StackSpecification(yaml: """
            format: spyglass.stack/1
            service: agent-hub
            namespace: skillmeat
            target: agent-hub:8080
            alerts: {error_rate: 0.02, latency_p95_seconds: 1.5, stuck_jobs: 25, runbook_base_url: "https://wiki.example.org/runbooks"}
            slos:
              - {name: availability, sli: availability, objective: 0.999}
              - {name: jobs_latency, sli: latency, threshold_seconds: 0.5, objective: 0.99, endpoint: "/v1/jobs/{id}", period_days: 28}
            alertmanager:
              receivers:
                - {name: oncall, pagerduty: {routing_key_file: /run/secrets/pagerduty}}
                - {name: team, slack: {webhook_url_file: /run/secrets/slack, channel: "#agent-hub"}}
              default_receiver: team
              routes: [{severity: critical, receiver: oncall}]
            """, source: "stack.yml")
        #expect(specification.service == "agent-hub" && specification.namespace == "skillmeat" && specification.target == "agent-hub:8080")
        #expect(specification.alerts.errorRate == 0.02 && specification.alerts.latencyP95Seconds == 1.5 && specification.alerts.stuckJobs == 25)
        #expect(specification.alerts.cacheHitRate == 0.7, "unset thresholds keep their defaults")
        #expect(specification.alerts.runbookBaseURL == "https://wiki.example.org/runbooks")
        #expect(specification.slos == [
            ServiceLevelObjective(name: "availability", indicator: .availability, objective: 0.999),
            ServiceLevelObjective(name: "jobs_latency", indicator: .latency(thresholdSeconds: 0.5), objective: 0.99, endpoint: "/v1/jobs/{id}", periodDays: 28),
        ])
        #expect(specification.routing.receivers.map(\.name) == ["oncall", "team"])
        #expect(specification.routing.receivers[0].pagerDuty?.routingKeyFile == "/run/secrets/pagerduty")
        #expect(specification.routing.defaultReceiver == "team")
        #expect(specification.routing.routes == [AlertRouting.Route(severity: "critical", receiver: "oncall")])
    }

    @Test(arguments: [
        ("service: x", "stack.yml:1: format is missing; write format: spyglass.stack/1"),
        ("format: spyglass.stack/2\nservice: x", "stack.yml:1: format \"spyglass.stack/2\" is not supported; this reads spyglass.stack/1"),
        ("format: spyglass.stack/1", "stack.yml:1: service is missing; it names the service and its Prometheus job"),
        ("format: spyglass.stack/1\nservice: x\nservise: y", "stack.yml:3: servise is not a known field; known here: format, service, namespace, target, image, alerts, slos, alertmanager"),
        ("format: spyglass.stack/1\nservice: x\nalerts: {eror_rate: 0.1}", "stack.yml:3: alerts.eror_rate is not a known field; known here: error_rate, latency_p95_seconds, memory_bytes, cache_hit_rate, llm_errors_per_minute, llm_latency_p95_seconds, agent_error_rate, external_api_errors_per_second, job_failure_rate, stuck_jobs, cost_spike_factor, cost_spike_minimum_usd_per_hour, runbook_base_url"),
        ("format: spyglass.stack/1\nservice: x\nalerts: {error_rate: 5}", "stack.yml:3: alerts.error_rate 5 is out of range: the share of requests answered 5xx, 0.0001 to 1"),
        ("format: spyglass.stack/1\nservice: x\nalerts: {error_rate: lots}", "stack.yml:3: alerts.error_rate must be a number: the share of requests answered 5xx"),
        ("format: spyglass.stack/1\nservice: x\ntarget: http://x:80", "stack.yml:3: target \"http://x:80\" is not host:port"),
        ("format: spyglass.stack/1\nservice: x\nnamespace: my-app", "stack.yml:3: namespace \"my-app\" is not a metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*)"),
        ("format: spyglass.stack/1\nservice: x\nslos:\n  - {name: a, sli: availability, objective: 99.9}", "stack.yml:4: slos[0].objective 99.9 is out of range: the share of good requests, such as 0.999, 0.5 to 0.99999"),
        ("format: spyglass.stack/1\nservice: x\nslos:\n  - {name: l, sli: latency, threshold_seconds: 0.3, objective: 0.99}", "stack.yml:4: slos[0].threshold_seconds 0.3 is not a bucket bound of http_request_duration_seconds; allowed: 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10"),
        ("format: spyglass.stack/1\nservice: x\nslos:\n  - {name: l, sli: latency, objective: 0.99}", "stack.yml:4: slos[0].threshold_seconds is missing: a latency SLO needs the duration a good request stays under"),
        ("format: spyglass.stack/1\nservice: x\nslos:\n  - {name: a, sli: uptime, objective: 0.99}", "stack.yml:4: slos[0].sli \"uptime\" must be availability or latency"),
        ("format: spyglass.stack/1\nservice: x\nslos:\n  - {name: a, sli: availability, objective: 0.99}\n  - {name: a, sli: availability, objective: 0.9}", "stack.yml:5: slos[1].name \"a\" is used by an earlier SLO"),
        ("format: spyglass.stack/1\nservice: x\nslos:\n  - {name: my-slo, sli: availability, objective: 0.99}", "stack.yml:4: slos[0].name \"my-slo\" must be letters, digits and _ (it becomes the slo label)"),
        ("format: spyglass.stack/1\nservice: x\nalertmanager:\n  receivers:\n    - {name: r, email: {to: a@b, from: c@d, smarthost: 'smtp:587', password: hunter2}}", "stack.yml:5: alertmanager.receivers[0].email.password is a secret and is never written inline: put it in a file (a mounted Secret) and name the file with password_file"),
        ("format: spyglass.stack/1\nservice: x\nalertmanager:\n  receivers:\n    - {name: r, slack: {webhook_url: 'https://hooks.slack.com/services/T0/B0/x'}}", "stack.yml:5: alertmanager.receivers[0].slack.webhook_url is a secret and is never written inline: put it in a file (a mounted Secret) and name the file with webhook_url_file"),
        ("format: spyglass.stack/1\nservice: x\nalertmanager:\n  receivers: [{name: r}]\n  routes: [{severity: critical, receiver: pager}]", "stack.yml:5: alertmanager.routes[0].receiver must name a receiver; receivers: r"),
        ("format: spyglass.stack/1\nservice: x\nalertmanager:\n  receivers: [{name: r}]\n  default_receiver: s", "stack.yml:5: alertmanager.default_receiver \"s\" is not a receiver; receivers: r"),
        ("format: spyglass.stack/1\nservice: x\nalertmanager:\n  routes: [{severity: page, receiver: default}]", "stack.yml:4: alertmanager.routes[0].severity must be critical or warning"),
        ("format: [", "stack.yml: is not YAML"),
        // The name is written into Kubernetes objects, Compose services and YAML: a DNS-1123 label only.
        ("format: spyglass.stack/1\nservice: 'Agent Hub'", "stack.yml:2: service \"Agent Hub\" is not a DNS-1123 label; allowed: 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit"),
        ("format: spyglass.stack/1\nservice: \"x\\\"\\nkind: Secret\"", "stack.yml:2: service \"x\"\nkind: Secret\" is not a DNS-1123 label; allowed: 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit"),
        ("format: spyglass.stack/1\nservice: x\nimage: 'x:1\"}'", "stack.yml:3: image \"x:1\"}\" is not a container image reference; allowed: letters, digits and . _ - / : @"),
        ("format: spyglass.stack/1\nservice: api-", "stack.yml:2: service \"api-\" is not a DNS-1123 label; allowed: 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit"),
    ])
    func eachMistakeIsNamedWithItsLineAndWhatIsAllowed(yaml: String, message: String) {
        #expect {
            try StackSpecification(yaml: yaml, source: "stack.yml")
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }
}
