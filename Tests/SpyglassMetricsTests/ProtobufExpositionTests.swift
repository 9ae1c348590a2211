import Foundation
import SpyglassCore
import SpyglassTestSupport
import Testing

@testable import SpyglassMetrics

/// Prometheus's protobuf exposition, decoded by Google's Python protobuf runtime with metrics.proto's messages
/// declared from the schema (no code of Spyglass's in the decoding).
@Suite struct ProtobufExpositionTests {
    /// What Prometheus 2.42 sends with `--enable-feature=native-histograms`, and without.
    static let prometheusWithNativeHistograms =
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
    static let prometheusWithout =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

    @Test func protobufIsChosenOnlyWhenAskedForWithItsMessageAndEncoding() {
        #expect(ExpositionFormat(accept: Self.prometheusWithNativeHistograms) == .prometheusProtobuf)
        #expect(ExpositionFormat(accept: Self.prometheusWithout) == .openMetrics)
        #expect(ExpositionFormat(accept: "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited") == .prometheusProtobuf)
        // Another message, another encoding, or none: not a stream this registry writes.
        #expect(ExpositionFormat(accept: "application/vnd.google.protobuf;proto=io.prometheus.client.Other;encoding=delimited") == .prometheusText)
        #expect(ExpositionFormat(accept: "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text") == .prometheusText)
        #expect(ExpositionFormat(accept: "application/vnd.google.protobuf") == .prometheusText)
        // Quality decides; a tie goes to protobuf.
        #expect(ExpositionFormat(accept: "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.4,text/plain;q=0.5") == .prometheusText)
        #expect(ExpositionFormat(accept: "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,application/openmetrics-text;q=0.5") == .prometheusProtobuf)
        #expect(ExpositionFormat(accept: "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0") == .prometheusText)
        #expect(ExpositionFormat(accept: "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=nan") == .prometheusProtobuf)
        #expect(ExpositionFormat.prometheusProtobuf.contentType.hasPrefix("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"))
    }

    /// Counters, gauges, observed metrics, classic buckets with exemplars and hostile label values decode to what
    /// the text format says; every family appears once, in the text format's order.
    @Test func everyFamilyDecodesToTheValuesTheTextFormatHas() async throws {
        let registry = PeerValidationTests.fullRegistry()
        let families = try await ProtobufExpositionDecoder.decode(registry.render(.prometheusProtobuf))
        let names = families.compactMap { $0["name"] as? String }
        let textFamilies = String(decoding: registry.render(.prometheusText), as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) }
        #expect(names == textFamilies, "\(names)")

        func family(_ name: String) throws -> [String: Any] { try #require(families.first { $0["name"] as? String == name }) }
        func labels(_ metric: [String: Any]) -> [String: String] {
            Dictionary(uniqueKeysWithValues: (metric["label"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["value"] as? String ?? "") })
        }
        let requests = try family("demo_http_requests_total")
        #expect(requests["type"] as? String == "COUNTER")
        #expect(requests["help"] as? String == "HTTP requests by \"method\", endpoint and status.")
        for (index, hostile) in PeerValidationTests.hostileValues.enumerated() {
            let metric = try #require((requests["metric"] as? [[String: Any]])?.first { labels($0)["endpoint"] == hostile }, "\(hostile)")
            let counter = try #require(metric["counter"] as? [String: Any])
            #expect(counter["value"] as? Double == Double(index + 1))
            let exemplar = try #require(counter["exemplar"] as? [String: Any])
            #expect(labels(exemplar) == ["trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"])
        }
        let gauge = try #require((try family("demo_temperature_celsius")["metric"] as? [[String: Any]])?.first?["gauge"] as? [String: Any])
        #expect(gauge["value"] as? Double == -1.5)
        let dropped = try #require((try family("demo_log_events_dropped_total")["metric"] as? [[String: Any]])?.first)
        #expect(labels(dropped) == ["reason": "sampling"])
        #expect((dropped["counter"] as? [String: Any])?["value"] as? Double == 7)

        let sizes = try #require((try family("demo_response_size_bytes")["metric"] as? [[String: Any]])?.first?["histogram"] as? [String: Any])
        #expect(sizes["sample_count"] as? String == "1")  // uint64 in JSON is a string
        #expect(sizes["sample_sum"] as? Double == 2048)
        let buckets = try #require(sizes["bucket"] as? [[String: Any]])
        #expect(buckets.compactMap { $0["upper_bound"] as? Double } == HistogramBuckets.bytes)
        #expect(buckets.map { $0["cumulative_count"] as? String ?? "0" } == ["0", "0", "1", "1", "1", "1", "1"])  // 0 is left out
    }

