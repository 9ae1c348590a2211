import Foundation
import SpyglassTestSupport
import Testing
import Yams

/// The compose stack and the Kubernetes manifests of `deploy/`, read as YAML and checked for what their tools
/// would reject or silently get wrong: missing files, unpinned images, clashing ports, selectors that select
/// nothing, rules that differ from the rule files.
@Suite struct DeployFilesTests {
    static let deploy = Peers.repository.appendingPathComponent("deploy")

    private func yaml(_ path: String) throws -> [String: Any] {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent(path), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "\(path) is not a YAML mapping")
    }

    private func documents(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent(path), encoding: .utf8)
        return try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
    }

    @Test func theComposeStackRunsEveryPartWithPinnedImagesAndFilesThatExist() throws {
        let compose = try yaml("docker-compose.observability.yml")
        let services = try #require(compose["services"] as? [String: [String: Any]])
        #expect(Set(services.keys) == ["prometheus", "alertmanager", "grafana", "loki", "promtail", "tempo", "otel-collector"])
        var hostPorts: [String: String] = [:]
        for (name, service) in services {
            let image = try #require(service["image"] as? String, "\(name) has no image")
            let tag = image.split(separator: ":").last.map(String.init) ?? ""
            #expect(image.contains(":") && tag != "latest", "\(name): \(image) is not pinned")
            for volume in service["volumes"] as? [String] ?? [] {
                let source = String(volume.split(separator: ":")[0])
                guard source.hasPrefix("./"), source != "./logs" else { continue }
                #expect(FileManager.default.fileExists(atPath: Self.deploy.appendingPathComponent(source).path), "\(name) mounts \(source), which does not exist")
            }
            for port in service["ports"] as? [String] ?? [] {
                let host = String(port.split(separator: ":")[0])
                #expect(hostPorts.updateValue(name, forKey: host) == nil, "host port \(host) is published twice")
            }
            for dependency in service["depends_on"] as? [String] ?? [] {
                #expect(services[dependency] != nil, "\(name) depends on \(dependency), which is not a service")
            }
        }
        // Prometheus, Grafana and Alertmanager read the generated files from where the volumes put them.
        let prometheus = try yaml("prometheus/prometheus.yml")
        #expect((prometheus["rule_files"] as? [String]) == ["rules/alerts.yml", "rules/slo.yml"])
        let alerting = ((prometheus["alerting"] as? [String: Any])?["alertmanagers"] as? [[String: Any]])?.first
        #expect(((alerting?["static_configs"] as? [[String: Any]])?.first?["targets"] as? [String]) == ["alertmanager:9093"])
        let provider = ((try yaml("grafana/provisioning/dashboards/dashboards.yml")["providers"] as? [[String: Any]])?.first?["options"] as? [String: Any])
        #expect(provider?["path"] as? String == "/var/lib/grafana/dashboards")
        #expect((services["grafana"]?["volumes"] as? [String])?.contains("./grafana/dashboards:/var/lib/grafana/dashboards:ro") == true)
        // The collector's pipelines use only receivers and exporters it defines.
        let collector = try yaml("otel-collector/config.yml")
        let exporters = Set((collector["exporters"] as? [String: Any] ?? [:]).keys)
        let pipelines = ((collector["service"] as? [String: Any])?["pipelines"] as? [String: [String: Any]]) ?? [:]
        #expect(Set(pipelines.keys) == ["traces", "logs", "metrics"])
        for (signal, pipeline) in pipelines {
            for exporter in pipeline["exporters"] as? [String] ?? [] { #expect(exporters.contains(exporter), "\(signal) exports to undefined \(exporter)") }
        }
    }

    /// Grafana's Loki data source turns a log line's trace id into a link to Tempo: its pattern must find the id in
    /// a Spyglass JSON line.
    @Test func theLogToTraceLinkFindsTheTraceIDOfALogLine() throws {
        let sources = try #require(try yaml("grafana/provisioning/datasources/datasources.yml")["datasources"] as? [[String: Any]])
        #expect(sources.compactMap { $0["uid"] as? String } == ["prometheus", "loki", "tempo"])
        let loki = try #require(sources.first { $0["uid"] as? String == "loki" })
        let field = try #require(((loki["jsonData"] as? [String: Any])?["derivedFields"] as? [[String: Any]])?.first)
        #expect(field["datasourceUid"] as? String == "tempo")
        let pattern = try NSRegularExpression(pattern: try #require(field["matcherRegex"] as? String))
        let line = #"{"timestamp":"2026-11-22T10:30:45.123456Z","level":"info","logger":"api","message":"request_completed","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}"#
        let match = try #require(pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)))
        #expect(Range(match.range(at: 1), in: line).map { String(line[$0]) } == "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    @Test func theKubernetesManifestsFitTogether() throws {
        let objects = try documents("kubernetes/deployment.yaml")
        let deployment = try #require(objects.first { $0["kind"] as? String == "Deployment" })
        let service = try #require(objects.first { $0["kind"] as? String == "Service" })
        let template = try #require((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])
        let podLabels = try #require((template["metadata"] as? [String: Any])?["labels"] as? [String: String])
        let selector = try #require(((deployment["spec"] as? [String: Any])?["selector"] as? [String: Any])?["matchLabels"] as? [String: String])
        #expect(selector == podLabels, "the Deployment's selector must match its pods' labels")
        #expect((service["spec"] as? [String: Any])?["selector"] as? [String: String] == podLabels, "the Service selects the pods")
        let container = try #require(((template["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first)
        let portNames = Set((container["ports"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
            let get = try #require((container[probe] as? [String: Any])?["httpGet"] as? [String: Any], "no \(probe)")
            #expect(portNames.contains(get["port"] as? String ?? ""), "\(probe) names a port the container does not have")
        }
        let env = Dictionary(uniqueKeysWithValues: (container["env"] as? [[String: Any]] ?? []).compactMap { entry in
            (entry["name"] as? String).map { ($0, entry["value"] as? String ?? "") }
        })
        #expect(env["SPYGLASS_SHUTDOWN_DELAY_MS"] == "5000")
        let grace = try #require((template["spec"] as? [String: Any])?["terminationGracePeriodSeconds"] as? Int)
        #expect(grace * 1000 > 5000, "the grace period outlasts the shutdown delay")

        let monitor = try yaml("kubernetes/servicemonitor.yaml")
        let monitorSelector = ((monitor["spec"] as? [String: Any])?["selector"] as? [String: Any])?["matchLabels"] as? [String: String]
        #expect(monitorSelector == (service["metadata"] as? [String: Any])?["labels"] as? [String: String], "the ServiceMonitor selects the Service")
        let servicePorts = ((service["spec"] as? [String: Any])?["ports"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        let endpoint = ((monitor["spec"] as? [String: Any])?["endpoints"] as? [[String: Any]])?.first
        #expect(servicePorts.contains(endpoint?["port"] as? String ?? ""))

        // The PrometheusRule holds exactly the groups of the two rule files.
        let rule = try yaml("kubernetes/prometheusrule.yaml")
        let groups = ((rule["spec"] as? [String: Any])?["groups"] as? [[String: Any]]) ?? []
        let files = try ["alerts.yml", "slo.yml"].flatMap { (try yaml("prometheus/rules/\($0)")["groups"] as? [[String: Any]]) ?? [] }
        #expect(groups.map { $0["name"] as? String } == files.map { $0["name"] as? String })
        #expect(groups.map { ($0["rules"] as? [Any])?.count } == files.map { ($0["rules"] as? [Any])?.count })
        let kustomization = try yaml("kubernetes/kustomization.yaml")
        for resource in kustomization["resources"] as? [String] ?? [] {
            #expect(FileManager.default.fileExists(atPath: Self.deploy.appendingPathComponent("kubernetes/\(resource)").path), "\(resource) is missing")
        }
    }
}
