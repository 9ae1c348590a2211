import Foundation
import SpyglassCore
import SpyglassTestSupport
import Testing

@testable import SpyglassMetrics

@Suite struct NativeHistogramTests {
    /// Draws from a distribution, each value in 100 ns … 100 s.
    enum Distribution: String, CaseIterable, CustomTestStringConvertible {
        /// Even over the whole range: most values are large.
        case uniform
        /// Log-normal around 2 ms, σ = 1.5 (as request latencies look).
        case logNormal
        /// Two modes: cache hits around 150 µs and slow calls around 1.2 s.
        case bimodal
        /// Log-uniform over all nine decades: every magnitude equally likely.
        case logUniform

        var testDescription: String { rawValue }

        func sample(_ random: inout SeededRandom) -> Double {
            let value: Double
            switch self {
            case .uniform:
                value = Double.random(in: 1e-7...100, using: &random)
            case .logNormal:
                value = 0.002 * exp(1.5 * Self.normal(&random))
            case .bimodal:
                value = Bool.random(using: &random) ? 150e-6 * exp(0.3 * Self.normal(&random)) : 1.2 * exp(0.4 * Self.normal(&random))
            case .logUniform:
                value = pow(10, Double.random(in: -7...2, using: &random))
            }
            return min(max(value, 1e-7), 100)
        }

        /// Box–Muller: one standard normal draw.
        private static func normal(_ random: inout SeededRandom) -> Double {
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random)
            let u2 = Double.random(in: 0..<1, using: &random)
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
    }

