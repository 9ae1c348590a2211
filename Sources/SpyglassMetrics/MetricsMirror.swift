import CoreMetrics

/// A second metrics backend that every series of a registry also records into, under the same name and labels:
/// swift-otel's factory when metrics are exported over OTLP, so what `/metrics` serves is exported as well.
struct MetricsMirror: Sendable {
    let factory: any MetricsFactory
    /// The metric's name there: the OpenMetrics family name, so a counter's has no `_total` (OpenTelemetry's
    /// convention; Prometheus adds it back when it ingests OTLP).
    let name: String
    let labelNames: [String]

    func counter(_ labels: SeriesLabels) -> any FloatingPointCounterHandler {
        factory.makeFloatingPointCounter(label: name, dimensions: dimensions(labels))
    }

    func meter(_ labels: SeriesLabels) -> any MeterHandler {
        factory.makeMeter(label: name, dimensions: dimensions(labels))
    }

    func histogram(_ labels: SeriesLabels) -> any RecorderHandler {
        factory.makeRecorder(label: name, dimensions: dimensions(labels), aggregate: true)
    }

    private func dimensions(_ labels: SeriesLabels) -> [(String, String)] {
        Array(zip(labelNames, labels.values))
    }
}
