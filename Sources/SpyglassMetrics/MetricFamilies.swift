/// A counter declared once with its help text, unit and label names; ``labels(_:)-(String...)`` binds it to
/// label values.
///
/// ```swift
/// let requests = registry.counter("http_requests_total", help: "HTTP requests", labels: ["method", "status"])
/// let ok = requests.labels("GET", "200")   // hold on to it: incrementing a held series is one atomic add
/// ok.increment()
/// ```
public final class CounterFamily: Sendable {
    let core: FamilyCore<CounterSeries>

    init(core: FamilyCore<CounterSeries>) { self.core = core }

    /// The name samples are exposed under.
    public var name: String { core.descriptor.exposedName }

    /// The series for `values`, one per label name in declaration order. The wrong number of values gives a
    /// working series that is never exposed, and one warning.
    public func labels(_ values: String...) -> CounterSeries { core.series(values) }

    /// The series for `values`, one per label name in declaration order.
    public func labels(_ values: [String]) -> CounterSeries { core.series(values) }
}

/// A gauge declared once with its help text, unit and label names; ``labels(_:)-(String...)`` binds it to
/// label values.
public final class GaugeFamily: Sendable {
    let core: FamilyCore<GaugeSeries>

    init(core: FamilyCore<GaugeSeries>) { self.core = core }

    /// The name samples are exposed under.
    public var name: String { core.descriptor.exposedName }

    /// The series for `values`, one per label name in declaration order.
    public func labels(_ values: String...) -> GaugeSeries { core.series(values) }

    /// The series for `values`, one per label name in declaration order.
    public func labels(_ values: [String]) -> GaugeSeries { core.series(values) }
}

/// A histogram declared once with its help text, unit, label names and bucket bounds;
/// ``labels(_:)-(String...)`` binds it to label values.
public final class HistogramFamily: Sendable {
    let core: FamilyCore<HistogramSeries>

    init(core: FamilyCore<HistogramSeries>) { self.core = core }

    /// The name samples are exposed under.
    public var name: String { core.descriptor.exposedName }

    /// The series for `values`, one per label name in declaration order.
    public func labels(_ values: String...) -> HistogramSeries { core.series(values) }

    /// The series for `values`, one per label name in declaration order.
    public func labels(_ values: [String]) -> HistogramSeries { core.series(values) }
}
