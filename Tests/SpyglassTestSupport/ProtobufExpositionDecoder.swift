import Foundation

/// Prometheus's protobuf exposition (length-delimited `io.prometheus.client.MetricFamily` messages) read by
/// Google's Python protobuf runtime, with metrics.proto's messages declared to it from the schema: a decoder no
/// code of Spyglass's takes part in. Each family comes back as protobuf's JSON mapping with the proto field names;
/// proto2 leaves a field at its default out.
public enum ProtobufExpositionDecoder {
    /// metrics.proto's messages, declared to Python's protobuf runtime, reading the length-delimited stream into JSON.
    static let script = """
        import json, sys
        from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
        from google.protobuf.internal.decoder import _DecodeVarint
        F = descriptor_pb2.FieldDescriptorProto
        OPT, REP = F.LABEL_OPTIONAL, F.LABEL_REPEATED
        file = descriptor_pb2.FileDescriptorProto(name="metrics.proto", package="io.prometheus.client", syntax="proto2")
        enum = file.enum_type.add(name="MetricType")
        for number, name in enumerate(["COUNTER", "GAUGE", "SUMMARY", "UNTYPED", "HISTOGRAM", "GAUGE_HISTOGRAM"]):
            enum.value.add(name=name, number=number)
        def message(name, fields):
            m = file.message_type.add(name=name)
            for field_name, number, kind, label, type_name in fields:
                f = m.field.add(name=field_name, number=number, type=kind, label=label)
                if type_name: f.type_name = ".io.prometheus.client." + type_name
        message("Timestamp", [("seconds", 1, F.TYPE_INT64, OPT, None), ("nanos", 2, F.TYPE_INT32, OPT, None)])
        message("LabelPair", [("name", 1, F.TYPE_STRING, OPT, None), ("value", 2, F.TYPE_STRING, OPT, None)])
        message("Exemplar", [("label", 1, F.TYPE_MESSAGE, REP, "LabelPair"), ("value", 2, F.TYPE_DOUBLE, OPT, None), ("timestamp", 3, F.TYPE_MESSAGE, OPT, "Timestamp")])
        message("Gauge", [("value", 1, F.TYPE_DOUBLE, OPT, None)])
        message("Counter", [("value", 1, F.TYPE_DOUBLE, OPT, None), ("exemplar", 2, F.TYPE_MESSAGE, OPT, "Exemplar")])
        message("Bucket", [("cumulative_count", 1, F.TYPE_UINT64, OPT, None), ("upper_bound", 2, F.TYPE_DOUBLE, OPT, None), ("exemplar", 3, F.TYPE_MESSAGE, OPT, "Exemplar")])
        message("BucketSpan", [("offset", 1, F.TYPE_SINT32, OPT, None), ("length", 2, F.TYPE_UINT32, OPT, None)])
        message("Histogram", [
            ("sample_count", 1, F.TYPE_UINT64, OPT, None), ("sample_sum", 2, F.TYPE_DOUBLE, OPT, None),
            ("bucket", 3, F.TYPE_MESSAGE, REP, "Bucket"), ("schema", 5, F.TYPE_SINT32, OPT, None),
            ("zero_threshold", 6, F.TYPE_DOUBLE, OPT, None), ("zero_count", 7, F.TYPE_UINT64, OPT, None),
            ("negative_span", 9, F.TYPE_MESSAGE, REP, "BucketSpan"), ("negative_delta", 10, F.TYPE_SINT64, REP, None),
            ("positive_span", 12, F.TYPE_MESSAGE, REP, "BucketSpan"), ("positive_delta", 13, F.TYPE_SINT64, REP, None)])
        message("Metric", [
            ("label", 1, F.TYPE_MESSAGE, REP, "LabelPair"), ("gauge", 2, F.TYPE_MESSAGE, OPT, "Gauge"),
            ("counter", 3, F.TYPE_MESSAGE, OPT, "Counter"), ("histogram", 7, F.TYPE_MESSAGE, OPT, "Histogram"),
            ("timestamp_ms", 6, F.TYPE_INT64, OPT, None)])
        message("MetricFamily", [
            ("name", 1, F.TYPE_STRING, OPT, None), ("help", 2, F.TYPE_STRING, OPT, None),
            ("type", 3, F.TYPE_ENUM, OPT, "MetricType"), ("metric", 4, F.TYPE_MESSAGE, REP, "Metric")])
        pool = descriptor_pool.DescriptorPool()
        pool.Add(file)
        MetricFamily = message_factory.GetMessageClass(pool.FindMessageTypeByName("io.prometheus.client.MetricFamily"))
        data = sys.stdin.buffer.read()
        position, families = 0, []
        while position < len(data):
            length, position = _DecodeVarint(data, position)
            family = MetricFamily()
            family.ParseFromString(data[position:position + length])
            position += length
            families.append(json_format.MessageToDict(family, preserving_proto_field_name=True, always_print_fields_with_no_presence=True))
        print(json.dumps(families))
        """

    public static func decode(_ bytes: [UInt8]) async throws -> [[String: Any]] {
        let output = try await Peers.run(Peers.python, ["-c", script], input: bytes)
        guard output.status == 0,
            let families = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: Any]]
        else { throw DecodingFailed(reason: output.standardError) }
        return families
    }

    /// Python's protobuf runtime refused the bytes; `reason` is what it printed.
    public struct DecodingFailed: Error {
        public let reason: String
    }
}
