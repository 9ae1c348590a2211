@_spi(Protobuf) import SpyglassCore

// Prometheus's protobuf exposition: a stream of `io.prometheus.client.MetricFamily` messages, each preceded by
// its length as a varint (`encoding=delimited`). The field numbers are those of metrics.proto in
// prometheus/client_model (v0.6), which Prometheus's own copy shares:
//
//   MetricFamily { name = 1; help = 2; type = 3; repeated Metric metric = 4 }
//   Metric { repeated LabelPair label = 1; Gauge gauge = 2; Counter counter = 3; Histogram histogram = 7 }
//   LabelPair { name = 1; value = 2 }    Gauge { value = 1 }    Counter { value = 1; Exemplar exemplar = 2 }
//   Histogram { sample_count = 1; sample_sum = 2; repeated Bucket bucket = 3; sint32 schema = 5;
//               zero_threshold = 6; zero_count = 7; negative_span = 9; sint64 negative_delta = 10;
//               positive_span = 12; sint64 positive_delta = 13 }
//   Bucket { cumulative_count = 1; upper_bound = 2; Exemplar exemplar = 3 }
//   BucketSpan { sint32 offset = 1; uint32 length = 2 }
//   Exemplar { repeated LabelPair label = 1; value = 2; google.protobuf.Timestamp timestamp = 3 }

extension MetricType {
    /// The `MetricType` enum's number.
    var protobufNumber: Int64 {
        switch self {
        case .counter: 0
        case .gauge: 1
        case .histogram: 4
        }
    }
}

extension ProtobufWriter {
    /// One `MetricFamily`, length-prefixed; `metrics` writes each `Metric` with ``metric(labels:values:_:)``.
    mutating func metricFamily(_ descriptor: MetricDescriptor, _ metrics: (inout ProtobufWriter) -> Void) {
        lengthPrefixed { family in
            family.string(1, descriptor.exposedName)
            family.string(2, descriptor.help)
            family.varint(3, descriptor.type.protobufNumber, always: true)
            metrics(&family)
        }
    }

    /// One `Metric` of a family: its label pairs, then what `value` writes.
    mutating func metric(labels names: [String], values: [String], _ value: (inout ProtobufWriter) -> Void) {
        message(4) { metric in
            for position in 0..<min(names.count, values.count) {
                metric.message(1) { pair in
                    pair.string(1, names[position])
                    pair.string(2, values[position])
                }
            }
            value(&metric)
        }
    }

    /// An `Exemplar` field: the span's ids as labels, the value and when it was recorded.
    mutating func exemplar(_ field: Int, _ exemplar: Exemplar) {
        message(field) { message in
            message.message(1) { pair in
                pair.string(1, "trace_id")
                pair.string(2, exemplar.span.traceID)
            }
            message.message(1) { pair in
                pair.string(1, "span_id")
                pair.string(2, exemplar.span.spanID)
            }
            message.double(2, exemplar.value)
            let nanoseconds = Int64((exemplar.timestamp * 1e9).rounded())
            message.message(3) { timestamp in
                timestamp.varint(1, nanoseconds / 1_000_000_000)
                timestamp.varint(2, nanoseconds % 1_000_000_000)
            }
        }
    }

    /// A native histogram's buckets of one sign: spans of consecutive indexes, then each count as the difference
    /// from the one before.
    mutating func nativeBuckets(_ buckets: [NativeHistogram.Bucket], spanField: Int, deltaField: Int) {
        guard !buckets.isEmpty else { return }
        var start = 0
        var previousIndex = 0
        for position in 1...buckets.count {
            // A span ends before a gap in the indexes, and at the end.
            guard position == buckets.count || buckets[position].index != buckets[position - 1].index + 1 else { continue }
            let offset = start == 0 ? buckets[0].index : buckets[start].index - previousIndex - 1
            message(spanField) { span in
                span.signed(1, Int64(offset))
                span.unsigned(2, UInt64(position - start))
            }
            previousIndex = buckets[position - 1].index
            start = position
        }
        packedSigned(deltaField, CountDeltas(buckets: buckets))
    }
}

/// Each bucket's count less the one before it (the first less 0), as native histograms' `delta` fields hold them.
struct CountDeltas: Sequence, IteratorProtocol {
    let buckets: [NativeHistogram.Bucket]
    private var position = 0
    private var previous: Int64 = 0

    init(buckets: [NativeHistogram.Bucket]) { self.buckets = buckets }

    mutating func next() -> Int64? {
        guard position < buckets.count else { return nil }
        let count = Int64(truncatingIfNeeded: buckets[position].count)
        position += 1
        defer { previous = count }
        return count &- previous
    }
}
