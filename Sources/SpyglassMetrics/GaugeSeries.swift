@_spi(Protobuf) import SpyglassCore
import CoreMetrics
import Synchronization

/// One series of a gauge: a value that goes up and down.
public final class GaugeSeries: MetricSeries {
    /// The label values this series stands for.
    public let labels: SeriesLabels
    private let bits = Atomic<UInt64>(0.0.bitPattern)
    private let mirrored: (any MeterHandler)?

    init(labels: SeriesLabels, context: SeriesContext) {
        self.labels = labels
        mirrored = context.mirror?.meter(labels)
    }

    /// Replaces the value.
    public func set(_ value: Double) {
        bits.store(value.bitPattern, ordering: .relaxed)
        mirrored?.set(value)
    }

    /// Replaces the value.
    public func set(_ value: Int) { set(Double(value)) }

    /// Adds `amount` (default 1).
    public func increment(by amount: Double = 1) {
        bits.add(amount)
        mirrored?.increment(by: amount)
    }

    /// Subtracts `amount` (default 1).
    public func decrement(by amount: Double = 1) {
        bits.add(-amount)
        mirrored?.decrement(by: amount)
    }

    /// The current value.
    public var value: Double { bits.double }

    func write(to writer: inout ExpositionWriter, name: String) {
        writer.sample(name: name, labels: labels.rendered, value: value)
    }

    func encode(to writer: inout ProtobufWriter, labelNames: [String]) {
        writer.metric(labels: labelNames, values: labels.values) { metric in
            metric.message(2) { $0.double(1, value) }
        }
    }
}
