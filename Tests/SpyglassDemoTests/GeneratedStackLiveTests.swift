import Foundation
import SpyglassMetrics
import SpyglassStack
import SpyglassTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The committed stack of `deploy/` against a real Prometheus that scrapes the demo under traffic and loads the
/// generated rules: every panel's query and what every alert measures return data (no panel shows "No data"),
/// every rule evaluates without error, every recording rule records a series, and the demo emits every metric
/// Spyglass defines. Once with a Prometheus that keeps native histograms (it then stores no classic series) and
/// once with one that keeps classic ones: the same queries serve both.
@Suite(.serialized) struct GeneratedStackLiveTests {
    @Test(arguments: zip(DemoServer.allCases, [true, false]))
    func everyPanelAndRuleQueryReturnsDataAgainstTheDemo(server: DemoServer, nativeHistograms: Bool) async throws {
        let deploy = Peers.repository.appendingPathComponent("deploy")
        let specification = try StackSpecification(
            yaml: try String(contentsOf: deploy.appendingPathComponent("spyglass-stack.yml"), encoding: .utf8), source: "deploy/spyglass-stack.yml"
        )
        let demo = try ChildProcess(arguments: ["--server", server.rawValue, "--port", "0", "--traffic", "--traffic-interval", "20", "--job-step-milliseconds", "5"], environment: [:])
        defer { demo.process.terminate() }
        let started = try JSONSerialization.jsonObject(with: Data(try await demo.waitForLine { $0.contains("\"server_started\"") }.utf8)) as? [String: Any]
        let demoPort = try #require(started?["port"] as? Int)
        let prometheus = try PrometheusServer(
            scraping: demoPort,
            ruleFiles: ["alerts.yml", "slo.yml"].map { deploy.appendingPathComponent("prometheus/rules/\($0)") },
            nativeHistograms: nativeHistograms
        )
        defer { prometheus.stop() }

        for alert in ServiceAlerts(specification).alerts {
            let samples = try await prometheus.query(alert.query, timeout: .seconds(90)) { !$0.isEmpty }
            #expect(!samples.isEmpty, "\(alert.name): \(alert.query)")
        }
        let records = ServiceLevelRules(specification).ruleFile.rules.compactMap(\.record)
        for record in Set(records) {
            let samples = try await prometheus.query(record, timeout: .seconds(90)) { $0.count == specification.slos.count }
            #expect(Set(samples.compactMap { $0.labels["slo"] }) == Set(specification.slos.map(\.name)), "\(record)")
        }
        for dashboard in ServiceDashboards(specification).dashboards {
            for panel in dashboard.panels {
                for target in panel.targets {
                    // What Grafana substitutes: the service, every instance, a rate window of four scrapes.
                    let expr = target.expr.replacingOccurrences(of: "$job", with: specification.service)
                        .replacingOccurrences(of: "$instance", with: ".*").replacingOccurrences(of: "$__rate_interval", with: "4s")
                    let samples = try await prometheus.query(expr, timeout: .seconds(90)) { !$0.isEmpty }
                    #expect(!samples.isEmpty, "\(dashboard.title) / \(panel.title): \(expr)")
                }
            }
        }
        // Every metric Spyglass defines, except the two that appear only once a declaration or a series is refused.
        let emitted = Set(try await prometheus.query("count by (__name__) ({job=\"\(specification.service)\"})") { !$0.isEmpty }.compactMap { $0.labels["__name__"] })
        for metric in StandardMetrics.all where ![StandardMetrics.seriesRejected.name, StandardMetrics.registrationsRejected.name].contains(metric.definition.name) {
            let name = metric.definition.exposedName(namespace: specification.namespace)
            let stored = metric.definition.kind == .histogram ? (nativeHistograms ? name : name + "_count") : name
            #expect(emitted.contains(stored), "the demo never emitted \(name)")
        }
        // The Kubernetes probes of deploy/kubernetes/deployment.yaml answer 200 on the running demo.
        let manifest = try String(contentsOf: deploy.appendingPathComponent("kubernetes/deployment.yaml"), encoding: .utf8)
        let probePaths = manifest.matches(of: try Regex(#"httpGet: \{path: (/[^,]+),"#)).compactMap { $0.output[1].substring.map(String.init) }
        #expect(probePaths == ["/health/live", "/livez", "/readyz"])
        for path in probePaths {
            let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(demoPort)\(path)")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(path)")
        }
        let rules = try await prometheus.rules()
        #expect(rules.count == ServiceAlerts(specification).alerts.count + ServiceLevelRules(specification).ruleFile.rules.count)
        for rule in rules {
            #expect(rule.health == "ok", "\(rule.name): \(rule.health) \(rule.lastError)")
        }
    }
}
