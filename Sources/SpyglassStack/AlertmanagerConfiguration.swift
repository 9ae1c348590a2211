/// Alertmanager's configuration for the ``AlertRouting`` of a ``StackSpecification``: alerts grouped by name and
/// job, critical ones repeated every 4 hours and others every 12, each route to its receiver, and warnings
/// inhibited while a critical alert of the same name and job fires. Secrets are referenced by file
/// (`*_file`, `credentials_file`), never written in.
public struct AlertmanagerConfiguration: Encodable, Sendable {
    struct Global: Encodable {
        let resolveTimeout = "5m"
        var smtpSmarthost: String?
        var smtpFrom: String?
        enum CodingKeys: String, CodingKey {
            case resolveTimeout = "resolve_timeout"
            case smtpSmarthost = "smtp_smarthost"
            case smtpFrom = "smtp_from"
        }
    }

    struct Route: Encodable {
        var receiver: String
        var groupBy: [String]?
        var groupWait: String?
        var groupInterval: String?
        var repeatInterval: String?
        var matchers: [String]?
        var routes: [Route]?
        enum CodingKeys: String, CodingKey {
            case receiver
            case groupBy = "group_by"
            case groupWait = "group_wait"
            case groupInterval = "group_interval"
            case repeatInterval = "repeat_interval"
            case matchers, routes
        }
    }

    struct Receiver: Encodable {
        struct Email: Encodable {
            let to: String
            let from: String
            let smarthost: String
            let authUsername: String?
            let authPasswordFile: String?
            let sendResolved = true
            enum CodingKeys: String, CodingKey {
                case to, from, smarthost
                case authUsername = "auth_username"
                case authPasswordFile = "auth_password_file"
                case sendResolved = "send_resolved"
            }
        }

        struct Slack: Encodable {
            let apiURLFile: String
            let channel: String?
            let sendResolved = true
            let title = "{{ .CommonLabels.alertname }} ({{ .Status }})"
            let text = "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ end }}"
            enum CodingKeys: String, CodingKey {
                case apiURLFile = "api_url_file"
                case channel, title, text
                case sendResolved = "send_resolved"
            }
        }

        struct PagerDuty: Encodable {
            let routingKeyFile: String
            let sendResolved = true
            enum CodingKeys: String, CodingKey {
                case routingKeyFile = "routing_key_file"
                case sendResolved = "send_resolved"
            }
        }

        struct Webhook: Encodable {
            struct HTTPConfig: Encodable {
                struct Authorization: Encodable {
                    let type = "Bearer"
                    let credentialsFile: String
                    enum CodingKeys: String, CodingKey {
                        case type
                        case credentialsFile = "credentials_file"
                    }
                }

                let authorization: Authorization
            }

            let url: String
            let httpConfig: HTTPConfig?
            let sendResolved = true
            enum CodingKeys: String, CodingKey {
                case url
                case httpConfig = "http_config"
                case sendResolved = "send_resolved"
            }
        }

        let name: String
        var emailConfigs: [Email]?
        var slackConfigs: [Slack]?
        var pagerdutyConfigs: [PagerDuty]?
        var webhookConfigs: [Webhook]?
        enum CodingKeys: String, CodingKey {
            case name
            case emailConfigs = "email_configs"
            case slackConfigs = "slack_configs"
            case pagerdutyConfigs = "pagerduty_configs"
            case webhookConfigs = "webhook_configs"
        }
    }

    struct Inhibition: Encodable {
        let sourceMatchers = ["severity=\"critical\""]
        let targetMatchers = ["severity=\"warning\""]
        let equal = ["alertname", "job"]
        enum CodingKeys: String, CodingKey {
            case sourceMatchers = "source_matchers"
            case targetMatchers = "target_matchers"
            case equal
        }
    }

    let global: Global
    let route: Route
    let receivers: [Receiver]
    let inhibitRules = [Inhibition()]

    enum CodingKeys: String, CodingKey {
        case global, route, receivers
        case inhibitRules = "inhibit_rules"
    }

    public init(_ routing: AlertRouting) {
        // Alertmanager keeps one SMTP server and sender, globally: the first email receiver's.
        let email = routing.receivers.lazy.compactMap(\.email).first
        global = Global(smtpSmarthost: email?.smarthost, smtpFrom: email?.from)
        route = Route(
            receiver: routing.defaultReceiver,
            groupBy: ["alertname", "job"],
            groupWait: "30s",
            groupInterval: "5m",
            repeatInterval: "12h",
            matchers: nil,
            routes: routing.routes.map { route in
                Route(
                    receiver: route.receiver, groupBy: nil, groupWait: nil, groupInterval: nil,
                    repeatInterval: route.severity == "critical" ? "4h" : nil,
                    matchers: ["severity=\"\(route.severity)\""], routes: nil
                )
            }
        )
        receivers = routing.receivers.map { receiver in
            var result = Receiver(name: receiver.name)
            if let email = receiver.email {
                result.emailConfigs = [.init(to: email.to, from: email.from, smarthost: email.smarthost, authUsername: email.username, authPasswordFile: email.passwordFile)]
            }
            if let slack = receiver.slack { result.slackConfigs = [.init(apiURLFile: slack.webhookURLFile, channel: slack.channel)] }
            if let pagerDuty = receiver.pagerDuty { result.pagerdutyConfigs = [.init(routingKeyFile: pagerDuty.routingKeyFile)] }
            if let webhook = receiver.webhook {
                result.webhookConfigs = [.init(url: webhook.url, httpConfig: webhook.bearerTokenFile.map { .init(authorization: .init(credentialsFile: $0)) })]
            }
            return result
        }
    }

    public func yaml(header: String) -> String { YAMLOutput.render(self, header: header) }
}
