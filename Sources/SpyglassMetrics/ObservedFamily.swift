@_spi(Locking) @_spi(Protobuf) import SpyglassCore

/// A counter or gauge whose values are read when the registry is rendered, from closures: process metrics,
/// `app_info`, counts kept elsewhere (lines dropped by log sampling).
final class ObservedFamily: Sendable {
    /// Returns the samples to expose now: label values in the order of the label names, and the value.
    typealias Observation = @Sendable () -> [(labels: [String], value: Double)]

    let descriptor: MetricDescriptor
    private let observations = Locked<[Observation]>([])

    init(descriptor: MetricDescriptor) { self.descriptor = descriptor }

    func add(_ observation: @escaping Observation) {
        observations.withLock { $0.append(observation) }
    }

    /// The samples now, in exposition order.
    private var samples: [(labels: SeriesLabels, value: Double)] {
        observations.withLock { $0 }.flatMap { $0() }
            .map { (labels: SeriesLabels(names: descriptor.labelNames, values: $0.labels), value: $0.value) }
            .sorted { $0.labels.rendered.lexicographicallyPrecedes($1.labels.rendered) }
    }

    func encode(to writer: inout ProtobufWriter) {
        let samples = samples
        guard !samples.isEmpty else { return }
        let isCounter = descriptor.type == .counter
        writer.metricFamily(descriptor) { family in
            for sample in samples {
                family.metric(labels: descriptor.labelNames, values: sample.labels.values) { metric in
                    metric.message(isCounter ? 3 : 2) { $0.double(1, sample.value) }
                }
            }
        }
    }

    func write(to writer: inout ExpositionWriter) {
        let samples = samples
        guard !samples.isEmpty else { return }
        let name = descriptor.familyName
        writer.header(name: name, type: descriptor.type, help: descriptor.help, unit: descriptor.unit)
        for sample in samples {
            writer.sample(name: name, suffix: descriptor.type == .counter ? "_total" : "", labels: sample.labels.rendered, value: sample.value)
        }
    }
}
