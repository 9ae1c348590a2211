import CoreMetrics
import Synchronization
@_spi(Locking) @_spi(Protobuf) import SpyglassCore

/// One series of a counter: a value that only goes up.
///
/// Whole-number increments are one atomic add; fractional ones (costs in USD) a compare-and-swap. When the
/// registry has an ``ExemplarSource`` and a sampled span is active, the increment is also kept as the series'
/// exemplar.
public final class CounterSeries: MetricSeries {
    /// The label values this series stands for.
    public let labels: SeriesLabels
    private let context: SeriesContext
    private let whole = Atomic<UInt64>(0)
    /// A `Double`'s bits: the sum of fractional increments.
    private let fraction = Atomic<UInt64>(0)
    private let exemplar = Locked<Exemplar?>(nil)
    private let mirrored: (any FloatingPointCounterHandler)?

    init(labels: SeriesLabels, context: SeriesContext) {
        self.labels = labels
        self.context = context
        mirrored = context.mirror?.counter(labels)
    }

    /// Adds one.
    @inline(__always)
    public func increment() { increment(by: 1) }

    /// Adds `amount`. A negative amount is ignored and logged once: counters never go down.
    public func increment(by amount: Int) {
        guard amount >= 0 else {
            context.rejectValue(Double(amount), because: "a counter cannot decrease")
            return
        }
        whole.wrappingAdd(UInt64(amount), ordering: .relaxed)
        mirrored?.increment(by: Double(amount))
        if let source = context.exemplars { keepExemplar(Double(amount), from: source) }
    }

    /// Adds `amount`. A negative, infinite or NaN amount is ignored and logged once.
    public func increment(by amount: Double) {
        guard amount >= 0, amount.isFinite else {
            context.rejectValue(amount, because: "a counter increment must be finite and not negative")
            return
        }
        fraction.add(amount)
        mirrored?.increment(by: amount)
        if let source = context.exemplars { keepExemplar(amount, from: source) }
    }

    /// The current total.
    public var value: Double { Double(whole.load(ordering: .relaxed)) + fraction.double }

    /// Sets the total back to zero (swift-metrics' `reset()`).
    func resetToZero() {
        whole.store(0, ordering: .relaxed)
        fraction.store(0.0.bitPattern, ordering: .relaxed)
        mirrored?.reset()
    }

    private func keepExemplar(_ amount: Double, from source: ExemplarSource) {
        guard let span = source.currentSpan() else { return }
        let sample = Exemplar(span: span, value: amount)
        exemplar.withLock { $0 = sample }
    }

    func write(to writer: inout ExpositionWriter, name: String) {
        let kept = context.exemplars == nil ? nil : exemplar.withLock { $0 }
        writer.sample(name: name, suffix: "_total", labels: labels.rendered, value: value, exemplar: kept)
    }

    func encode(to writer: inout ProtobufWriter, labelNames: [String]) {
        let kept = context.exemplars == nil ? nil : exemplar.withLock { $0 }
        writer.metric(labels: labelNames, values: labels.values) { metric in
            metric.message(3) { counter in
                counter.double(1, value)
                if let kept { counter.exemplar(2, kept) }
            }
        }
    }
}
