import Foundation
import SpyglassStack
import SpyglassTestSupport
import Testing

/// The stack files committed under `deploy/` are what the generator writes from `deploy/spyglass-stack.yml`,
/// and Prometheus's and Alertmanager's own tools accept them.
@Suite struct GeneratedFilesTests {
    static let deploy = Peers.repository.appendingPathComponent("deploy")

    private func generator() throws -> StackGenerator {
        let path = Self.deploy.appendingPathComponent("spyglass-stack.yml")
        let specification = try StackSpecification(yaml: try String(contentsOf: path, encoding: .utf8), source: "deploy/spyglass-stack.yml")
        return StackGenerator(specification, specificationPath: "spyglass-stack.yml")
    }

    @Test func theCommittedFilesAreUpToDate() throws {
        for file in try generator().files {
            let committed = try? String(contentsOf: Self.deploy.appendingPathComponent(file.path), encoding: .utf8)
            #expect(committed == file.contents, "deploy/\(file.path) is stale: run `swift run spyglass generate`")
        }
    }

    @Test func promtoolAcceptsThePrometheusConfigurationAndItsRules() async throws {
        let config = try await Peers.run(try Peers.promtool, ["check", "config", Self.deploy.appendingPathComponent("prometheus/prometheus.yml").path], input: [])
        #expect(config.status == 0, "\(config.standardOutput)\(config.standardError)")
        #expect(config.standardOutput.contains("SUCCESS: 2 rule files found"), "\(config.standardOutput)")
        let rules = try await Peers.run(
            try Peers.promtool,
            ["check", "rules"] + ["alerts.yml", "slo.yml"].map { Self.deploy.appendingPathComponent("prometheus/rules/\($0)").path },
            input: []
        )
        #expect(rules.status == 0, "\(rules.standardOutput)\(rules.standardError)")
        let alerts = try generator().files.first { $0.path.hasSuffix("alerts.yml") }
        #expect(rules.standardOutput.contains("SUCCESS: 14 rules found"), "\(rules.standardOutput)")
        #expect(alerts != nil)
    }

    @Test func amtoolAcceptsTheAlertmanagerConfiguration() async throws {
        let path = Self.deploy.appendingPathComponent("alertmanager/alertmanager.yml").path
        let output = try await Peers.run(try Peers.amtool, ["check-config", path], input: [])
        #expect(output.status == 0, "\(output.standardOutput)\(output.standardError)")
        #expect(output.standardOutput.contains("2 receivers"), "\(output.standardOutput)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("auth_password_file:") && text.contains("api_url_file:") && text.contains("routing_key_file:") && text.contains("credentials_file:"))
        #expect(!text.contains("auth_password:") && !text.contains("api_url:") && !text.contains("routing_key:"), "no secret inline")
    }

    @Test func everyAlertHasARunbookSectionAndAnnotations() throws {
        let files = try generator().files
        let runbook = try #require(files.first { $0.path == "runbooks.md" }).contents
        let specification = try generator().specification
        for alert in ServiceAlerts(specification).alerts {
            #expect(runbook.contains("\n## \(alert.name)\n"), "no runbook section for \(alert.name)")
        }
        for rule in (ServiceAlerts(specification).ruleFile.rules + ServiceLevelRules(specification).ruleFile.rules) {
            guard let name = rule.alert else { continue }
            #expect(rule.annotation("summary") != nil && rule.annotation("description") != nil)
            #expect(rule.annotation("runbook_url") == "runbooks.md#\(name.lowercased())")
            #expect(runbook.contains("\n## \(name)\n"), "runbook_url of \(name) points at no section")
            #expect(["critical", "warning"].contains(rule.label("severity")))
        }
    }
}