    static let quantiles = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]

    /// The exact quantile as the estimate defines it: the observation of rank ⌈q × n⌉.
    static func exactQuantile(_ q: Double, of sorted: [Double]) -> Double {
        sorted[max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
    }

    /// Every quantile read from the registry's native buckets is within the stated relative error of the exact one.
    @Test(arguments: Distribution.allCases)
    func quantilesAreWithinTheStatedRelativeError(distribution: Distribution) throws {
        let registry = MetricRegistry()
        let series = registry.histogram("latency_seconds", help: "h", unit: "seconds").labels()
        var random = SeededRandom(seed: 22)
        let values = (0..<200_000).map { _ in distribution.sample(&random) }
        for value in values { series.observe(value) }
        let native = try #require(series.nativeHistogram)
        #expect(native.schema == 5)
        #expect(native.count == UInt64(values.count))
        let bound = NativeHistogramConfiguration.relativeError(atSchema: native.schema)
        #expect(bound < 0.025)
        let sorted = values.sorted()
        for q in Self.quantiles {
            let exact = Self.exactQuantile(q, of: sorted)
            let estimate = try #require(native.quantile(q))
            #expect(abs(estimate - exact) / exact <= bound, "\(distribution) q=\(q): \(estimate) vs exact \(exact)")
        }
    }

    /// Reduced to a lower schema (as exposition does past the bucket limit), the bound doubles per step and holds.
    @Test(arguments: [4, 2, 0, -2])
    func reducedHistogramsKeepTheirOwnBound(schema: Int) throws {
        let registry = MetricRegistry()
        let series = registry.histogram("latency_seconds", help: "h", unit: "seconds").labels()
        var random = SeededRandom(seed: 7)
        let values = (0..<50_000).map { _ in Distribution.logNormal.sample(&random) }
        for value in values { series.observe(value) }
        let native = try #require(series.nativeHistogram).reduced(toSchema: schema)
        #expect(native.schema == schema)
        #expect(native.count == UInt64(values.count))
        let bound = NativeHistogramConfiguration.relativeError(atSchema: schema)
        let sorted = values.sorted()
        for q in Self.quantiles {
            let exact = Self.exactQuantile(q, of: sorted)
            let estimate = try #require(native.quantile(q))
            #expect(abs(estimate - exact) / exact <= bound, "schema \(schema) q=\(q): \(estimate) vs exact \(exact)")
        }
    }

    /// Merging buckets keeps every bucket's observations between its new bounds.
    @Test func reductionMovesEachBucketIntoTheOneThatContainsIt() throws {
        let full = NativeHistogram(schema: 3, zeroThreshold: 0x1p-64, positive: (-20...20).map { .init(index: $0, count: UInt64($0 + 21)) })
        for target in -4...2 {
            let reduced = full.reduced(toSchema: target)
            #expect(reduced.count == full.count)
            let fine = try #require(ExponentialBucketSchema(3))
            let coarse = try #require(ExponentialBucketSchema(target))
            for bucket in full.positive {
                let merged = ((bucket.index - 1) >> (3 - target)) + 1
                #expect(coarse.upperBound(of: merged - 1) <= fine.upperBound(of: bucket.index - 1))
                #expect(fine.upperBound(of: bucket.index) <= coarse.upperBound(of: merged))
            }
        }
    }

    @Test func theBucketLimitLowersTheResolutionUntilTheBucketsFit() {
        let wide = NativeHistogram(schema: 5, zeroThreshold: 0x1p-64, positive: (0..<1_000).map { .init(index: $0 * 3, count: 1) })
        let limited = wide.limited(toBuckets: 160)
        #expect(limited.positive.count <= 160)
        #expect(wide.reduced(toSchema: limited.schema + 1).positive.count > 160)
        #expect(limited.count == 1_000)
        #expect(wide.limited(toBuckets: 5_000) == wide)
        // Schema −4 is as low as it goes, whatever the limit.
        #expect(wide.limited(toBuckets: 1).schema == -4)
    }

    @Test func negativeZeroAndPositiveValuesAreOrderedForQuantiles() throws {
        let registry = MetricRegistry()
        let series = registry.histogram("delta", help: "h", buckets: [0]).labels()
        for value in [-8.0, -4, -2, 0, 0, 1, 2, 4, 8, 16] { series.observe(value) }
        let native = try #require(series.nativeHistogram)
        #expect(native.zeroCount == 2)
        #expect(native.negative.count == 3 && native.positive.count == 5)
        let bound = NativeHistogramConfiguration.relativeError(atSchema: 5)
        let q10 = try #require(native.quantile(0.1))
        #expect(q10 < 0 && abs(q10 + 8) / 8 <= bound)
        #expect(try #require(native.quantile(0.45)) == 0)
        let q95 = try #require(native.quantile(0.95))
        #expect(abs(q95 - 16) / 16 <= bound)
        #expect(NativeHistogram(schema: 5, zeroThreshold: 0).quantile(0.5) == nil)
        // A reading made by hand with a schema no histogram has gives no quantile rather than a crash.
        #expect(NativeHistogram(schema: 12, zeroThreshold: 0, positive: [.init(index: 1, count: 1)]).quantile(0.5) == nil)
        #expect(native.reduced(toSchema: -40).schema == -4)
    }

    /// Increases between two readings and sums across series are what the dashboard computes from.
    @Test func increasesAndSumsCountEachObservationOnce() throws {
        let registry = MetricRegistry()
        let family = registry.histogram("latency_seconds", help: "h", unit: "seconds", labels: ["route"])
        let a = family.labels("a")
        let b = family.labels("b")
        for value in [0.001, 0.002, 0.003] { a.observe(value) }
        let before = try #require(a.nativeHistogram)
        for value in [0.004, 0.005, 0.5] { a.observe(value) }
        for value in [0.0002, 0.0003] { b.observe(value) }
        let increase = try #require(a.nativeHistogram).increase(since: before)
        #expect(increase.count == 3)
        let both = increase.adding(try #require(b.nativeHistogram))
        #expect(both.count == 5)
        let median = try #require(both.quantile(0.5))
        #expect(abs(median - 0.004) / 0.004 <= NativeHistogramConfiguration.relativeError(atSchema: 5))
        // A reset series (a bucket holds fewer than before) counts from zero again.
        let reset = before.increase(since: try #require(a.nativeHistogram))
        #expect(reset.count == before.count)
    }

    @Test func valuesBeyondTheRangeAreCountedInTheTopBucketAndReportedOnce() throws {
        let logs = RecordedLogs()
        let registry = MetricRegistry(logger: logs.logger)
        let series = registry.histogram("sizes_bytes", help: "h", unit: "bytes", buckets: [1]).labels()
        series.observe(.infinity)
        series.observe(1e30)
        series.observe(-.infinity)
        series.observe(1e-30)
        let native = try #require(series.nativeHistogram)
        let top = (ExponentialBucketSchema(5)?.index(of: 0x1p64))!
        #expect(native.positive == [.init(index: top, count: 2)])
        #expect(native.negative == [.init(index: top, count: 1)])
        #expect(native.zeroCount == 1)
        #expect(series.count == 4)
        #expect(logs.events.filter { $0.message == "metric_value_beyond_native_buckets" }.count == 1)
    }

    @Test func nativeBucketsCanBeTurnedOffAndConfigured() throws {
        let off = MetricRegistry(configuration: MetricsConfiguration(nativeHistograms: nil))
        #expect(off.histogram("a_seconds", help: "h", unit: "seconds").labels().nativeHistogram == nil)

        let environment = EnvironmentVariables([
            "SPYGLASS_METRICS_NATIVE_HISTOGRAM_SCHEMA": "3", "SPYGLASS_METRICS_NATIVE_HISTOGRAM_MAX_BUCKETS": "200",
        ])
        let configured = try MetricsConfiguration().applyingEnvironment(environment)
        #expect(configured.nativeHistograms == NativeHistogramConfiguration(schema: 3, maxBucketCount: 200))
        let turnedOff = try MetricsConfiguration().applyingEnvironment(EnvironmentVariables(["SPYGLASS_METRICS_NATIVE_HISTOGRAMS": "off"]))
        #expect(turnedOff.nativeHistograms == nil)

        for (name, value, allowed) in [
            ("SPYGLASS_METRICS_NATIVE_HISTOGRAMS", "sometimes", "on"),
            ("SPYGLASS_METRICS_NATIVE_HISTOGRAM_SCHEMA", "9", "-4"),
            ("SPYGLASS_METRICS_NATIVE_HISTOGRAM_SCHEMA", "five", "8"),
            ("SPYGLASS_METRICS_NATIVE_HISTOGRAM_MAX_BUCKETS", "0", "65536"),
        ] {
            let error = #expect(throws: ConfigurationError.self) {
                try MetricsConfiguration().applyingEnvironment(EnvironmentVariables([name: value]))
            }
            #expect(error?.variable == name)
            #expect(error?.description.contains(allowed) == true, "\(String(describing: error))")
        }

        // A schema out of range given in code is moved into range, with a warning, not a crash.
        let logs = RecordedLogs()
        let clamped = MetricRegistry(configuration: MetricsConfiguration(nativeHistograms: .init(schema: 12, maxBucketCount: 0)), logger: logs.logger)
        #expect(clamped.configuration.nativeHistograms == NativeHistogramConfiguration(schema: 8, maxBucketCount: 1))
        #expect(clamped.histogram("b_seconds", help: "h", unit: "seconds").labels().nativeHistogram?.schema == 8)
        #expect(logs.events.contains { $0.message == "native_histograms_adjusted" })
    }

    /// Observations from many tasks at once are all counted, in classic and native buckets alike.
    @Test func concurrentObservationsAreAllCounted() async throws {
        let registry = MetricRegistry()
        let series = registry.histogram("latency_seconds", help: "h", unit: "seconds").labels()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var random = SeededRandom(seed: UInt64(task))
                    for _ in 0..<20_000 { series.observe(Distribution.logNormal.sample(&random)) }
                }
            }
        }
        #expect(series.count == 160_000)
        #expect(try #require(series.nativeHistogram).count == 160_000)
    }
}
