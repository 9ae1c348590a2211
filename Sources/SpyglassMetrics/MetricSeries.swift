@_spi(Protobuf) import SpyglassCore

/// One series of a metric: a label set and its value(s).
protocol MetricSeries: AnyObject, Sendable {
    var labels: SeriesLabels { get }
    init(labels: SeriesLabels, context: SeriesContext)
    /// Writes the series' sample lines; `name` is the family name as OpenMetrics has it.
    func write(to writer: inout ExpositionWriter, name: String)
    /// Writes the series as one protobuf `Metric` field of its family, labelled with `labelNames`.
    func encode(to writer: inout ProtobufWriter, labelNames: [String])
}
