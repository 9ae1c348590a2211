import ArgumentParser
import Foundation
import Spyglass
import SpyglassGenAI
import SpyglassStack

/// `spyglass`: generates the observability stack of a service, checks its configuration, reads its logs.
@main
struct SpyglassCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spyglass",
        abstract: "Generates a service's observability stack, checks its Spyglass settings, and reads its logs.",
        subcommands: [Generate.self, Check.self, Logs.self]
    )
}

/// Where a command's messages go: results to standard output, mistakes to standard error.
enum Output {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("spyglass: \(message)\n".utf8))
    }
}

/// Reads and validates a stack specification.
func loadSpecification(_ path: String) throws -> StackSpecification {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        Output.error("cannot read \(path): pass the stack specification with --spec (format \(StackSpecification.format))")
        throw ExitCode(2)
    }
    do {
        return try StackSpecification(yaml: text, source: path)
    } catch {
        Output.error("\(error)")
        throw ExitCode(1)
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Writes the service's observability stack: Prometheus, alert and SLO rules, Alertmanager, Grafana, Loki, Tempo, a collector, Compose and Kubernetes files, a runbook.",
        discussion: "Files go under the output folder (<service> is the specification's): " + Generate.paths + "."
    )

    /// What `generate` writes, listed from the generator itself so the help cannot fall behind it.
    static var paths: String {
        StackGenerator(StackSpecification(service: "<service>"), specificationPath: "").files.map(\.path).joined(separator: ", ")
    }

    @Option(help: "The stack specification (format spyglass.stack/1).")
    var spec = "deploy/spyglass-stack.yml"

    @Option(help: "The folder to write into. Default: the specification's folder.")
    var output: String?

    @Flag(help: "Write nothing; fail when a generated file is missing or differs from what would be written.")
    var check = false

    func run() throws {
        let specification = try loadSpecification(spec)
        let folder = output ?? URL(fileURLWithPath: spec).deletingLastPathComponent().path
        let generator = StackGenerator(specification, specificationPath: URL(fileURLWithPath: spec).lastPathComponent)
        var stale: [String] = []
        for file in generator.files {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(file.path)
            if check {
                if (try? String(contentsOf: url, encoding: .utf8)) != file.contents { stale.append(url.path) }
                continue
            }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url, options: .atomic)
            print("wrote \(url.path)")
        }
        guard stale.isEmpty else {
            Output.error("out of date, run `swift run spyglass generate --spec \(spec)`: \(stale.joined(separator: ", "))")
            throw ExitCode(1)
        }
        if check { print("up to date: \(generator.files.count) files in \(folder)") }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Checks a stack specification and a service's Spyglass settings (SPYGLASS_*, OTEL_* variables and the price file they name).",
        discussion: "Settings come from --env-file (KEY=VALUE lines; # comments) or, without it, this process's environment. Each mistake is reported on one line; the exit status is 1 when there is one."
    )

    @Option(help: "A stack specification to check.")
    var spec: String?

    @Option(help: "A file of KEY=VALUE lines to check instead of this process's environment.")
    var envFile: String?

    func run() throws {
        var failed = false
        if let spec {
            do {
                let specification = try loadSpecification(spec)
                print("ok: \(spec): service \(specification.service), \(specification.slos.count) SLOs, \(specification.routing.receivers.count) receivers")
            } catch {
                failed = true
            }
        }
        let environment: [String: String]
        if let envFile {
            guard let text = try? String(contentsOfFile: envFile, encoding: .utf8) else {
                Output.error("cannot read \(envFile)")
                throw ExitCode(2)
            }
            environment = Self.parse(text)
        } else {
            environment = ProcessInfo.processInfo.environment
        }
        do {
            // What `Spyglass.bootstrap` checks before it installs anything, in the same calls.
            let configuration = try SpyglassConfiguration().applyingEnvironment(environment)
            _ = try configuration.genAI.prices()
            print("ok: settings of \(configuration.serviceName) (\(configuration.environment))")
        } catch {
            Output.error("\(error)")
            failed = true
        }
        if failed { throw ExitCode(1) }
    }

    /// `KEY=VALUE` lines; blank lines and `#` comments skipped, surrounding quotes removed.
    static func parse(_ text: String) -> [String: String] {
        var environment: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "export ", with: "")
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" { value = String(value.dropFirst().dropLast()) }
            environment[key] = value
        }
        return environment
    }
}
