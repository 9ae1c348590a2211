import Foundation
import SpyglassMetrics
import SpyglassStack
import SpyglassTestSupport
import Testing

/// The committed dashboards, read as Grafana reads them: valid JSON model, unique ids, a grid without overlaps,
/// every query bound to the data source variable and naming only metrics Spyglass emits.
@Suite struct DashboardStructureTests {
    static let folder = Peers.repository.appendingPathComponent("deploy/grafana/dashboards")

    private func dashboards() throws -> [(file: String, json: [String: Any])] {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { file in
            let data = try Data(contentsOf: Self.folder.appendingPathComponent(file))
            return (file, try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(file) is not a JSON object"))
        }
    }

    @Test func theFiveDashboardsAreThere() throws {
        #expect(try dashboards().map(\.file) == [
            "spyglass-demo-agents-jobs.json", "spyglass-demo-cache.json", "spyglass-demo-database.json", "spyglass-demo-genai.json", "spyglass-demo-overview.json",
        ])
    }

    @Test func eachDashboardIsAWellFormedGrafanaModel() throws {
        var uids: Set<String> = []
        for (file, dashboard) in try dashboards() {
            #expect(dashboard["schemaVersion"] as? Int == 39, "\(file)")
            let uid = try #require(dashboard["uid"] as? String)
            #expect(uid.count <= 40 && uids.insert(uid).inserted, "\(file): uid \(uid) missing, too long or not unique")
            let variables = ((dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]]) ?? []
            #expect(variables.map { $0["name"] as? String } == ["datasource", "job", "instance"], "\(file)")
            #expect(variables.first?["type"] as? String == "datasource" && variables.first?["query"] as? String == "prometheus")

            let panels = try #require(dashboard["panels"] as? [[String: Any]])
            #expect(!panels.isEmpty)
            #expect(Set(panels.compactMap { $0["id"] as? Int }).count == panels.count, "\(file): panel ids are not unique")
            var cells: Set<[Int]> = []
            for panel in panels {
                let title = panel["title"] as? String ?? "?"
                let grid = try #require(panel["gridPos"] as? [String: Int], "\(file) \(title)")
                let (x, y, w, h) = (grid["x"]!, grid["y"]!, grid["w"]!, grid["h"]!)
                #expect(x >= 0 && w > 0 && x + w <= 24 && h > 0, "\(file) \(title): \(grid) leaves the 24-column grid")
                for column in x..<(x + w) {
                    for row in y..<(y + h) {
                        #expect(cells.insert([column, row]).inserted, "\(file) \(title) overlaps another panel at \(column),\(row)")
                    }
                }
                #expect((panel["datasource"] as? [String: String])?["uid"] == "${datasource}", "\(file) \(title)")
                let targets = try #require(panel["targets"] as? [[String: Any]], "\(file) \(title)")
                #expect(!targets.isEmpty)
                for target in targets {
                    #expect((target["datasource"] as? [String: String])?["uid"] == "${datasource}", "\(file) \(title)")
                    #expect(!(target["expr"] as? String ?? "").isEmpty, "\(file) \(title)")
                }
            }
        }
    }

    /// Every metric a query names is one Spyglass defines (a histogram's native series by its own name, its
    /// classic `_bucket`, `_count` and `_sum`), scoped to the `$job` and `$instance` variables.
    @Test func everyQueryNamesAMetricSpyglassEmits() throws {
        let known = Set(StandardMetrics.all.flatMap { metric -> [String] in
            let name = metric.definition.exposedName(namespace: nil)
            return metric.definition.kind == .histogram ? [name, name + "_bucket", name + "_count", name + "_sum"] : [name]
        })
        let selector = try Regex(#"([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}"#)
        for (file, dashboard) in try dashboards() {
            for panel in dashboard["panels"] as? [[String: Any]] ?? [] {
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    let expr = target["expr"] as? String ?? ""
                    let matches = expr.matches(of: selector)
                    #expect(!matches.isEmpty, "\(file): \(expr) selects no metric")
                    for match in matches {
                        let name = String(match.output[1].substring ?? "")
                        let matchers = String(match.output[2].substring ?? "")
                        #expect(known.contains(name), "\(file): \(name) is not a metric Spyglass emits")
                        #expect(matchers.hasPrefix(#"job="$job",instance=~"$instance""#), "\(file): \(name){\(matchers)} is not scoped to the variables")
                    }
                }
            }
        }
    }
}
