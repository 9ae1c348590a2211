/// A Prometheus rule file: groups of recording and alerting rules.
public struct PrometheusRuleFile: Encodable, Sendable, Hashable {
    public struct Group: Encodable, Sendable, Hashable {
        public var name: String
        public var interval: String?
        public var rules: [Rule]
    }

    public struct Rule: Encodable, Sendable, Hashable {
        public var record: String?
        public var alert: String?
        public var expr: String
        public var `for`: String?
        var labels: OrderedMapping?
        var annotations: OrderedMapping?

        enum CodingKeys: String, CodingKey { case record, alert, expr, `for`, labels, annotations }

        static func recording(_ name: String, _ expr: String, labels: [(String, String)] = []) -> Rule {
            Rule(record: name, alert: nil, expr: expr, for: nil, labels: labels.isEmpty ? nil : OrderedMapping(labels), annotations: nil)
        }

        static func alerting(
            _ name: String,
            _ expr: String,
            for duration: String?,
            labels: [(String, String)],
            annotations: [(String, String)]
        ) -> Rule {
            Rule(record: nil, alert: name, expr: expr, for: duration, labels: OrderedMapping(labels), annotations: OrderedMapping(annotations))
        }

        /// The value of label `name`, if set.
        public func label(_ name: String) -> String? { labels?.pairs.first { $0.key == name }?.value }

        /// The value of annotation `name`, if set.
        public func annotation(_ name: String) -> String? { annotations?.pairs.first { $0.key == name }?.value }
    }

    public var groups: [Group]

    /// Every rule of every group.
    public var rules: [Rule] { groups.flatMap(\.rules) }

    /// The file as Prometheus reads it.
    public func yaml(header: String) -> String { YAMLOutput.render(self, header: header) }
}
