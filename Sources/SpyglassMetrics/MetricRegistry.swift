public import CoreMetrics
@_spi(Locking) @_spi(Protobuf) import SpyglassCore
public import Logging
import Synchronization

/// Holds every metric of a service and renders them for Prometheus.
///
/// Metrics are declared once with the typed API (``counter(_:help:unit:labels:seriesLimit:)`` and friends)
/// or arrive through swift-metrics via ``SpyglassMetricsFactory``; both land in the same families. Nothing
/// here crashes the service: a conflicting declaration, a label set over the limit, or a value a metric cannot
/// take is logged once per metric, counted, and answered with a working handle.
///
/// Lookups by name and by label values take no lock and allocate nothing; only adding a series locks its one
/// metric.
public final class MetricRegistry: Sendable {
    /// Naming and limits.
    public let configuration: MetricsConfiguration
    let exemplars: ExemplarSource?
    let problems: ProblemReporter
    /// The backend every series also records into.
    private let mirror: (any MetricsFactory)?

    final class Entry: Sendable {
        /// The name looked up by (``MetricDescriptor/name``), stored apart so a lookup does not copy the descriptor.
        let name: String
        let hash: Int
        let descriptor: MetricDescriptor
        let family: Family

        init(descriptor: MetricDescriptor, family: Family) {
            name = descriptor.name
            hash = LabelHasher.hash(CollectionOfOne(descriptor.name))
            self.descriptor = descriptor
            self.family = family
        }
    }

    enum Family: Sendable {
        case counter(CounterFamily)
        case gauge(GaugeFamily)
        case histogram(HistogramFamily)
        case observed(ObservedFamily)

        func write(to writer: inout ExpositionWriter) {
            switch self {
            case .counter(let family): family.core.write(to: &writer)
            case .gauge(let family): family.core.write(to: &writer)
            case .histogram(let family): family.core.write(to: &writer)
            case .observed(let family): family.write(to: &writer)
            }
        }

        func encode(to writer: inout ProtobufWriter) {
            switch self {
            case .counter(let family): family.core.encode(to: &writer)
            case .gauge(let family): family.core.encode(to: &writer)
            case .histogram(let family): family.core.encode(to: &writer)
            case .observed(let family): family.encode(to: &writer)
            }
        }
    }

    private let index = AppendOnlyIndex<Entry>()
    /// Every registered family, sorted by exposed name: the exposition order.
    private let entries = Locked<[Entry]>([])
    /// The size of the last exposition, to size the next one's buffer.
    private let lastRenderSize = Atomic<Int>(4096)

    /// Creates a registry.
    ///
    /// - Parameters:
    ///   - configuration: namespace and default series limit.
    ///   - exemplars: where to find the active sampled span; `nil` records no exemplars.
    ///   - logger: where misuse is reported, once per metric and problem.
    ///   - mirror: a metrics backend every counter, gauge and histogram series also records into, under the same
    ///     name (a counter's without `_total`) and labels: swift-otel's factory, to export over OTLP what
    ///     `/metrics` serves. Observed metrics (read from closures when rendered) are not mirrored. Default none.
    public init(
        configuration: MetricsConfiguration = MetricsConfiguration(),
        exemplars: ExemplarSource? = nil,
        logger: Logger = Logger(label: "spyglass.metrics"),
        mirror: (any MetricsFactory)? = nil
    ) {
        var configuration = configuration
        if let native = configuration.nativeHistograms, case let usable = native.usable, usable != native {
            logger.warning("native_histograms_adjusted", metadata: [
                "schema": "\(native.schema) → \(usable.schema)", "max_bucket_count": "\(native.maxBucketCount) → \(usable.maxBucketCount)",
                "allowed": "a schema from -4 to 8 and at least one bucket",
            ])
            configuration.nativeHistograms = usable
        }
        self.configuration = configuration
        self.exemplars = exemplars
        self.mirror = mirror
        problems = ProblemReporter(logger: logger)
        let problems = problems
        observe(StandardMetrics.seriesRejected.definition) { problems.rejectedSeries.map { (labels: [$0.key], value: Double($0.value)) } }
        observe(StandardMetrics.registrationsRejected.definition) {
            problems.rejectedRegistrations.map { (labels: [$0.key], value: Double($0.value)) }
        }
    }

    // MARK: Declaring metrics

