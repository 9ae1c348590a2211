import SpyglassCore

/// The formats a registry renders, chosen from a scrape's `Accept` header.
public enum ExpositionFormat: Sendable, Hashable {
    /// Prometheus text format 0.0.4: what every scraper reads; no exemplars.
    case prometheusText
    /// OpenMetrics 1.0 text: counters and histogram buckets carry exemplars; ends with `# EOF`.
    case openMetrics
    /// Prometheus's protobuf format, length-delimited `io.prometheus.client.MetricFamily` messages: the only
    /// format that carries native histograms (beside the classic buckets, with exemplars). A Prometheus server
    /// asks for it when run with `--enable-feature=native-histograms`.
    case prometheusProtobuf

    /// The `Content-Type` to answer with.
    public var contentType: String {
        switch self {
        case .prometheusText: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        case .prometheusProtobuf: "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
        }
    }

    /// The format a scraper asks for: the one of the three it gives the highest quality (on a tie protobuf, then
    /// OpenMetrics, as Prometheus ranks them), and text 0.0.4 when it names neither of the others, including a
    /// missing or unparsable header. Protobuf is chosen only when asked for as
    /// `application/vnd.google.protobuf` with `proto=io.prometheus.client.MetricFamily` and
    /// `encoding=delimited`, the one message stream this registry writes.
    public init(accept: String?) {
        guard let accept else {
            self = .prometheusText
            return
        }
        var protobufQuality = -1.0
        var openMetricsQuality = -1.0
        var otherQuality = -1.0
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingWhitespace() }
            guard let mediaType = parts.first?.lowercased() else { continue }
            var quality = 1.0
            var parameters: [String: String] = [:]
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
                guard pair.count == 2 else { continue }
                let name = pair[0].lowercased()
                if name == "q", let value = Double(pair[1]), value.isFinite {
                    quality = value
                } else {
                    parameters[name] = pair[1]
                }
            }
            guard quality > 0 else { continue }
            switch mediaType {
            case "application/vnd.google.protobuf":
                guard parameters["proto"] == "io.prometheus.client.MetricFamily", parameters["encoding"]?.lowercased() == "delimited" else {
                    continue
                }
                protobufQuality = max(protobufQuality, quality)
            case "application/openmetrics-text":
                openMetricsQuality = max(openMetricsQuality, quality)
            default:
                otherQuality = max(otherQuality, quality)
            }
        }
        if protobufQuality >= 0, protobufQuality >= openMetricsQuality, protobufQuality >= otherQuality {
            self = .prometheusProtobuf
        } else if openMetricsQuality >= 0, openMetricsQuality >= otherQuality {
            self = .openMetrics
        } else {
            self = .prometheusText
        }
    }
}
