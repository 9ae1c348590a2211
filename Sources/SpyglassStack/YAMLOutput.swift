import Yams

/// Keys and values written in the order given, as YAML mappings are read by people.
struct OrderedMapping: Encodable, Sendable, Hashable {
    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var pairs: [(key: String, value: String)]

    init(_ pairs: [(String, String)]) { self.pairs = pairs.map { (key: $0.0, value: $0.1) } }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for pair in pairs { try container.encode(pair.value, forKey: Key(stringValue: pair.key)) }
    }

    static func == (lhs: OrderedMapping, rhs: OrderedMapping) -> Bool {
        lhs.pairs.map(\.key) == rhs.pairs.map(\.key) && lhs.pairs.map(\.value) == rhs.pairs.map(\.value)
    }

    func hash(into hasher: inout Hasher) {
        for pair in pairs {
            hasher.combine(pair.key)
            hasher.combine(pair.value)
        }
    }
}

enum YAMLOutput {
    /// `value` as YAML, fields in declaration order, lines never wrapped, after a comment naming the generator.
    static func render(_ value: some Encodable, header: String) -> String {
        let encoder = YAMLEncoder()
        encoder.options.width = -1
        encoder.options.allowUnicode = true
        // Encoding plain value types into YAML cannot fail.
        let body = (try? encoder.encode(value)) ?? ""
        return comment(header) + "\n" + body
    }

    /// `header` as YAML comment lines.
    static func comment(_ header: String) -> String {
        header.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)" }.joined(separator: "\n")
    }
}
