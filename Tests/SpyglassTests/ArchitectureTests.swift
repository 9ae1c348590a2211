import Foundation
import Testing

/// The reference documents say what the code does: docs/architecture.md's module table is Package.swift's
/// graph, and README's variable table lists exactly the variables the code reads.
@Suite struct ArchitectureTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func theModuleTableIsPackageSwiftsGraph() throws {
        let manifest = try Self.read("Package.swift")
        let documented = try Self.documentedModules(in: Self.read("docs/architecture.md"))
        let declared = Self.declaredTargets(in: manifest).filter { $0.key != "SpyglassTestSupport" }
        #expect(!declared.isEmpty)
        #expect(Set(documented.keys) == Set(declared.keys), "modules in the table and in Package.swift")
        for (module, dependencies) in declared {
            #expect(documented[module] == dependencies, "\(module)'s dependencies")
        }
    }

    @Test func readmesVariableTableListsWhatTheCodeReads() throws {
        let readme = try Self.read("README.md")
        var documented = Set<String>()
        for line in readme.split(separator: "\n") where line.hasPrefix("| `") {
            let firstCell = line.dropFirst(2).prefix { $0 != "|" }
            for match in firstCell.matches(of: /`((?:SPYGLASS|OTEL|APP|LOG)_[A-Z_]+)`/) { documented.insert(String(match.output.1)) }
            // `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `…_LOGS_ENDPOINT`: the short forms name siblings.
            if firstCell.contains("`OTEL_EXPORTER_OTLP_") {
                for short in firstCell.matches(of: /`…_([A-Z_]+)`/) { documented.insert("OTEL_EXPORTER_OTLP_\(short.output.1)") }
            }
        }
        var read = Set<String>()
        let sources = Self.repository.appendingPathComponent("Sources")
        // Each module's `…+Environment.swift` and the umbrella's composition are where variables are read.
        for case let file as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        where file.lastPathComponent.hasSuffix("+Environment.swift") || file.lastPathComponent == "SpyglassConfiguration.swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for name in text.matches(of: /"((?:SPYGLASS|OTEL|APP|LOG)_[A-Z_]+)"/) { read.insert(String(name.output.1)) }
        }
        #expect(read.count > 30, "the parsing was found")
        #expect(read.subtracting(documented).isEmpty, "read but not documented: \(read.subtracting(documented).sorted())")
        #expect(documented.subtracting(read).isEmpty, "documented but not read: \(documented.subtracting(read).sorted())")
    }

    /// `module | depends on | owns` rows: the module and the Spyglass modules it depends on.
    static func documentedModules(in document: String) -> [String: Set<String>] {
        var modules: [String: Set<String>] = [:]
        for line in document.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3 else { continue }
            let module = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            modules[module] = Set(cells[1].matches(of: /`([A-Za-z]+)`/).map { String($0.output.1) })
        }
        return modules
    }

    /// Every `.target` and `.executableTarget` of the manifest with the targets of this package it depends on
    /// (the quoted names in its dependency list, not the `.product(...)` entries).
    static func declaredTargets(in manifest: String) -> [String: Set<String>] {
        var targets: [String: Set<String>] = [:]
        for declaration in manifest.matches(of: /\.(?:target|executableTarget)\(\s*name: "([A-Za-z]+)"/) {
            let rest = manifest[declaration.range.upperBound...]
            guard let list = rest.firstRange(of: "dependencies: [") else {
                targets[String(declaration.output.1)] = []
                continue
            }
            // The list up to its closing bracket; products are dropped with their parentheses.
            var depth = 1
            var end = list.upperBound
            while depth > 0, end < rest.endIndex {
                if rest[end] == "[" { depth += 1 } else if rest[end] == "]" { depth -= 1 }
                if depth > 0 { end = rest.index(after: end) }
            }
            let entries = rest[list.upperBound..<end].replacing(/\.product\([^)]*\)/, with: "")
            targets[String(declaration.output.1)] = Set(entries.matches(of: /"([A-Za-z]+)"/).map { String($0.output.1) })
        }
        return targets
    }
}
