import Foundation

/// A Grafana dashboard (JSON model, schema version 39) whose panels query Prometheus through the `$datasource`
/// variable, scoped to the `$job` and `$instance` variables.
public struct GrafanaDashboard: Encodable, Sendable {
    /// One panel: a time series, a stat or a table of PromQL queries.
    public struct Panel: Encodable, Sendable {
        public enum Kind: String, Encodable, Sendable {
            case timeseries, stat, table
        }

        public struct Target: Encodable, Sendable {
            public let refId: String
            public let expr: String
            public let legendFormat: String
            let datasource = DataSourceReference()
            let instant: Bool?
            let format: String?
        }

        struct Position: Encodable, Sendable, Hashable {
            let h: Int
            let w: Int
            let x: Int
            let y: Int
        }

        struct FieldConfig: Encodable, Sendable {
            struct Defaults: Encodable, Sendable {
                let unit: String
                let min: Double?
                let max: Double?
            }

            let defaults: Defaults
            let overrides: [String] = []
        }

        public let id: Int
        public let type: Kind
        public let title: String
        public let description: String
        let gridPos: Position
        let datasource = DataSourceReference()
        public let targets: [Target]
        let fieldConfig: FieldConfig
    }

    struct DataSourceReference: Encodable, Sendable {
        let type = "prometheus"
        let uid = "${datasource}"
    }

    struct Templating: Encodable, Sendable {
        struct Variable: Encodable, Sendable {
            struct Current: Encodable, Sendable {
                let text: String
                let value: String
            }

            let name: String
            let label: String
            let type: String
            let query: String
            let datasource: DataSourceReference?
            let refresh: Int?
            let includeAll: Bool
            let multi: Bool
            let allValue: String?
            let current: Current?
        }

        let list: [Variable]
    }

    struct TimeRange: Encodable, Sendable {
        let from = "now-1h"
        let to = "now"
    }

    public let uid: String
    public let title: String
    public let tags: [String]
    let schemaVersion = 39
    let version = 1
    let editable = true
    let refresh = "30s"
    let timezone = "browser"
    let time = TimeRange()
    let templating: Templating
    public let panels: [Panel]

    /// The dashboard as Grafana imports it: pretty-printed, keys sorted so regenerating changes nothing.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Plain value types encode without failing.
        return ((try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}") + "\n"
    }
}

/// Builds a dashboard's panels row by row on Grafana's 24-column grid.
struct DashboardBuilder {
    /// What a panel shows, before it is placed.
    struct PanelSpec {
        let title: String
        let description: String
        let kind: GrafanaDashboard.Panel.Kind
        let unit: String
        let width: Int
        let queries: [(expr: String, legend: String)]
        var min: Double? = nil
        var max: Double? = nil
    }

    private(set) var panels: [GrafanaDashboard.Panel] = []
    private var x = 0
    private var y = 0
    private var rowHeight = 0

    /// Places `spec` after the previous panel, on a new row when it does not fit.
    mutating func add(_ spec: PanelSpec) {
        let height = spec.kind == .stat ? 4 : 8
        if x + spec.width > 24 {
            x = 0
            y += rowHeight
            rowHeight = 0
        }
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        panels.append(GrafanaDashboard.Panel(
            id: panels.count + 1,
            type: spec.kind,
            title: spec.title,
            description: spec.description,
            gridPos: .init(h: height, w: spec.width, x: x, y: y),
            targets: spec.queries.enumerated().map { index, query in
                .init(
                    refId: String(letters[index]), expr: query.expr, legendFormat: query.legend,
                    instant: spec.kind == .timeseries ? nil : true, format: spec.kind == .table ? "table" : nil
                )
            },
            fieldConfig: .init(defaults: .init(unit: spec.unit, min: spec.min, max: spec.max))
        ))
        x += spec.width
        rowHeight = max(rowHeight, height)
    }

    func dashboard(uid: String, title: String, service: String) -> GrafanaDashboard {
        GrafanaDashboard(
            uid: uid,
            title: title,
            tags: ["spyglass", service],
            templating: .init(list: [
                .init(name: "datasource", label: "Data source", type: "datasource", query: "prometheus", datasource: nil, refresh: nil,
                      includeAll: false, multi: false, allValue: nil, current: nil),
                .init(name: "job", label: "Service", type: "query", query: "label_values(up, job)", datasource: .init(), refresh: 1,
                      includeAll: false, multi: false, allValue: nil, current: .init(text: service, value: service)),
                .init(name: "instance", label: "Instance", type: "query", query: "label_values(up{job=\"$job\"}, instance)", datasource: .init(),
                      refresh: 2, includeAll: true, multi: true, allValue: ".*", current: .init(text: "All", value: "$__all")),
            ]),
            panels: panels
        )
    }
}