    /// Declares a counter, or returns the one already declared under `name`.
    ///
    /// - Parameters:
    ///   - name: the Prometheus name, conventionally ending in `_total`; the namespace is prefixed.
    ///   - help: what it counts, shown as `# HELP`.
    ///   - unit: the unit the name ends in (`seconds`, `bytes`), shown as OpenMetrics `# UNIT`.
    ///   - labels: label names, in the order ``CounterFamily/labels(_:)-(String...)`` takes values.
    ///   - seriesLimit: most label sets; default ``MetricsConfiguration/seriesLimit``.
    /// - Returns: the family. When `name` is taken by another type or label set, or a name is invalid, a
    ///   working family that is never exposed, and one warning.
    public func counter(_ name: String, help: String, unit: String? = nil, labels: [String] = [], seriesLimit: Int? = nil) -> CounterFamily {
        let descriptor = describe(name, .counter, help: help, unit: unit, labels: labels, seriesLimit: seriesLimit)
        let make = { CounterFamily(core: FamilyCore(descriptor: descriptor, context: self.context(for: descriptor))) }
        guard case .counter(let family)? = register(descriptor, make: { .counter(make()) }) else { return make() }
        return family
    }

    /// Declares a gauge, or returns the one already declared under `name`. Parameters as for
    /// ``counter(_:help:unit:labels:seriesLimit:)``.
    public func gauge(_ name: String, help: String, unit: String? = nil, labels: [String] = [], seriesLimit: Int? = nil) -> GaugeFamily {
        let descriptor = describe(name, .gauge, help: help, unit: unit, labels: labels, seriesLimit: seriesLimit)
        let make = { GaugeFamily(core: FamilyCore(descriptor: descriptor, context: self.context(for: descriptor))) }
        guard case .gauge(let family)? = register(descriptor, make: { .gauge(make()) }) else { return make() }
        return family
    }

    /// Declares a histogram, or returns the one already declared under `name`. Parameters as for
    /// ``counter(_:help:unit:labels:seriesLimit:)``, and `buckets`: finite upper bounds, strictly ascending
    /// (`+Inf` is added). A histogram declared again with other buckets keeps its first ones.
    public func histogram(
        _ name: String,
        help: String,
        unit: String? = nil,
        labels: [String] = [],
        buckets: [Double] = HistogramBuckets.seconds,
        seriesLimit: Int? = nil
    ) -> HistogramFamily {
        var descriptor = describe(name, .histogram, help: help, unit: unit, labels: labels, buckets: buckets, seriesLimit: seriesLimit)
        if let problem = HistogramBuckets.problem(with: buckets) {
            problems.rejectRegistration(metric: descriptor.exposedName, problem: problem)
            descriptor = describe(name, .histogram, help: help, unit: unit, labels: labels, buckets: HistogramBuckets.seconds, seriesLimit: seriesLimit)
            return HistogramFamily(core: FamilyCore(descriptor: descriptor, context: context(for: descriptor)))
        }
        let make = { HistogramFamily(core: FamilyCore(descriptor: descriptor, context: self.context(for: descriptor))) }
        switch register(descriptor, make: { .histogram(make()) }) {
        case .histogram(let family)?: return family
        default: return make()
        }
    }

    /// Exposes a counter whose value `value` returns at each rendering, for totals kept elsewhere.
    public func observeCounter(_ name: String, help: String, unit: String? = nil, labels: [(String, String)] = [], value: @escaping @Sendable () -> Double) {
        let values = labels.map(\.1)
        observe(.counter, name, help: help, unit: unit, labelNames: labels.map(\.0)) { [(labels: values, value: value())] }
    }

    /// Exposes a gauge whose value `value` returns at each rendering.
    public func observeGauge(_ name: String, help: String, unit: String? = nil, labels: [(String, String)] = [], value: @escaping @Sendable () -> Double) {
        let values = labels.map(\.1)
        observe(.gauge, name, help: help, unit: unit, labelNames: labels.map(\.0)) { [(labels: values, value: value())] }
    }

    /// Exposes the observed metric `definition` describes (a counter or gauge), its samples read from `observation`.
    func observe(_ definition: MetricDefinition, observation: @escaping ObservedFamily.Observation) {
        observe(MetricType(definition.kind), definition.name, help: definition.help, unit: definition.unit, labelNames: definition.labels, observation: observation)
    }

    func observe(
        _ type: MetricType,
        _ name: String,
        help: String,
        unit: String?,
        labelNames: [String],
        observation: @escaping ObservedFamily.Observation
    ) {
        let descriptor = describe(name, type, help: help, unit: unit, labels: labelNames, seriesLimit: nil, isObserved: true)
        guard case .observed(let family)? = register(descriptor, make: { .observed(ObservedFamily(descriptor: descriptor)) }) else {
            return
        }
        family.add(observation)
    }

