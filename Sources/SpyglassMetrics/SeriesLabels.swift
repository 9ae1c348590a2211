/// The label values that identify one series of a metric, with what lookups and exposition need precomputed.
public struct SeriesLabels: Sendable, Hashable {
    /// Values in the order of the metric's label names.
    public let values: [String]
    /// `name="value",…` with values escaped for the exposition formats; empty for a metric without labels.
    let rendered: [UInt8]
    let hash: Int

    init(names: [String], values: [String]) {
        self.values = values
        hash = Self.hash(values)
        var rendered: [UInt8] = []
        for (index, name) in names.enumerated() {
            if index > 0 { rendered.append(UInt8(ascii: ",")) }
            rendered.append(contentsOf: name.utf8)
            rendered.append(contentsOf: "=\"".utf8)
            rendered.appendEscapedLabelValue(values[index])
            rendered.append(UInt8(ascii: "\""))
        }
        self.rendered = rendered
    }

    static func hash(_ values: some Sequence<String>) -> Int { LabelHasher.hash(values) }

    public static func == (lhs: SeriesLabels, rhs: SeriesLabels) -> Bool { lhs.values == rhs.values }
    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

extension [UInt8] {
    /// A label value as both exposition formats write it: `\`, `"` and line feeds escaped, all else verbatim UTF-8.
    mutating func appendEscapedLabelValue(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\""): append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\n"): append(contentsOf: #"\n"#.utf8)
            default: append(byte)
            }
        }
    }
}
