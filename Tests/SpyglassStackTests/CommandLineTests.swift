import Foundation
import SpyglassStack
import SpyglassTestSupport
import Testing

/// The `spyglass` executable as a user runs it.
@Suite struct CommandLineTests {
    private func spyglass(_ arguments: [String]) async throws -> Peers.Output {
        try await Peers.run(Peers.builtExecutable("spyglass").path, arguments, input: [])
    }

    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func generateWritesTheFilesAndCheckModeNoticesAChange() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("stack.yml")
        try Data("format: spyglass.stack/1\nservice: agent-hub\nslos: [{name: availability, sli: availability, objective: 0.999}]\n".utf8).write(to: spec)

        let written = try await spyglass(["generate", "--spec", spec.path])
        #expect(written.status == 0, "\(written.standardError)")
        for path in ["prometheus/prometheus.yml", "prometheus/rules/alerts.yml", "prometheus/rules/slo.yml", "alertmanager/alertmanager.yml", "runbooks.md"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path), "\(path) not written")
            #expect(written.standardOutput.contains(folder.appendingPathComponent(path).path))
        }
        #expect(try await spyglass(["generate", "--spec", spec.path, "--check"]).status == 0)

        let alerts = folder.appendingPathComponent("prometheus/rules/alerts.yml")
        try Data((try String(contentsOf: alerts, encoding: .utf8) + "# edited by hand\n").utf8).write(to: alerts)
        let stale = try await spyglass(["generate", "--spec", spec.path, "--check"])
        #expect(stale.status == 1)
        #expect(stale.standardError.contains("out of date") && stale.standardError.contains(alerts.path), "\(stale.standardError)")
    }

    @Test func theCommittedDemoStackIsUpToDate() async throws {
        let output = try await spyglass(["generate", "--spec", Peers.repository.appendingPathComponent("deploy/spyglass-stack.yml").path, "--check"])
        #expect(output.status == 0, "\(output.standardError)")
        let files = StackGenerator(StackSpecification(service: "spyglass-demo"), specificationPath: "").files.count
        #expect(output.standardOutput.contains("up to date: \(files) files"), "\(output.standardOutput)")
    }

    @Test func checkReportsEachMistakeOnOneLine() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("stack.yml")
        try Data("format: spyglass.stack/1\nservice: agent-hub\nslos: [{name: l, sli: latency, threshold_seconds: 0.3, objective: 0.99}]\n".utf8).write(to: spec)
        let environment = folder.appendingPathComponent("service.env")
        try Data("# the service's settings\nSPYGLASS_LOG_LEVEL=verbose\nOTEL_SERVICE_NAME=agent-hub\n".utf8).write(to: environment)

        let output = try await spyglass(["check", "--spec", spec.path, "--env-file", environment.path])
        #expect(output.status == 1)
        let lines = output.standardError.split(separator: "\n")
        #expect(lines.count == 2, "\(output.standardError)")
        #expect(lines.first?.hasPrefix("spyglass: \(spec.path):3: slos[0].threshold_seconds 0.3 is not a bucket bound") == true, "\(output.standardError)")
        #expect(lines.last == "spyglass: SPYGLASS_LOG_LEVEL=\"verbose\" is invalid: expected one of trace, debug, info, notice, warning, error, critical")

        try Data("SPYGLASS_LOG_LEVEL=debug\nOTEL_SERVICE_NAME='agent-hub'\n".utf8).write(to: environment)
        let good = try await spyglass(["check", "--spec", Peers.repository.appendingPathComponent("deploy/spyglass-stack.yml").path, "--env-file", environment.path])
        #expect(good.status == 0, "\(good.standardError)")
        #expect(good.standardOutput.contains("ok: settings of agent-hub (development)"), "\(good.standardOutput)")
    }
}