    /// The descriptor for a declaration, with invalid names reported (the family then stays unexposed).
    private func describe(
        _ name: String,
        _ type: MetricType,
        help: String,
        unit: String?,
        labels: [String],
        buckets: [Double] = [],
        seriesLimit: Int?,
        isObserved: Bool = false
    ) -> MetricDescriptor {
        MetricDescriptor(
            name: name,
            namespace: configuration.namespace,
            type: type,
            help: help,
            unit: unit,
            labelNames: labels,
            buckets: buckets,
            seriesLimit: max(1, seriesLimit ?? configuration.seriesLimit),
            isObserved: isObserved
        )
    }

    private func context(for descriptor: MetricDescriptor) -> SeriesContext {
        SeriesContext(
            metric: descriptor.exposedName,
            exemplars: exemplars,
            bucketBounds: descriptor.buckets,
            native: descriptor.type == .histogram ? configuration.nativeHistograms : nil,
            problems: problems,
            mirror: mirror.map { MetricsMirror(factory: $0, name: descriptor.familyName, labelNames: descriptor.labelNames) }
        )
    }

    /// The family registered under the descriptor's name: the existing one when compatible, a new one when the
    /// name is free, `nil` (reported) when the declaration is invalid or conflicts.
    private func register(_ descriptor: MetricDescriptor, make: () -> Family) -> Family? {
        if let problem = descriptor.namingProblem {
            problems.rejectRegistration(metric: descriptor.exposedName, problem: problem)
            return nil
        }
        let hash = LabelHasher.hash(CollectionOfOne(descriptor.name))
        if let existing = index.first(hash: hash, where: { $0.hash == hash && $0.name == descriptor.name }) {
            return compatible(existing, descriptor)
        }
        return entries.withLock { entries in
            if let existing = index.first(hash: hash, where: { $0.hash == hash && $0.name == descriptor.name }) {
                return compatible(existing, descriptor)
            }
            let entry = Entry(descriptor: descriptor, family: make())
            if case .counter(let family) = entry.family, descriptor.labelNames.isEmpty { _ = family.labels() }
            if case .gauge(let family) = entry.family, descriptor.labelNames.isEmpty { _ = family.labels() }
            if case .histogram(let family) = entry.family, descriptor.labelNames.isEmpty { _ = family.labels() }
            index.insert(entry, hash: hash)
            let position = entries.firstIndex { descriptor.exposedName < $0.descriptor.exposedName } ?? entries.count
            entries.insert(entry, at: position)
            return entry.family
        }
    }

    private func compatible(_ existing: Entry, _ descriptor: MetricDescriptor) -> Family? {
        guard let conflict = existing.descriptor.conflict(with: descriptor) else { return existing.family }
        problems.rejectRegistration(metric: descriptor.exposedName, problem: conflict)
        // Other buckets still record into the registered histogram: the observations are not lost.
        if existing.descriptor.type == descriptor.type, existing.descriptor.labelNames == descriptor.labelNames,
            existing.descriptor.isObserved == descriptor.isObserved
        {
            return existing.family
        }
        return nil
    }

    /// The family registered under `name` (before the namespace), if any.
    func family(named name: String) -> Family? {
        withFamily(named: name) { $0 }
    }

    /// `body` applied to the family registered under `name`, borrowed rather than retained: the lookup path of
    /// every swift-metrics handle.
    @inline(__always)
    func withFamily<Result>(named name: String, _ body: (Family) -> Result?) -> Result? {
        let hash = LabelHasher.hash(CollectionOfOne(name))
        return index.withFirst(hash: hash, where: { $0.hash == hash && $0.name == name }) { body($0.family) }
    }

    // MARK: Exposition

    /// Every family in `format`: families by name, series by label values, so the same state always renders
    /// the same bytes.
    public func render(_ format: ExpositionFormat = .prometheusText) -> [UInt8] {
        let families = entries.withLock { $0 }
        if format == .prometheusProtobuf {
            var writer = ProtobufWriter(capacity: lastRenderSize.load(ordering: .relaxed) + 1024)
            for entry in families { entry.family.encode(to: &writer) }
            let bytes = writer.finish()
            lastRenderSize.store(bytes.count, ordering: .relaxed)
            return bytes
        }
        var writer = ExpositionWriter(format: format, capacity: lastRenderSize.load(ordering: .relaxed) + 1024)
        for entry in families { entry.family.write(to: &writer) }
        let bytes = writer.finish()
        lastRenderSize.store(bytes.count, ordering: .relaxed)
        return bytes
    }
}
