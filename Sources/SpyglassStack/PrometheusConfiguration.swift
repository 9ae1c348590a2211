/// `prometheus.yml` for the stack: scrapes the service every 15 s, loads the generated rule files, sends alerts to
/// Alertmanager.
public struct PrometheusConfiguration: Encodable, Sendable {
    struct Global: Encodable {
        let scrapeInterval = "15s"
        let evaluationInterval = "15s"
        enum CodingKeys: String, CodingKey {
            case scrapeInterval = "scrape_interval"
            case evaluationInterval = "evaluation_interval"
        }
    }

    struct Alerting: Encodable {
        struct Managers: Encodable {
            struct Targets: Encodable { let targets: [String] }
            let staticConfigs: [Targets]
            enum CodingKeys: String, CodingKey { case staticConfigs = "static_configs" }
        }

        let alertmanagers: [Managers]
    }

    struct ScrapeConfig: Encodable {
        struct Targets: Encodable { let targets: [String] }
        let jobName: String
        let metricsPath = "/metrics"
        let staticConfigs: [Targets]
        enum CodingKeys: String, CodingKey {
            case jobName = "job_name"
            case metricsPath = "metrics_path"
            case staticConfigs = "static_configs"
        }
    }

    let global = Global()
    let ruleFiles: [String]
    let alerting: Alerting
    let scrapeConfigs: [ScrapeConfig]

    enum CodingKeys: String, CodingKey {
        case global, alerting
        case ruleFiles = "rule_files"
        case scrapeConfigs = "scrape_configs"
    }

    /// - Parameters:
    ///   - ruleFiles: paths relative to this file.
    ///   - alertmanager: Alertmanager's `host:port` as Prometheus reaches it.
    public init(_ specification: StackSpecification, ruleFiles: [String], alertmanager: String) {
        self.ruleFiles = ruleFiles
        alerting = Alerting(alertmanagers: [.init(staticConfigs: [.init(targets: [alertmanager])])])
        scrapeConfigs = [ScrapeConfig(jobName: specification.service, staticConfigs: [.init(targets: [specification.target])])]
    }

    public func yaml(header: String) -> String { YAMLOutput.render(self, header: header) }
}
