import Logging
@_spi(Locking) @_spi(Protobuf) import SpyglassCore

/// The series of one metric: lock-free lookup by label values, the cardinality guard, and exposition in a
/// stable order.
final class FamilyCore<Series: MetricSeries>: Sendable {
    let descriptor: MetricDescriptor
    /// ``MetricDescriptor/labelNames``, stored apart so lookups do not copy the descriptor.
    private let labelNames: [String]
    let context: SeriesContext
    private let index = AppendOnlyIndex<Series>()
    private let state = Locked(State())

    /// The label value every label of the overflow series has.
    static var overflowValue: String { "__overflow__" }

    private struct State {
        var count = 0
        /// Series past the limit share this one.
        var overflow: Series?
        /// Series in exposition order (by rendered labels), and those added since the last exposition.
        var sorted: [Series] = []
        var unsorted: [Series] = []
    }

    init(descriptor: MetricDescriptor, context: SeriesContext) {
        self.descriptor = descriptor
        labelNames = descriptor.labelNames
        self.context = context
    }

    /// The series for `values`, given in the order of the label names.
    func series(_ values: [String]) -> Series {
        guard values.count == descriptor.labelNames.count else {
            context.problems.rejectSeries(
                metric: descriptor.exposedName,
                reason: "label_count",
                metadata: ["expected": "\(descriptor.labelNames)", "given": "\(values)"]
            )
            return detachedSeries(values: values)
        }
        let hash = SeriesLabels.hash(values)
        if let series = index.first(hash: hash, where: { $0.labels.hash == hash && $0.labels.values == values }) {
            return series
        }
        return addSeries(values, hash: hash)
    }

    /// The series for swift-metrics dimensions, matched to the label names by name; `nil` when the names differ.
    func series(dimensions: [(String, String)]) -> Series? {
        let names = labelNames
        guard dimensions.count == names.count else { return nil }
        var inOrder = true
        for position in 0..<names.count where dimensions[position].0 != names[position] {
            inOrder = false
            break
        }
        guard inOrder else {
            var values: [String] = []
            values.reserveCapacity(names.count)
            for name in names {
                guard let value = dimensions.first(where: { $0.0 == name })?.1 else { return nil }
                values.append(value)
            }
            return series(values)
        }
        var hasher = LabelHasher()
        for position in 0..<dimensions.count { hasher.combine(dimensions[position].1) }
        let hash = hasher.finalize()
        let found = index.first(hash: hash) { series in
            guard series.labels.hash == hash else { return false }
            for position in 0..<dimensions.count where series.labels.values[position] != dimensions[position].1 {
                return false
            }
            return true
        }
        return found ?? addSeries(dimensions.map(\.1), hash: hash)
    }

    private func addSeries(_ values: [String], hash: Int) -> Series {
        state.withLock { state in
            if let series = index.first(hash: hash, where: { $0.labels.hash == hash && $0.labels.values == values }) {
                return series
            }
            guard state.count < descriptor.seriesLimit else {
                context.problems.rejectSeries(
                    metric: descriptor.exposedName,
                    reason: "limit",
                    metadata: ["limit": "\(descriptor.seriesLimit)", "labels": "\(values)"]
                )
                if let overflow = state.overflow { return overflow }
                let overflowValues = Array(repeating: Self.overflowValue, count: values.count)
                let overflow = Series(labels: SeriesLabels(names: descriptor.labelNames, values: overflowValues), context: context)
                state.overflow = overflow
                state.unsorted.append(overflow)
                return overflow
            }
            let series = Series(labels: SeriesLabels(names: descriptor.labelNames, values: values), context: context)
            index.insert(series, hash: hash)
            state.count += 1
            state.unsorted.append(series)
            return series
        }
    }

    /// A working series that belongs to no family and is never exposed.
    func detachedSeries(values: [String]) -> Series {
        Series(labels: SeriesLabels(names: [], values: values), context: context)
    }

    /// Every series, in exposition order: sorted by their rendered labels. Only series added since the last
    /// call are sorted, then merged, so a steady state costs one pass.
    var seriesInOrder: [Series] {
        state.withLock { state in
            guard !state.unsorted.isEmpty else { return state.sorted }
            let added = state.unsorted.sorted { $0.labels.rendered.lexicographicallyPrecedes($1.labels.rendered) }
            state.unsorted.removeAll()
            var merged: [Series] = []
            merged.reserveCapacity(state.sorted.count + added.count)
            var old = state.sorted.makeIterator()
            var new = added.makeIterator()
            var nextOld = old.next()
            var nextNew = new.next()
            while let oldSeries = nextOld, let newSeries = nextNew {
                if newSeries.labels.rendered.lexicographicallyPrecedes(oldSeries.labels.rendered) {
                    merged.append(newSeries)
                    nextNew = new.next()
                } else {
                    merged.append(oldSeries)
                    nextOld = old.next()
                }
            }
            while let series = nextOld {
                merged.append(series)
                nextOld = old.next()
            }
            while let series = nextNew {
                merged.append(series)
                nextNew = new.next()
            }
            state.sorted = merged
            return merged
        }
    }

    /// How many series the family holds, the overflow series not included.
    var seriesCount: Int { state.withLock { $0.count } }

    func write(to writer: inout ExpositionWriter) {
        let series = seriesInOrder
        guard !series.isEmpty else { return }
        writer.header(name: descriptor.familyName, type: descriptor.type, help: descriptor.help, unit: descriptor.unit)
        for one in series { one.write(to: &writer, name: descriptor.familyName) }
    }

    func encode(to writer: inout ProtobufWriter) {
        let series = seriesInOrder
        guard !series.isEmpty else { return }
        writer.metricFamily(descriptor) { family in
            for one in series { one.encode(to: &family, labelNames: labelNames) }
        }
    }
}