    /// The native buckets, rebuilt from spans and deltas, are the registry's own at the configured schema.
    @Test(arguments: [5, 2, -1])
    func nativeBucketsDecodeToTheRegistrysReading(schema: Int) async throws {
        let registry = MetricRegistry(configuration: MetricsConfiguration(nativeHistograms: .init(schema: schema)))
        let series = registry.histogram("latency_seconds", help: "Latency.", unit: "seconds").labels()
        var random = SeededRandom(seed: 3)
        for _ in 0..<5_000 { series.observe(NativeHistogramTests.Distribution.bimodal.sample(&random)) }
        for value in [0.0, -0.25, -0.5, -0.5, 1e-30] { series.observe(value) }
        let expected = try #require(series.nativeHistogram).reduced(toSchema: schema)

        let families = try await ProtobufExpositionDecoder.decode(registry.render(.prometheusProtobuf))
        let histogram = try #require((families.first?["metric"] as? [[String: Any]])?.first?["histogram"] as? [String: Any])
        #expect(histogram["schema"] as? Int == schema)
        #expect(histogram["zero_threshold"] as? Double == NativeHistogramConfiguration.zeroThreshold)
        #expect(histogram["zero_count"] as? String == "2")
        #expect(histogram["sample_count"] as? String == "5005")
        #expect(Self.buckets(histogram, "positive") == expected.positive)
        #expect(Self.buckets(histogram, "negative") == expected.negative)
    }

    @Test func theBucketLimitLowersTheExposedSchema() async throws {
        let registry = MetricRegistry(configuration: MetricsConfiguration(nativeHistograms: .init(schema: 5, maxBucketCount: 20)))
        let series = registry.histogram("latency_seconds", help: "Latency.", unit: "seconds").labels()
        for exponent in -20...20 { series.observe(pow(2, Double(exponent) / 3)) }
        let families = try await ProtobufExpositionDecoder.decode(registry.render(.prometheusProtobuf))
        let histogram = try #require((families.first?["metric"] as? [[String: Any]])?.first?["histogram"] as? [String: Any])
        let expected = try #require(series.nativeHistogram).limited(toBuckets: 20)
        #expect(expected.schema < 5 && expected.positive.count <= 20)
        #expect(histogram["schema"] as? Int ?? 0 == expected.schema)  // proto2: 0 is left out
        #expect(Self.buckets(histogram, "positive") == expected.positive)
    }

    /// With native histograms off, a histogram is a classic one: no schema, no zero threshold.
    @Test func classicOnlyHistogramsCarryNoNativeFields() async throws {
        let registry = MetricRegistry(configuration: MetricsConfiguration(nativeHistograms: nil))
        registry.histogram("latency_seconds", help: "Latency.", unit: "seconds").labels().observe(0.003)
        let families = try await ProtobufExpositionDecoder.decode(registry.render(.prometheusProtobuf))
        let histogram = try #require((families.first?["metric"] as? [[String: Any]])?.first?["histogram"] as? [String: Any])
        #expect(histogram["zero_threshold"] == nil && histogram["schema"] == nil)  // absent: a classic histogram
        #expect((histogram["positive_span"] as? [Any])?.isEmpty == true)
        #expect(histogram["sample_count"] as? String == "1")
    }

    /// Spans and deltas back to buckets, as a decoder of native histograms does.
    static func buckets(_ histogram: [String: Any], _ sign: String) -> [NativeHistogram.Bucket] {
        let spans = histogram["\(sign)_span"] as? [[String: Any]] ?? []
        let deltas = (histogram["\(sign)_delta"] as? [String] ?? []).compactMap { Int64($0) }
        var result: [NativeHistogram.Bucket] = []
        var index = 0
        var count: Int64 = 0
        var position = 0
        for (number, span) in spans.enumerated() {
            let offset = span["offset"] as? Int ?? 0
            index = number == 0 ? offset : index + 1 + offset
            for step in 0..<(span["length"] as? Int ?? 0) {
                if step > 0 { index += 1 }
                count += deltas[position]
                position += 1
                result.append(.init(index: index, count: UInt64(count)))
            }
        }
        return result
    }
}
